#include "kernel/money.hpp"

#include "kernel/currency.hpp"
#include "kernel/problem.hpp"

namespace mercato::kernel {

namespace {

void require_same_currency(const Money& a, const Money& b) {
    if (a.currency() != b.currency()) {
        throw Problem::unprocessable("currency mismatch: " + std::string(a.currency()) + " vs " +
                                     std::string(b.currency()));
    }
}

[[noreturn]] void out_of_range() { throw Problem::unprocessable("amount out of range"); }

}  // namespace

Money Money::of(std::int64_t minor, std::string_view currency) {
    if (!is_currency(currency)) {
        throw Problem::unprocessable("unknown currency: \"" + std::string(currency) + "\"");
    }
    return Money(minor, {currency[0], currency[1], currency[2]});
}

Money Money::zero(std::string_view currency) { return of(0, currency); }

Money Money::times(std::int64_t quantity) const {
    std::int64_t result;
    if (__builtin_mul_overflow(minor_, quantity, &result)) out_of_range();
    return Money(result, currency_);
}

Money operator+(const Money& a, const Money& b) {
    require_same_currency(a, b);
    std::int64_t result;
    if (__builtin_add_overflow(a.minor_, b.minor_, &result)) out_of_range();
    return Money(result, a.currency_);
}

Money operator-(const Money& a, const Money& b) {
    require_same_currency(a, b);
    std::int64_t result;
    if (__builtin_sub_overflow(a.minor_, b.minor_, &result)) out_of_range();
    return Money(result, a.currency_);
}

std::strong_ordering operator<=>(const Money& a, const Money& b) {
    require_same_currency(a, b);
    return a.minor_ <=> b.minor_;
}

std::string Money::to_string() const {
    // The magnitude is taken in unsigned arithmetic so that INT64_MIN prints too.
    const std::uint64_t magnitude =
        minor_ < 0 ? 0 - static_cast<std::uint64_t>(minor_) : static_cast<std::uint64_t>(minor_);
    const int exponent = *currency_exponent(currency());

    std::string digits = std::to_string(magnitude);
    if (exponent > 0) {
        if (digits.size() <= static_cast<std::size_t>(exponent)) {
            digits.insert(0, static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - static_cast<std::size_t>(exponent), 1, '.');
    }

    std::string out;
    if (minor_ < 0) out += '-';
    out += digits;
    out += ' ';
    out += currency();
    return out;
}

}  // namespace mercato::kernel

// An amount of money: integer minor units of one ISO 4217 currency, with overflow-checked arithmetic.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace mercato::kernel {

// Arithmetic and ordering refuse to mix currencies or to overflow by throwing
// Problem 422, because both come from client input (prices, quantities) and a
// silently wrong total is worse than a refused request.
class Money {
public:
    static Money of(std::int64_t minor, std::string_view currency);
    static Money zero(std::string_view currency);

    std::int64_t minor() const noexcept { return minor_; }
    std::string_view currency() const noexcept { return {currency_.data(), currency_.size()}; }

    Money times(std::int64_t quantity) const;

    // "19.99 EUR", "-0.05 EUR", "500 JPY": the currency's decimal places, no grouping.
    std::string to_string() const;

    friend Money operator+(const Money& a, const Money& b);
    friend Money operator-(const Money& a, const Money& b);

    // Equality across currencies is simply false; ordering across them has no answer.
    friend bool operator==(const Money& a, const Money& b) = default;
    friend std::strong_ordering operator<=>(const Money& a, const Money& b);

private:
    Money(std::int64_t minor, std::array<char, 3> currency) noexcept
        : minor_(minor), currency_(currency) {}

    std::int64_t minor_;
    std::array<char, 3> currency_;
};

}  // namespace mercato::kernel

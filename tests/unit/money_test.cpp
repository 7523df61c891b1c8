#include "kernel/currency.hpp"
#include "kernel/money.hpp"
#include "kernel/problem.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>

using mercato::kernel::currency_exponent;
using mercato::kernel::is_currency;
using mercato::kernel::Money;
using mercato::kernel::Problem;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// The Problem a call throws, or nullopt when it returns normally.
template <class F>
std::optional<Problem> problem_of(F&& call) {
    try {
        call();
    } catch (const Problem& problem) {
        return problem;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("currency exponents follow ISO 4217 minor units") {
    CHECK(currency_exponent("EUR") == 2);
    CHECK(currency_exponent("USD") == 2);
    CHECK(currency_exponent("JPY") == 0);
    CHECK(currency_exponent("KWD") == 3);
    CHECK(currency_exponent("CLF") == 4);
    CHECK(currency_exponent("UYW") == 4);
    CHECK(currency_exponent("XOF") == 0);
    CHECK(currency_exponent("ZWG") == 2);
}

TEST_CASE("only active upper-case ISO 4217 codes are currencies") {
    CHECK(is_currency("EUR"));
    CHECK(is_currency("AED"));
    CHECK(is_currency("ZWG"));
    CHECK_FALSE(is_currency("eur"));
    CHECK_FALSE(is_currency("Eur"));
    CHECK_FALSE(is_currency("EU"));
    CHECK_FALSE(is_currency("EURO"));
    CHECK_FALSE(is_currency(""));
    CHECK_FALSE(is_currency("ABC"));
    CHECK_FALSE(is_currency("HRK"));  // withdrawn when Croatia adopted the euro
    CHECK_FALSE(is_currency("XAU"));  // gold has no minor unit to count in
    CHECK(currency_exponent("XXX") == std::nullopt);
}

TEST_CASE("money keeps its minor units and currency") {
    const Money price = Money::of(1999, "EUR");
    CHECK(price.minor() == 1999);
    CHECK(price.currency() == "EUR");
}

TEST_CASE("money in an unknown currency is refused as unprocessable") {
    const auto problem = problem_of([] { Money::of(100, "EURO"); });
    REQUIRE(problem);
    CHECK(problem->status() == 422);
    CHECK(problem_of([] { Money::of(100, "eur"); }));
    CHECK(problem_of([] { Money::zero("ZZZ"); }));
}

TEST_CASE("zero is no minor units of the given currency") {
    const Money zero = Money::zero("JPY");
    CHECK(zero.minor() == 0);
    CHECK(zero.currency() == "JPY");
}

TEST_CASE("adding and subtracting money of one currency works on minor units") {
    const Money a = Money::of(1999, "EUR");
    const Money b = Money::of(2001, "EUR");
    CHECK(a + b == Money::of(4000, "EUR"));
    CHECK(a - b == Money::of(-2, "EUR"));
}

TEST_CASE("adding money of different currencies is refused") {
    const auto problem = problem_of([] { (void)(Money::of(1, "EUR") + Money::of(1, "USD")); });
    REQUIRE(problem);
    CHECK(problem->status() == 422);
    CHECK(problem->detail() == "currency mismatch: EUR vs USD");
}

TEST_CASE("subtracting money of different currencies is refused") {
    const auto problem = problem_of([] { (void)(Money::of(1, "USD") - Money::of(1, "EUR")); });
    REQUIRE(problem);
    CHECK(problem->detail() == "currency mismatch: USD vs EUR");
}

TEST_CASE("arithmetic that overflows is refused instead of wrapping") {
    const Money max = Money::of(kMax, "EUR");
    const Money min = Money::of(kMin, "EUR");
    const Money one = Money::of(1, "EUR");

    const auto sum = problem_of([&] { (void)(max + one); });
    REQUIRE(sum);
    CHECK(sum->status() == 422);
    CHECK(sum->detail() == "amount out of range");
    CHECK(problem_of([&] { (void)(min - one); }));
    CHECK(problem_of([&] { (void)(one - min); }));
    CHECK(problem_of([&] { (void)max.times(2); }));
    CHECK(problem_of([&] { (void)min.times(-1); }));
    CHECK_FALSE(problem_of([&] { (void)(max - one + one); }));
}

TEST_CASE("times multiplies the amount by a quantity") {
    const Money unit = Money::of(250, "EUR");
    CHECK(unit.times(3) == Money::of(750, "EUR"));
    CHECK(unit.times(0) == Money::zero("EUR"));
    CHECK(unit.times(-2) == Money::of(-500, "EUR"));
}

TEST_CASE("equal money needs the same amount and the same currency") {
    CHECK(Money::of(100, "EUR") == Money::of(100, "EUR"));
    CHECK(Money::of(100, "EUR") != Money::of(101, "EUR"));
    CHECK(Money::of(100, "EUR") != Money::of(100, "USD"));
}

TEST_CASE("money of one currency is ordered by amount") {
    CHECK(Money::of(-1, "EUR") < Money::of(0, "EUR"));
    CHECK(Money::of(1000, "EUR") > Money::of(999, "EUR"));
    CHECK(Money::of(5, "EUR") <= Money::of(5, "EUR"));
}

TEST_CASE("ordering money of different currencies is refused") {
    const auto problem = problem_of([] { (void)(Money::of(1, "EUR") < Money::of(2, "USD")); });
    REQUIRE(problem);
    CHECK(problem->status() == 422);
    CHECK(problem->detail() == "currency mismatch: EUR vs USD");
}

TEST_CASE("to_string places the decimal point by the currency's exponent") {
    CHECK(Money::of(1999, "EUR").to_string() == "19.99 EUR");
    CHECK(Money::of(-5, "EUR").to_string() == "-0.05 EUR");
    CHECK(Money::of(0, "EUR").to_string() == "0.00 EUR");
    CHECK(Money::of(-100, "EUR").to_string() == "-1.00 EUR");
    CHECK(Money::of(500, "JPY").to_string() == "500 JPY");
    CHECK(Money::of(-500, "JPY").to_string() == "-500 JPY");
    CHECK(Money::of(1234, "KWD").to_string() == "1.234 KWD");
    CHECK(Money::of(7, "CLF").to_string() == "0.0007 CLF");
}

TEST_CASE("to_string prints the extreme amounts exactly") {
    CHECK(Money::of(kMin, "EUR").to_string() == "-92233720368547758.08 EUR");
    CHECK(Money::of(kMax, "JPY").to_string() == "9223372036854775807 JPY");
}

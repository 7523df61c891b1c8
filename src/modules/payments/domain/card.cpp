#include "modules/payments/domain/card.hpp"

#include <algorithm>

namespace mercato::payments {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number's first n digits as a number, for the brands' prefix ranges.
int prefix(std::string_view digits, std::size_t n) {
    int value = 0;
    for (std::size_t i = 0; i < n && i < digits.size(); ++i) value = value * 10 + (digits[i] - '0');
    return value;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (twice && (d *= 2) > 9) d -= 9;
        sum += d;
        twice = !twice;
    }
    return !digits.empty() && sum % 10 == 0;
}

std::string card_brand(std::string_view digits) {
    if (digits.starts_with("4")) return "visa";
    const int two = prefix(digits, 2);
    const int four = prefix(digits, 4);
    if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
    if (two == 34 || two == 37) return "amex";
    if (four == 6011 || two == 65) return "discover";
    return "card";
}

std::vector<kernel::FieldError> card_problems(const Card& card, int year, int month) {
    std::vector<kernel::FieldError> errors;
    if (!all_digits(card.number) || card.number.size() < 12 || card.number.size() > 19) {
        errors.push_back({"card.number", "must be 12 to 19 digits"});
    } else if (!luhn_valid(card.number)) {
        errors.push_back({"card.number", "is not a valid card number (it fails the Luhn check)"});
    }
    const bool month_valid = card.exp_month >= 1 && card.exp_month <= 12;
    const bool year_valid = card.exp_year >= 2000 && card.exp_year <= 2099;
    if (!month_valid) errors.push_back({"card.exp_month", "must be 1 to 12"});
    if (!year_valid) errors.push_back({"card.exp_year", "must be a four-digit year"});
    if (month_valid && year_valid && (card.exp_year < year || (card.exp_year == year && card.exp_month < month))) {
        errors.push_back({"card.exp_year", "the card has expired"});
    }
    if (!all_digits(card.cvc) || card.cvc.size() < 3 || card.cvc.size() > 4) {
        errors.push_back({"card.cvc", "must be 3 or 4 digits"});
    }
    return errors;
}

}  // namespace mercato::payments

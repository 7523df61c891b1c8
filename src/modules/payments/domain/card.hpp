// Rules on card numbers before any provider sees them: the Luhn check, the brand, the expiry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kernel/problem.hpp"
#include "modules/payments/api/payments.hpp"

namespace mercato::payments {

// Whether digits (digits only) pass the Luhn checksum.
bool luhn_valid(std::string_view digits);
// "visa", "mastercard", "amex", "discover", or "card" when the prefix is none of theirs.
std::string card_brand(std::string_view digits);
// What is wrong with the card as of year/month (UTC), each under "card.<field>"; a number is never echoed.
std::vector<kernel::FieldError> card_problems(const Card& card, int year, int month);

}  // namespace mercato::payments

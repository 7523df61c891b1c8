// The providers this build knows, by the name configuration gives them.
#pragma once

#include <memory>
#include <string>

#include "modules/payments/providers/payment_provider.hpp"

namespace mercato::payments {

// kernel::ConfigError for a name no provider has.
std::unique_ptr<PaymentProvider> make_provider(const std::string& name);

}  // namespace mercato::payments

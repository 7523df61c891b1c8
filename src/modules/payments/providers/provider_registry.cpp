#include "modules/payments/providers/provider_registry.hpp"

#include <fmt/format.h>

#include "kernel/config.hpp"
#include "modules/payments/providers/sandbox_provider.hpp"

namespace mercato::payments {

std::unique_ptr<PaymentProvider> make_provider(const std::string& name) {
    if (name == "sandbox") return std::make_unique<SandboxProvider>();
    throw kernel::ConfigError(fmt::format("payments.provider '{}' is not a provider this build knows (sandbox)", name));
}

}  // namespace mercato::payments

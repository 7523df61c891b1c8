#include "modules/users/settings.hpp"

namespace mercato::users {

UsersSettings read_users_settings(const kernel::SettingsSection& section) {
    section.allow_keys({"password_memory_kib", "password_passes", "token_issuer", "token_audience"});
    UsersSettings settings;
    std::size_t memory_kib = settings.password_memory_bytes / 1024;
    int passes = static_cast<int>(settings.password_passes);
    section.read("password_memory_kib", memory_kib);
    section.read("password_passes", passes);
    section.read("token_issuer", settings.token_issuer);
    section.read("token_audience", settings.token_audience);
    // libsodium's floor is 8 KiB; production wants OWASP's 19 MiB, tests may go lower to stay fast.
    if (memory_kib < 8) throw kernel::ConfigError("users.password_memory_kib must be at least 8");
    if (passes < 1) throw kernel::ConfigError("users.password_passes must be at least 1");
    if (settings.token_issuer.empty() || settings.token_audience.empty()) {
        throw kernel::ConfigError("users.token_issuer and users.token_audience must not be empty");
    }
    settings.password_memory_bytes = memory_kib * 1024;
    settings.password_passes = static_cast<std::uint64_t>(passes);
    return settings;
}

}  // namespace mercato::users

// How the email and webhook channels reach their servers: what the [notifications] section configures
// and the channels are built from.
#pragma once

#include <string>
#include <vector>

namespace mercato::notifications {

struct SmtpSettings {
    std::string host = "127.0.0.1";
    int port = 25;
    std::string from;             // "Mercato Shop <shop@example.com>" or a bare address
    std::string username;         // "" for no AUTH
    std::string password;
    std::string tls = "starttls";  // "off" (plain, for a local relay), "starttls" (upgrade, required), "tls" (smtps:// implicit TLS)
    int timeout_ms = 10000;
};

struct WebhookSettings {
    std::vector<std::string> urls;  // http:// or https:// endpoints
    std::string secret;             // signs every delivery
    int timeout_ms = 10000;
};

}  // namespace mercato::notifications

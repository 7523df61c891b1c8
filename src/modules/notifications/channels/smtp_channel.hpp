// The email channel: a notification as a MIME message (plain text, and HTML when there is some),
// handed to an SMTP server with libcurl.
#pragma once

#include <chrono>
#include <string>

#include "modules/notifications/channel_settings.hpp"
#include "modules/notifications/channels/channel.hpp"

namespace mercato::notifications {

// The RFC 5322 message SmtpChannel sends, CRLF line ends, bodies UTF-8 in base64; `now` is its Date.
// Throws std::invalid_argument when the recipient, sender, subject or id holds a CR or LF (a header
// injection), or when the sender or recipient is not one address ("Name <a@b.example>" or "a@b.example").
std::string build_mime_message(const Message& message, const SmtpSettings& settings, std::chrono::system_clock::time_point now);

class SmtpChannel final : public Channel {
public:
    // Throws std::invalid_argument for an unknown tls mode, an empty host, a port out of range, a
    // timeout that is not positive, or a sender that is not one address.
    explicit SmtpChannel(SmtpSettings settings);

    std::string name() const override { return "email"; }
    // One SMTP session per message; a failure throws std::runtime_error naming host:port and curl's reason.
    void send(const Message& message) override;

private:
    SmtpSettings settings_;
};

}  // namespace mercato::notifications

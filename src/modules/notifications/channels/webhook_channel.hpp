// The webhook channel: a notification's JSON payload POSTed to each configured endpoint, signed with
// Mercato-Signature so receivers can tell it came from this shop.
#pragma once

#include <string>
#include <vector>

#include "modules/notifications/channel_settings.hpp"
#include "modules/notifications/channels/channel.hpp"

namespace mercato::notifications {

class WebhookChannel final : public Channel {
public:
    // Throws std::invalid_argument without endpoints or a secret, for a URL that is neither http://
    // nor https://, or for a timeout that is not positive.
    explicit WebhookChannel(WebhookSettings settings);

    std::string name() const override { return "webhook"; }
    // Posts to every endpoint in turn; a transport error or a non-2xx answer from any of them throws
    // std::runtime_error naming the URL and status.
    void send(const Message& message) override;

private:
    void post(const std::string& url, const Message& message) const;

    WebhookSettings settings_;
};

}  // namespace mercato::notifications

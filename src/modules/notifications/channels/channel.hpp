// A way a notification reaches someone: email over SMTP, a signed webhook, or a log stand-in for
// sms and push until a real provider is configured. The dispatcher retries what a channel refuses.
#pragma once

#include <string>

namespace mercato::notifications {

struct Message {
    std::string id;         // the notification's id ("ntf_..."): a Message-ID, an idempotency key
    std::string kind;       // "welcome", "order_confirmation", ... or "message" for an admin's
    std::string to;         // an email address, a phone number, or a user id (push); "" for webhooks
    std::string subject;
    std::string text;       // the plain-text body
    std::string html;       // an HTML body, or "" for none
    std::string payload;    // what a webhook posts: a JSON object describing the notification
};

class Channel {
public:
    virtual ~Channel() = default;
    // "email", "sms", "push" or "webhook": what history rows name.
    virtual std::string name() const = 0;
    // Delivers the message, or throws std::runtime_error saying why not (the dispatcher retries
    // with backoff and records the reason). Blocks: runs on the dispatcher's thread.
    virtual void send(const Message& message) = 0;
};

}  // namespace mercato::notifications

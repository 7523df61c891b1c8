// A channel with no provider behind it yet: it writes who would have got which message to the log
// (the subject only; bodies may hold secrets), so sms and push work end to end before a provider is
// configured, and so does email on a machine without an SMTP server.
#pragma once

#include "modules/notifications/channels/channel.hpp"

namespace mercato::notifications {

class LogChannel final : public Channel {
public:
    // name: the channel it stands in for ("sms"); why: said in every line ("no sms provider is configured").
    LogChannel(std::string name, std::string why) : name_(std::move(name)), why_(std::move(why)) {}

    std::string name() const override { return name_; }
    void send(const Message& message) override;

private:
    std::string name_;
    std::string why_;
};

}  // namespace mercato::notifications

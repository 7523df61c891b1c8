#include "modules/notifications/channels/log_channel.hpp"

#include <spdlog/spdlog.h>

namespace mercato::notifications {

void LogChannel::send(const Message& m) {
    spdlog::info("notifications: {} {} to {} logged, not sent ({}): \"{}\"", name_, m.id, m.to, why_, m.subject);
}

}  // namespace mercato::notifications

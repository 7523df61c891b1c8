#include "kernel/bus/envelope.hpp"

namespace mercato::kernel::bus {

std::string topic_module(const std::string& topic) {
    const auto dot = topic.find('.');
    return dot == std::string::npos ? std::string() : topic.substr(0, dot);
}

std::string Envelope::source() const { return topic_module(topic); }

}  // namespace mercato::kernel::bus

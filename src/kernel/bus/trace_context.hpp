// W3C trace context for events: an event published while another is being handled continues that
// event's trace, so a checkout can be followed across the modules it passes through.
#pragma once

#include <string>
#include <string_view>

namespace mercato::kernel::bus {

// "00-<trace id>-<new span id>-01" continuing parent when it is a valid traceparent, else a new trace.
std::string next_traceparent(std::string_view parent);

// The traceparent of the event the calling thread is handling, or "".
std::string_view current_traceparent();

// Marks the calling thread as handling an event with this traceparent, for its lifetime.
class TraceScope {
public:
    explicit TraceScope(std::string_view traceparent);
    ~TraceScope();
    TraceScope(const TraceScope&) = delete;
    TraceScope& operator=(const TraceScope&) = delete;

private:
    std::string_view previous_;
};

}  // namespace mercato::kernel::bus

// Process logging: spdlog to stdout as text or JSON lines, each line tagged with the request it serves.
#pragma once

#include <string>
#include <string_view>

namespace mercato::kernel {

// level: trace..off; format: "text" or "json". Safe to call again (tests, reconfiguration).
void init_logging(std::string_view level, std::string_view format);

// Tags the log lines written on this thread while it lives (a handler runs on one worker thread).
// It keeps a view: the id must outlive the scope, as a request's own id does.
class RequestIdScope {
public:
    explicit RequestIdScope(std::string_view request_id);
    ~RequestIdScope();
    RequestIdScope(const RequestIdScope&) = delete;
    RequestIdScope& operator=(const RequestIdScope&) = delete;

private:
    std::string_view previous_;
};

// Gives the JSON lines written on this thread while it lives a "features" field: the flags a request
// was answered ("new_checkout:on,checkout_button:b"), which text lines carry in their message. It keeps a view.
class FeaturesLogScope {
public:
    explicit FeaturesLogScope(std::string_view features);
    ~FeaturesLogScope();
    FeaturesLogScope(const FeaturesLogScope&) = delete;
    FeaturesLogScope& operator=(const FeaturesLogScope&) = delete;

private:
    std::string_view previous_;
};

// The request id the calling thread's log lines carry, or "".
std::string_view current_request_id();

// A JSON string literal for text (quotes included), escaped per RFC 8259.
std::string json_quote(std::string_view text);

}  // namespace mercato::kernel

#include "kernel/logging.hpp"

#include "kernel/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace mercato::kernel {

namespace {

thread_local std::string_view request_id;
thread_local std::string_view request_features;

// spdlog's stdout sink flushes every line, a write(2) per request; this one leaves lines in stdio's
// buffer until flush() (warnings at once, the rest every second, and at exit).
class BufferedStdoutSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    void flush_() override { std::fflush(stdout); }
};

// Text lines: "2026-11-25T10:00:00.123Z info [req_...] message"; the id is left out when there is none.
class RequestIdFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
        if (request_id.empty()) return;
        dest.push_back('[');
        dest.append(request_id.data(), request_id.data() + request_id.size());
        dest.append(std::string_view("] "));
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdFlag>(); }
};

class JsonFormatter : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        fmt::format_to(std::back_inserter(dest), R"({{"ts":"{}","level":"{}")", format_rfc3339(msg.time),
                       spdlog::level::to_string_view(msg.level));
        if (!request_id.empty()) fmt::format_to(std::back_inserter(dest), R"(,"request_id":{})", json_quote(request_id));
        if (!request_features.empty()) fmt::format_to(std::back_inserter(dest), R"(,"features":{})", json_quote(request_features));
        fmt::format_to(std::back_inserter(dest), R"(,"msg":{}}})", json_quote({msg.payload.data(), msg.payload.size()}));
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

void init_logging(std::string_view level, std::string_view format) {
    auto logger = spdlog::get("mercato");
    if (!logger) {
        logger = std::make_shared<spdlog::logger>("mercato", std::make_shared<BufferedStdoutSink>());
        spdlog::register_logger(logger);
        spdlog::set_default_logger(logger);
    }
    logger->set_level(spdlog::level::from_str(std::string(level)));
    if (format == "json") {
        logger->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %*%v");
        logger->set_formatter(std::move(formatter));
    }
    logger->flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
}


std::string_view current_request_id() { return request_id; }

RequestIdScope::RequestIdScope(std::string_view id) : previous_(std::exchange(request_id, id)) {}
RequestIdScope::~RequestIdScope() { request_id = previous_; }

FeaturesLogScope::FeaturesLogScope(std::string_view seen) : previous_(std::exchange(request_features, seen)) {}
FeaturesLogScope::~FeaturesLogScope() { request_features = previous_; }

std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += fmt::format("\\u{:04x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace mercato::kernel

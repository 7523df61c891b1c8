#include "support/log_capture.hpp"

#include <algorithm>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "kernel/logging.hpp"

namespace mercato::test {

namespace {

class MemorySink : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::vector<std::string> lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        std::string text(line.data(), line.size());
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        lines_.push_back(std::move(text));
    }
    void flush_() override {}

private:
    std::vector<std::string> lines_;
};

}  // namespace

LogCapture::LogCapture(std::string_view level, std::string_view format) : sink_(std::make_shared<MemorySink>()) {
    kernel::init_logging(level, format);
    spdlog::get("mercato")->sinks().push_back(sink_);
    // Again, now that the sink is there, so it writes lines in the format asked.
    kernel::init_logging(level, format);
}

LogCapture::~LogCapture() {
    auto& sinks = spdlog::get("mercato")->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
}

std::vector<std::string> LogCapture::lines() const { return static_cast<MemorySink&>(*sink_).lines(); }

}  // namespace mercato::test

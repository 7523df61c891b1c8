// What the process logs while a test watches: a sink beside stdout on the server's logger.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spdlog::sinks {
class sink;
}

namespace mercato::test {

// Start it before the server it watches (a server's start sets the level and format again: give its
// configuration the same) and let it outlive that server, so no thread logs while the sink comes and goes.
class LogCapture {
public:
    explicit LogCapture(std::string_view level = "info", std::string_view format = "text");
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // The lines written so far, without their line ends.
    std::vector<std::string> lines() const;

private:
    std::shared_ptr<spdlog::sinks::sink> sink_;
};

}  // namespace mercato::test

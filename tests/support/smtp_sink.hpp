// A throwaway SMTP server for tests (tests/support/smtp_sink.py in a child process): it accepts any
// mail on 127.0.0.1 and hands back what arrived, decoded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_paths.hpp"

namespace mercato::test {

struct ReceivedMail {
    std::vector<std::string> recipients;  // the envelope's RCPT TO addresses
    std::string raw;                      // the DATA as sent
    std::string subject;                  // RFC 2047 encoded-words decoded
    std::string text;                     // the text/plain part, decoded, lines ending "\n"
    std::string html;                     // the text/html part, decoded, or ""
};

class SmtpSink {
public:
    SmtpSink();  // returns once the server listens; throws std::runtime_error if it does not start
    ~SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // Every message received so far, in order of arrival.
    std::vector<ReceivedMail> messages() const;
    // Whether at least count messages arrived within timeout.
    bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
    void stop();

private:
    std::size_t arrived() const;

    TempDir dir_;
    ChildProcess server_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace mercato::test

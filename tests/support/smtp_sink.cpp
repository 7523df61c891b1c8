#include "support/smtp_sink.hpp"

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/eventually.hpp"

namespace mercato::test {

namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

// Port 0: the script binds a free port itself and says which, so no other process can take it between.
SmtpSink::SmtpSink()
    : server_(std::filesystem::path("/usr/bin/python3"), {MERCATO_SOURCE_DIR "/tests/support/smtp_sink.py", "0", dir_.str()}) {
    const auto output = server_.wait_for_output("\n", std::chrono::seconds(10));
    std::smatch ready;
    if (!output || !std::regex_search(*output, ready, std::regex(R"(ready (\d+)\n)"))) {
        throw std::runtime_error("the SMTP sink did not start: " + server_.errors());
    }
    port_ = static_cast<std::uint16_t>(std::stoi(ready[1]));
}

SmtpSink::~SmtpSink() { stop(); }

void SmtpSink::stop() {
    if (stopped_) return;
    stopped_ = true;
    server_.signal(SIGTERM);
    server_.wait(std::chrono::seconds(5));  // the ChildProcess kills it if it lingers
}

// The script writes n.json last, whole, so each one counted is a complete message.
std::size_t SmtpSink::arrived() const {
    std::size_t n = 0;
    while (std::filesystem::exists(dir_.path() / (std::to_string(n + 1) + ".json"))) ++n;
    return n;
}

std::vector<ReceivedMail> SmtpSink::messages() const {
    std::vector<ReceivedMail> mails;
    const std::size_t n = arrived();
    for (std::size_t i = 1; i <= n; ++i) {
        const auto decoded = nlohmann::json::parse(slurp(dir_.path() / (std::to_string(i) + ".json")));
        mails.push_back({decoded.at("to").get<std::vector<std::string>>(), slurp(dir_.path() / (std::to_string(i) + ".eml")),
                         decoded.at("subject").get<std::string>(), decoded.at("text").get<std::string>(),
                         decoded.at("html").get<std::string>()});
    }
    return mails;
}

bool SmtpSink::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
    return eventually([&] { return arrived() >= count; }, timeout, std::chrono::milliseconds(20));
}

}  // namespace mercato::test

// The email channel against a real SMTP server (tests/support/smtp_sink.py): what arrives, and what is refused.
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "modules/notifications/channels/smtp_channel.hpp"
#include "support/smtp_sink.hpp"

using mercato::notifications::build_mime_message;
using mercato::notifications::Message;
using mercato::notifications::SmtpChannel;
using mercato::notifications::SmtpSettings;
using mercato::test::SmtpSink;
using namespace std::chrono_literals;

namespace {

SmtpSettings local_relay(std::uint16_t port) {
    SmtpSettings settings;
    settings.port = port;
    settings.from = "Mercato Shop <shop@example.com>";
    settings.tls = "off";
    settings.timeout_ms = 2000;
    return settings;
}

Message order_confirmation() {
    Message message;
    message.id = "ntf_0001";
    message.kind = "order_confirmation";
    message.to = "kunde@example.com";
    message.subject = "Ihre Bestellung – Bestätigung";
    message.text = "Danke für Ihre Bestellung.\nIhr Mercato-Team";
    message.html = "<p>Danke für Ihre <b>Bestellung</b>.</p>";
    return message;
}

}  // namespace

TEST_CASE("an email arrives with its recipient, its UTF-8 subject, and both text and HTML") {
    SmtpSink sink;
    SmtpChannel(local_relay(sink.port())).send(order_confirmation());

    REQUIRE(sink.wait_for(1, 5s));
    const auto mails = sink.messages();
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].recipients == std::vector<std::string>{"kunde@example.com"});
    CHECK(mails[0].subject == "Ihre Bestellung – Bestätigung");
    CHECK(mails[0].text == "Danke für Ihre Bestellung.\nIhr Mercato-Team");
    CHECK(mails[0].html == "<p>Danke für Ihre <b>Bestellung</b>.</p>");
    CHECK(mails[0].raw.find("From: Mercato Shop <shop@example.com>\r\n") != std::string::npos);
    CHECK(mails[0].raw.find("Message-ID: <ntf_0001@mercato>\r\n") != std::string::npos);
}

TEST_CASE("an email without HTML is a single text/plain part") {
    SmtpSink sink;
    Message message = order_confirmation();
    message.html.clear();
    SmtpChannel(local_relay(sink.port())).send(message);

    REQUIRE(sink.wait_for(1, 5s));
    const auto mail = sink.messages().at(0);
    CHECK(mail.text == message.text);
    CHECK(mail.html.empty());
    CHECK(mail.raw.find("multipart") == std::string::npos);
}

TEST_CASE("an email to a port where nothing listens fails within the timeout, naming the server") {
    SmtpSink sink;
    const std::uint16_t port = sink.port();
    sink.stop();
    SmtpChannel channel(local_relay(port));

    const auto started = std::chrono::steady_clock::now();
    std::string reason;
    try {
        channel.send(order_confirmation());
    } catch (const std::runtime_error& e) {
        reason = e.what();
    }
    // A refused connection fails at once; the bound catches a send that retries or hangs past its 2 s timeout, with
    // as much again for a loaded machine.
    CHECK(std::chrono::steady_clock::now() - started < 4s);
    CHECK(reason.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("a subject that would inject a Bcc header is refused and nothing is sent") {
    SmtpSink sink;
    Message message = order_confirmation();
    message.subject = "Ihre Bestellung\r\nBcc: x@y.example";

    CHECK_THROWS_AS(SmtpChannel(local_relay(sink.port())).send(message), std::invalid_argument);
    CHECK(sink.messages().empty());  // the sink stores a message before it acknowledges it
}

TEST_CASE("an email's Date is RFC 5322 in UTC and every line ends in CRLF") {
    using namespace std::chrono;
    const auto now = sys_days{2025y / January / 2} + 3h + 4min + 5s;
    const std::string mime = build_mime_message(order_confirmation(), local_relay(25), now);

    CHECK(mime.find("\r\nDate: Thu, 02 Jan 2025 03:04:05 +0000\r\n") != std::string::npos);
    for (std::size_t at = mime.find('\n'); at != std::string::npos; at = mime.find('\n', at + 1)) {
        REQUIRE(mime[at - 1] == '\r');
    }
}

#include "modules/notifications/channels/smtp_channel.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "modules/notifications/channels/curl_handle.hpp"

namespace mercato::notifications {

namespace {

constexpr std::string_view crlf = "\r\n";
// base64 never produces "=_", so no encoded body line can be mistaken for this boundary.
constexpr std::string_view boundary = "=_mercato_alternative";

void refuse_line_breaks(std::string_view field, std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        throw std::invalid_argument(fmt::format("the email {} contains a line break", field));
    }
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// Lines of 76 characters (57 bytes each), the longest RFC 2045 allows.
std::string base64_lines(std::string_view bytes) {
    std::string out;
    for (std::size_t at = 0; at < bytes.size(); at += 57) {
        out += base64(bytes.substr(at, 57));
        out += crlf;
    }
    return out;
}

// MIME encodes text in its canonical form, lines ending CRLF, whatever line ends the template used.
std::string with_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

// RFC 2047 encoded-words of at most 39 bytes each, so a header line stays within 78 characters, cut
// only between UTF-8 characters (a word must hold whole characters), one word to a folded line.
std::string encoded_words(std::string_view text) {
    constexpr std::size_t chunk = 39;
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = std::min(at + chunk, text.size());
        while (end < text.size() && end > at && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        if (end == at) end = std::min(at + chunk, text.size());  // not UTF-8: cut where it falls
        if (!out.empty()) out += "\r\n ";
        out += fmt::format("=?UTF-8?B?{}?=", base64(text.substr(at, end - at)));
        at = end;
    }
    return out;
}

// Printable ASCII that fits the line and cannot be read as an encoded-word goes into a header as written.
bool fits_as_is(std::string_view text, std::size_t room) {
    return text.size() <= room && text.find("=?") == std::string_view::npos &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

// "Display Name <address>" or a bare address.
struct Mailbox {
    std::string_view display;
    std::string_view address;
};

Mailbox parse_mailbox(std::string_view text) {
    const auto open = text.rfind('<');
    const auto close = text.rfind('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {{}, trim(text)};
    return {trim(text.substr(0, open)), trim(text.substr(open + 1, close - open - 1))};
}

std::string mailbox_header(const Mailbox& mailbox) {
    std::string_view name = mailbox.display;
    if (name.empty()) return std::string(mailbox.address);
    // A name is taken as plain text: surrounding quotes go, and come back only where needed.
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    if (!fits_as_is(name, 60)) return fmt::format("{} <{}>", encoded_words(name), mailbox.address);
    // Unquoted, a special such as the comma in "Shop, Inc." would split the header into two mailboxes.
    if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return fmt::format("{} <{}>", name, mailbox.address);
    std::string quoted = "\"";
    for (const char c : name) {
        if (c == '\\' || c == '"') quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    return fmt::format("{} <{}>", quoted, mailbox.address);
}

std::string rfc5322_date(std::chrono::system_clock::time_point now) {
    // Names spelled out rather than strftime'd: the process locale must not change a mail header.
    static constexpr std::string_view days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[utc.tm_wday], utc.tm_mday, months[utc.tm_mon],
                       utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string text_part(std::string_view subtype, std::string_view body) {
    return fmt::format("Content-Type: text/{}; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}", subtype,
                       base64_lines(with_crlf(body)));
}

// One plain address: a space, comma or bracket in it would smuggle a second mailbox into the header.
Mailbox mailbox_of(std::string_view role, std::string_view text) {
    refuse_line_breaks(role, text);
    const Mailbox mailbox = parse_mailbox(text);
    if (mailbox.address.find('@') == std::string_view::npos || mailbox.address.find_first_of(" \t<>,;\"") != std::string_view::npos) {
        throw std::invalid_argument(fmt::format("the email {} \"{}\" is not an email address", role, text));
    }
    return mailbox;
}

Mailbox sender(const SmtpSettings& settings) { return mailbox_of("sender", settings.from); }
Mailbox recipient(const Message& message) { return mailbox_of("recipient", message.to); }

size_t read_upload(char* buffer, size_t size, size_t count, void* rest) {
    auto& unsent = *static_cast<std::string_view*>(rest);
    const std::size_t length = std::min(size * count, unsent.size());
    std::memcpy(buffer, unsent.data(), length);
    unsent.remove_prefix(length);
    return length;
}

}  // namespace

std::string build_mime_message(const Message& message, const SmtpSettings& settings, std::chrono::system_clock::time_point now) {
    const Mailbox from = sender(settings);
    const Mailbox to = recipient(message);
    refuse_line_breaks("subject", message.subject);
    refuse_line_breaks("id", message.id);

    std::string out;
    out += fmt::format("From: {}\r\n", mailbox_header(from));
    out += fmt::format("To: {}\r\n", mailbox_header(to));
    const bool plain_subject = fits_as_is(message.subject, 78 - std::string_view("Subject: ").size());
    out += fmt::format("Subject: {}\r\n", plain_subject ? message.subject : encoded_words(message.subject));
    out += fmt::format("Date: {}\r\n", rfc5322_date(now));
    out += fmt::format("Message-ID: <{}@mercato>\r\n", message.id);
    out += "MIME-Version: 1.0\r\n";
    // RFC 3834: keeps vacation responders from answering a machine.
    out += "Auto-Submitted: auto-generated\r\n";
    if (message.html.empty()) {
        out += text_part("plain", message.text);
        return out;
    }
    out += fmt::format("Content-Type: multipart/alternative; boundary=\"{}\"\r\n\r\n", boundary);
    // Plain text first: a reader shows the last alternative it understands.
    out += fmt::format("--{}\r\n{}", boundary, text_part("plain", message.text));
    out += fmt::format("--{}\r\n{}", boundary, text_part("html", message.html));
    out += fmt::format("--{}--\r\n", boundary);
    return out;
}

SmtpChannel::SmtpChannel(SmtpSettings settings) : settings_(std::move(settings)) {
    if (settings_.tls != "off" && settings_.tls != "starttls" && settings_.tls != "tls") {
        throw std::invalid_argument(fmt::format("unknown SMTP tls mode \"{}\": use off, starttls or tls", settings_.tls));
    }
    if (settings_.host.empty()) throw std::invalid_argument("the SMTP host is empty");
    if (settings_.port < 1 || settings_.port > 65535) throw std::invalid_argument(fmt::format("SMTP port {} is out of range", settings_.port));
    if (settings_.timeout_ms <= 0) throw std::invalid_argument("the SMTP timeout must be positive");
    sender(settings_);  // a sender without an address or with a line break fails now, not at each send
}

void SmtpChannel::send(const Message& message) {
    const std::string mime = build_mime_message(message, settings_, std::chrono::system_clock::now());
    const std::string endpoint = fmt::format("{}:{}", settings_.host, settings_.port);
    // An IPv6 literal needs brackets in a URL.
    const bool ipv6 = settings_.host.find(':') != std::string::npos && settings_.host.front() != '[';
    const std::string url = fmt::format("{}://{}{}{}:{}", settings_.tls == "tls" ? "smtps" : "smtp", ipv6 ? "[" : "",
                                        settings_.host, ipv6 ? "]" : "", settings_.port);
    const std::string mail_from = fmt::format("<{}>", sender(settings_).address);
    CurlList recipients;
    recipients.append(fmt::format("<{}>", recipient(message).address));
    std::string_view unsent = mime;

    CurlEasy curl;
    curl.set(CURLOPT_URL, url.c_str());
    curl.set(CURLOPT_MAIL_FROM, mail_from.c_str());
    curl.set(CURLOPT_MAIL_RCPT, recipients.get());
    curl.set(CURLOPT_UPLOAD, 1L);
    curl.set(CURLOPT_READFUNCTION, &read_upload);
    curl.set(CURLOPT_READDATA, static_cast<void*>(&unsent));
    // "starttls" must not fall back to plain text when the server offers no STARTTLS.
    if (settings_.tls != "off") curl.set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.username.empty()) {
        curl.set(CURLOPT_USERNAME, settings_.username.c_str());
        curl.set(CURLOPT_PASSWORD, settings_.password.c_str());
    }
    curl.set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    curl.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    curl.perform(fmt::format("sending email via {} failed", endpoint));
}

}  // namespace mercato::notifications

#include "modules/notifications/channels/webhook_channel.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "kernel/webhook_signature.hpp"
#include "modules/notifications/channels/curl_handle.hpp"

namespace mercato::notifications {

namespace {

bool starts_with_lowercased(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char c) {
               return p == std::tolower(static_cast<unsigned char>(c));
           });
}

// The answer's body is of no interest, and without a write callback curl would print it to stdout.
size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

WebhookChannel::WebhookChannel(WebhookSettings settings) : settings_(std::move(settings)) {
    if (settings_.urls.empty()) throw std::invalid_argument("no webhook endpoint is configured");
    if (settings_.secret.empty()) throw std::invalid_argument("webhooks need a secret to sign with");
    if (settings_.timeout_ms <= 0) throw std::invalid_argument("the webhook timeout must be positive");
    for (const auto& url : settings_.urls) {
        if (!starts_with_lowercased(url, "http://") && !starts_with_lowercased(url, "https://")) {
            throw std::invalid_argument(fmt::format("webhook endpoint \"{}\" is not an http:// or https:// URL", url));
        }
    }
}

// A failure at any endpoint fails the whole message, so the dispatcher's retry posts it again to the
// endpoints that already took it: receivers dedupe by Mercato-Notification-Id.
void WebhookChannel::send(const Message& message) {
    for (const auto& url : settings_.urls) post(url, message);
}

void WebhookChannel::post(const std::string& url, const Message& message) const {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    CurlList headers;
    headers.append("Content-Type: application/json");
    headers.append("Mercato-Signature: " + kernel::sign_webhook(message.payload, settings_.secret, now.count()));
    headers.append("Mercato-Notification-Id: " + message.id);
    // curl would otherwise wait up to a second for "100 Continue" before sending a larger body.
    headers.append("Expect:");

    CurlEasy curl;
    curl.set(CURLOPT_URL, url.c_str());
    curl.set(CURLOPT_HTTPHEADER, headers.get());
    curl.set(CURLOPT_USERAGENT, "Mercato");
    curl.set(CURLOPT_POSTFIELDS, message.payload.c_str());
    curl.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(message.payload.size()));
    curl.set(CURLOPT_WRITEFUNCTION, &discard_body);
    curl.set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    curl.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
    curl.perform(fmt::format("webhook to {} failed", url));

    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) throw std::runtime_error(fmt::format("webhook to {} answered HTTP {}", url, status));
}

}  // namespace mercato::notifications

// What the libcurl channels (email, webhook) share: one global initialisation, an easy handle that
// reports curl's own words when a transfer fails, and a header or recipient list that frees itself.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <curl/curl.h>

namespace mercato::notifications {

// One transfer's handle. Signals are off (CURLOPT_NOSIGNAL), since channels send from worker threads.
class CurlEasy {
public:
    CurlEasy();  // initialises libcurl the first time; throws std::runtime_error if it cannot
    ~CurlEasy();
    CurlEasy(const CurlEasy&) = delete;
    CurlEasy& operator=(const CurlEasy&) = delete;

    // curl_easy_setopt, throwing std::runtime_error when curl refuses the option. Numbers must be
    // long: curl reads them through varargs, where an int or bool is read wrong.
    template <typename T>
    void set(CURLoption option, T value) {
        static_assert(!std::is_same_v<T, int> && !std::is_same_v<T, bool>, "pass numbers to curl as long");
        static_assert(std::is_trivially_copyable_v<T>, "pass strings to curl as const char*");
        check_option(option, curl_easy_setopt(handle_, option, value));
    }

    // Runs the transfer; on failure throws std::runtime_error "<what>: <curl's error text>".
    void perform(std::string_view what);

    CURL* get() const noexcept { return handle_; }

private:
    void check_option(CURLoption option, CURLcode code) const;

    CURL* handle_;
    char error_[CURL_ERROR_SIZE] = {};
};

// A curl_slist (request headers, SMTP recipients) freed with its owner.
class CurlList {
public:
    CurlList() = default;
    ~CurlList() { curl_slist_free_all(list_); }
    CurlList(const CurlList&) = delete;
    CurlList& operator=(const CurlList&) = delete;

    void append(const std::string& item);
    curl_slist* get() const noexcept { return list_; }

private:
    curl_slist* list_ = nullptr;
};

}  // namespace mercato::notifications

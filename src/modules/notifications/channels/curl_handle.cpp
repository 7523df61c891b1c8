#include "modules/notifications/channels/curl_handle.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace mercato::notifications {

namespace {

// curl_global_init is not safe to race, so a function-local static runs it exactly once. It is never
// undone: channels live as long as the process.
void initialise_curl_once() {
    static const bool initialised = [] {
        if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
            throw std::runtime_error(fmt::format("libcurl cannot start: {}", curl_easy_strerror(code)));
        }
        return true;
    }();
    (void)initialised;
}

}  // namespace

CurlEasy::CurlEasy() {
    initialise_curl_once();
    handle_ = curl_easy_init();
    if (handle_ == nullptr) throw std::runtime_error("libcurl cannot create a transfer handle");
    set(CURLOPT_ERRORBUFFER, static_cast<char*>(error_));
    set(CURLOPT_NOSIGNAL, 1L);
}

CurlEasy::~CurlEasy() { curl_easy_cleanup(handle_); }

void CurlEasy::perform(std::string_view what) {
    error_[0] = '\0';
    const CURLcode code = curl_easy_perform(handle_);
    if (code == CURLE_OK) return;
    // The buffer holds the specific reason ("Connection refused"); the code's text is the fallback.
    const char* reason = error_[0] != '\0' ? error_ : curl_easy_strerror(code);
    throw std::runtime_error(fmt::format("{}: {}", what, reason));
}

void CurlEasy::check_option(CURLoption option, CURLcode code) const {
    if (code != CURLE_OK) {
        throw std::runtime_error(fmt::format("libcurl refuses option {}: {}", static_cast<int>(option), curl_easy_strerror(code)));
    }
}

void CurlList::append(const std::string& item) {
    curl_slist* longer = curl_slist_append(list_, item.c_str());
    if (longer == nullptr) throw std::runtime_error("libcurl cannot grow a list");
    list_ = longer;
}

}  // namespace mercato::notifications

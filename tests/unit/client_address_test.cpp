// Who the client is behind a load balancer, what it is rate limited as, and how log lines quote text as JSON.
#include <doctest/doctest.h>

#include "http/pipeline.hpp"
#include "kernel/logging.hpp"

using mercato::http::client_address;

TEST_CASE("a peer that is not a trusted proxy is the client, whatever X-Forwarded-For claims") {
    CHECK(client_address("203.0.113.9", "198.51.100.1", {"10.0.0.2"}) == "203.0.113.9");
    CHECK(client_address("203.0.113.9", "198.51.100.1", {}) == "203.0.113.9");
}

TEST_CASE("behind a trusted proxy the client is the last X-Forwarded-For hop that is not trusted") {
    const std::vector<std::string> proxies = {"10.0.0.2", "10.0.0.3"};
    CHECK(client_address("10.0.0.2", "198.51.100.1", proxies) == "198.51.100.1");
    // A client can prepend anything; only what the trusted hops appended counts.
    CHECK(client_address("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3", proxies) == "198.51.100.1");
    CHECK(client_address("10.0.0.2", "", proxies) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", "10.0.0.3", proxies) == "10.0.0.2");
}

TEST_CASE("json_quote escapes quotes, backslashes and control characters") {
    using mercato::kernel::json_quote;
    CHECK(json_quote("plain") == "\"plain\"");
    CHECK(json_quote("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(json_quote("a\nb\tc\x01") == "\"a\\nb\\tc\\u0001\"");
}

TEST_CASE("IPv4 addresses are limited one by one, IPv6 addresses by their /64") {
    using mercato::http::rate_limit_subject;
    CHECK(rate_limit_subject("203.0.113.9") == "203.0.113.9");
    CHECK(rate_limit_subject("::ffff:203.0.113.9") == "::ffff:203.0.113.9");
    CHECK(rate_limit_subject("2001:db8:1:2::1") == rate_limit_subject("2001:db8:1:2:ffff::9"));
    CHECK(rate_limit_subject("2001:db8:1:2::1") != rate_limit_subject("2001:db8:1:3::1"));
    CHECK(rate_limit_subject("2001:db8:1:2::1") == "2001:0db8:0001:0002::/64");
}

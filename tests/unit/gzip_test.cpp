#include "http/gzip.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <string>

#include "support/http_client.hpp"

using mercato::http::accepts_gzip;
using mercato::http::gzip_compress;
using mercato::test::gunzip;  // zlib's inflate with a gzip-only window, independent of gzip_compress

namespace {

// Text-like but not trivially repetitive, so deflate has real work to do.
std::string pseudo_random_text(std::size_t size) {
    static const char* const words[] = {"cart", "order", "sku", "price", "EUR", "42", "shipping",
                                        "tax", "refund", "customer", "ø", "\n", "{", "}", "\"id\":"};
    std::uint32_t state = 12345;
    std::string text;
    while (text.size() < size) {
        state = state * 1664525u + 1013904223u;
        text += words[(state >> 16) % std::size(words)];
        text += static_cast<char>('a' + (state >> 8) % 26);
        text += ' ';
    }
    text.resize(size);
    return text;
}

}  // namespace

TEST_CASE("gzip_compress round-trips through zlib inflate") {
    SUBCASE("empty") { CHECK(gunzip(gzip_compress("")) == ""); }
    SUBCASE("small") { CHECK(gunzip(gzip_compress("hello, gzip")) == "hello, gzip"); }
    SUBCASE("1 MiB of varied text") {
        const std::string text = pseudo_random_text(1 << 20);
        CHECK(gunzip(gzip_compress(text)) == text);
    }
}

TEST_CASE("gzip_compress writes the gzip magic bytes") {
    const std::string out = gzip_compress("x");
    REQUIRE(out.size() >= 2);
    CHECK(static_cast<unsigned char>(out[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(out[1]) == 0x8b);
}

TEST_CASE("gzip_compress shrinks repetitive text substantially") {
    std::string text;
    for (int i = 0; i < 10'000; ++i) text += R"({"sku":"ABC-123","qty":1},)";
    CHECK(gzip_compress(text).size() * 50 < text.size());
}

TEST_CASE("accepts_gzip allows gzip and x-gzip with a positive weight") {
    CHECK(accepts_gzip("gzip"));
    CHECK(accepts_gzip("x-gzip"));
    CHECK(accepts_gzip("GZip"));
    CHECK(accepts_gzip("deflate, gzip;q=0.5"));
    CHECK(accepts_gzip("  br ,\tgzip ; Q=1.000 "));
    CHECK(accepts_gzip("gzip;q=0.001"));
}

TEST_CASE("accepts_gzip refuses gzip weighted zero") {
    CHECK_FALSE(accepts_gzip("gzip;q=0"));
    CHECK_FALSE(accepts_gzip("gzip; q=0.000, br"));
    CHECK_FALSE(accepts_gzip("x-gzip;q=0"));
}

TEST_CASE("accepts_gzip lets a wildcard stand in for gzip unless gzip is refused explicitly") {
    CHECK(accepts_gzip("*"));
    CHECK(accepts_gzip("br, *;q=0.1"));
    CHECK_FALSE(accepts_gzip("*;q=0"));
    CHECK_FALSE(accepts_gzip("gzip;q=0, *"));
    CHECK_FALSE(accepts_gzip("*, gzip;q=0"));
}

TEST_CASE("accepts_gzip is false without a gzip or wildcard coding") {
    CHECK_FALSE(accepts_gzip(""));
    CHECK_FALSE(accepts_gzip("identity"));
    CHECK_FALSE(accepts_gzip("deflate, br"));
    CHECK_FALSE(accepts_gzip("gzips"));
    CHECK_FALSE(accepts_gzip(" , ,"));
}

TEST_CASE("accepts_gzip treats a malformed weight as a refusal") {
    CHECK_FALSE(accepts_gzip("gzip;q=high"));
    CHECK_FALSE(accepts_gzip("gzip;q=2"));
    CHECK_FALSE(accepts_gzip("gzip;q=-1"));
}

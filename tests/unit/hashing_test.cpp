// Tests kernel/hashing.hpp: SHA-256 and the hex it is written in.
#include "kernel/hashing.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>

using namespace mercato::kernel;

TEST_CASE("sha256_hex gives the standard digest of a known input") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hex encodes two lower-case digits a byte and decodes back, in either case") {
    const std::array<std::uint8_t, 4> bytes{0x00, 0x0f, 0xa5, 0xff};
    CHECK(hex_encode(bytes) == "000fa5ff");
    CHECK(hex_decode("000fa5ff") == std::string("\x00\x0f\xa5\xff", 4));
    CHECK(hex_decode("000FA5FF") == std::string("\x00\x0f\xa5\xff", 4));
    CHECK(hex_decode("") == std::string());
}

TEST_CASE("hex decoding refuses an odd length and anything but hex digits") {
    CHECK_FALSE(hex_decode("abc"));
    CHECK_FALSE(hex_decode("0g"));
    CHECK_FALSE(hex_decode(" 1"));
    CHECK_FALSE(hex_decode("+1"));
}

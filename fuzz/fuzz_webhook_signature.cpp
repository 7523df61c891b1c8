// Fuzzes the Mercato-Signature check of payment and carrier callbacks. An input is
// "<header>\n<body>"; the check may only return (a valid signature) or throw Problem 401, and a
// header it accepts must be refused with any other body or secret.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel/problem.hpp"
#include "kernel/webhook_signature.hpp"

namespace {

constexpr std::int64_t now = 1'750'000'000;
constexpr std::chrono::seconds tolerance{300};

[[noreturn]] void fail(const char* what, std::string_view header) {
    std::fprintf(stderr, "fuzz_webhook_signature: %s\nheader: %.*s\n", what, static_cast<int>(header.size()), header.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<std::string> secrets{"whsec-old-rotated-out", "whsec-fuzz-0123456789abcdef"};
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto line_end = input.find('\n');
    const std::string_view header = input.substr(0, line_end);
    const std::string_view body = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
    try {
        mercato::kernel::verify_webhook_signature(header, body, secrets, now, tolerance);
    } catch (const mercato::kernel::Problem& problem) {
        if (problem.status() != 401) fail("refused with a status other than 401", header);
        return 0;
    }
    // Accepted: the same signature must not hold for another body, nor without the secret that made it.
    const std::string other_body = std::string(body) + "x";
    for (const auto& [checked_body, checked_secrets] :
         {std::pair{std::string_view(other_body), secrets}, std::pair{body, std::vector<std::string>{"whsec-never-trusted"}}}) {
        try {
            mercato::kernel::verify_webhook_signature(header, checked_body, checked_secrets, now, tolerance);
        } catch (const mercato::kernel::Problem&) {
            continue;
        }
        fail("a signature held for a body or secret it was not made with", header);
    }
    return 0;
}

// Fuzzes the JSON body decoding of every module: each route of the OpenAPI document that takes a
// request body, called as the signed-in admin through the pipeline and the module's handler.
//
// An input is "METHOD /v1/pattern\n" naming one of those routes, then the body; "{product_id}" and
// "{order_id}" in the body become the shop's product and order, so inputs reach past the lookups.
// Every answer must be a 2xx or a 4xx problem+json: a 5xx is a finding.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/ops_routes.hpp"
#include "support/fuzz_shop.hpp"

namespace {

using mercato::fuzz::FuzzShop;

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

// A path of the pattern that names things the shop has; a parameter it cannot fill stops the run,
// so a new route gets a value here rather than being fuzzed against 404s only.
std::string concrete_path(const std::string& pattern, const FuzzShop& shop) {
    const std::map<std::string, std::string, std::less<>> values{
        {"products/{id}", shop.product_id()}, {"orders/{id}", shop.order_id()},
        {"returns/{return_id}", "ret_unknown"}, {"webhooks/{provider}", "sandbox"}};
    std::string path;
    std::string_view previous;
    for (std::string_view rest = pattern; !rest.empty();) {
        rest.remove_prefix(1);  // the '/'
        const std::string_view segment = rest.substr(0, rest.find('/'));
        rest.remove_prefix(segment.size());
        path += '/';
        if (!segment.starts_with('{')) {
            path += segment;
        } else if (const auto found = values.find(std::string(previous) + "/" + std::string(segment)); found != values.end()) {
            path += found->second;
        } else {
            std::fprintf(stderr, "fuzz_json_bodies: no value for %.*s in %s\n", static_cast<int>(segment.size()), segment.data(),
                         pattern.c_str());
            std::abort();
        }
        previous = segment;
    }
    return path;
}

struct Target {
    FuzzShop shop;
    // "POST /v1/products/{id}" -> "/v1/products/prd_..."
    std::map<std::string, std::string, std::less<>> routes;

    Target() {
        const auto document = nlohmann::json::parse(mercato::http::openapi_document());
        for (const auto& [pattern, operations] : document["paths"].items()) {
            for (const auto& [method, operation] : operations.items()) {
                if (!operation.is_object() || !operation.contains("requestBody")) continue;
                std::string verb = method;
                for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                routes.emplace(verb + " " + pattern, concrete_path(pattern, shop));
            }
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Target target;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto line_end = input.find('\n');
    if (line_end == std::string_view::npos) return -1;
    const auto route = target.routes.find(input.substr(0, line_end));
    if (route == target.routes.end()) return -1;
    const std::string method(route->first.substr(0, route->first.find(' ')));
    std::string body(input.substr(line_end + 1));
    body = replace_all(replace_all(std::move(body), "{product_id}", target.shop.product_id()), "{order_id}", target.shop.order_id());
    const auto response = target.shop.send_as_admin(method, route->second, body);
    mercato::fuzz::expect_client_answer(response, method, route->second, body);
    return 0;
}

// Tests kernel/bus/event_contract.hpp, the checker the event contract test relies on, and the list of
// every module's contracts in app/event_contracts.hpp.
#include "kernel/bus/event_contract.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/event_contracts.hpp"
#include "kernel/bus/envelope.hpp"

using namespace mercato::kernel::bus;
using nlohmann::json;

namespace {

using enum FieldKind;
using enum Presence;

constexpr EventField line[] = {{"product_id", string}, {"quantity", integer}};
constexpr EventField order[] = {{"id", string}, {"lines", array, required, line}};
constexpr EventField placed[] = {
    {"order", object, required, order}, {"total", integer},          {"rating", number},
    {"gift", boolean, optional},        {"note", string, nullable},  {"tags", strings},
};
constexpr EventContract contract{"shop.placed", "shop", placed};

json fitting() {
    return {{"order", {{"id", "ord_1"}, {"lines", {{{"product_id", "prd_1"}, {"quantity", 2}}}}}},
            {"total", 2500},
            {"rating", 4.5},
            {"note", nullptr},
            {"tags", {"gift", "red"}}};
}

std::vector<std::string> violations_of(const json& payload) { return contract_violations(contract, payload); }

}  // namespace

TEST_CASE("a payload with every required field of its kind, optional ones left out and nullable ones null, fits") {
    CHECK(violations_of(fitting()).empty());
    auto with_optional = fitting();
    with_optional["gift"] = true;
    with_optional["note"] = "wrap it";
    with_optional["rating"] = 4;  // an integer is a number too
    CHECK(violations_of(with_optional).empty());
}

TEST_CASE("a missing required or nullable field is reported with its path, also inside objects and arrays") {
    auto payload = fitting();
    payload.erase("total");
    payload.erase("note");
    payload["order"]["lines"][0].erase("quantity");
    CHECK(violations_of(payload) == std::vector<std::string>{"order.lines[0].quantity: missing", "total: missing", "note: missing"});
}

TEST_CASE("a field of the wrong kind is reported, a null where none is allowed too") {
    auto payload = fitting();
    payload["total"] = "2500";
    payload["rating"] = "good";
    payload["order"]["lines"] = {{"product_id", "prd_1"}};
    payload["tags"] = {"gift", 3};
    payload["gift"] = nullptr;
    CHECK(violations_of(payload) == std::vector<std::string>{
                                        "order.lines: object where the contract says an array of objects",
                                        "total: string where the contract says an integer",
                                        "rating: string where the contract says a number",
                                        "gift: null, which the contract does not allow",
                                        "tags: array where the contract says an array of strings",
                                    });
}

TEST_CASE("an array element that is not an object, and a field the contract does not list, are reported") {
    auto payload = fitting();
    payload["order"]["lines"].push_back(7);
    payload["order"]["lines"][0]["colour"] = "red";
    payload["coupon"] = "SPRING";
    CHECK(violations_of(payload) == std::vector<std::string>{
                                        "order.lines[0].colour: not in the contract",
                                        "order.lines[1]: number where the contract says an object",
                                        "coupon: not in the contract",
                                    });
}

TEST_CASE("a payload that is not an object fits no contract") {
    CHECK(violations_of(json::array()) == std::vector<std::string>{"the payload is array, not an object"});
}

TEST_CASE("every module's contract names a topic of its publisher's log, each topic once") {
    const auto contracts = mercato::app::all_event_contracts();
    REQUIRE(contracts.size() >= 11);
    std::set<std::string> topics;
    for (const auto& c : contracts) {
        const std::string topic(c.topic);
        CAPTURE(topic);
        CHECK(topic_module(topic) == c.publisher);
        CHECK(topics.insert(topic).second);
        CHECK_FALSE(c.fields.empty());
        CHECK(mercato::app::event_contract(topic) == &c);
    }
    CHECK(mercato::app::event_contract("orders.no-such-event") == nullptr);
}

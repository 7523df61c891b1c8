// The shipping rate table without a database: zones, weight tiers, free shipping, the order options
// are offered in, tracking numbers, and the TOML file that refuses every mistake.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "kernel/config.hpp"
#include "modules/shipping/domain/rate_table.hpp"
#include "modules/shipping/domain/rate_table_toml.hpp"

using namespace mercato::shipping;
using mercato::kernel::ConfigError;

namespace {

// Mainland Germany free from 50 EUR; two islands; Northern Ireland only of the UK.
RateTable small_table() {
    return RateTable{
        "EUR",
        500,
        {
            Zone{"de-islands", {"DE"}, {"18565", "25980"}, 0},
            Zone{"de", {"DE"}, {}, 5000},
            Zone{"ni", {"GB"}, {"BT"}, 0},
        },
        {
            Service{"std", "DHL", "Standard", true, "JJD{digits:4}",
                    {ZoneRate{"de-islands", 2, 4, {{1000, 900}}}, ZoneRate{"de", 1, 3, {{1000, 500}, {2000, 700}}}}},
            Service{"exp", "DHL", "Express", false, "{alnum:3}-X{digits:2}",
                    {ZoneRate{"de", 1, 1, {{1000, 1500}, {5000, 2500}}}, ZoneRate{"ni", 3, 5, {{2000, 2000}}}}},
        },
    };
}

const Zone& zone_named(const RateTable& table, std::string_view id) {
    const auto found = std::ranges::find(table.zones, id, &Zone::id);
    REQUIRE(found != table.zones.end());
    return *found;
}

std::optional<std::int64_t> amount_of(const std::vector<Option>& options, std::string_view id) {
    for (const Option& option : options) {
        if (option.id == id) return option.amount;
    }
    return std::nullopt;
}

std::string zone_id(const RateTable& table, const Destination& to) {
    const Zone* zone = zone_for(table, to);
    return zone == nullptr ? "none" : zone->id;
}

// The smallest table the parser accepts; each refusal below changes one thing in it.
constexpr std::string_view valid_toml = R"(
currency = "EUR"
default_weight_grams = 500

[[zone]]
id = "de"
countries = ["DE"]
free_shipping_over = 5000

[[service]]
id = "dhl-standard"
carrier = "DHL"
name = "Standard"
free_eligible = true
tracking = "JJD{digits:10}"
rates = [{ zone = "de", days = [1, 3], tiers = [[2000, 499], [5000, 699]] }]
)";

std::string valid_with(std::string_view from, std::string_view to) {
    std::string text(valid_toml);
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// The message the parser refuses text with, or "" when it accepts it.
std::string refusal(std::string_view text) {
    try {
        parse_rate_table(text, "rates.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool mentions(const std::string& message, std::string_view part) {
    return message.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a postal-prefix zone is matched before its country's zone, ignoring spaces and case") {
    const RateTable table = small_table();
    CHECK(zone_id(table, {"DE", "18565"}) == "de-islands");
    CHECK(zone_id(table, {"DE", "25 980"}) == "de-islands");
    CHECK(zone_id(table, {"DE", "10115"}) == "de");
    CHECK(zone_id(table, {"GB", "bt7 1nn"}) == "ni");
}

TEST_CASE("no zone serves a country the table does not list, nor postal codes outside a zone's prefixes") {
    const RateTable table = small_table();
    CHECK(zone_for(table, {"FR", "75001"}) == nullptr);
    CHECK(zone_for(table, {"GB", "SW1A 1AA"}) == nullptr);
}

TEST_CASE("a parcel exactly at a tier's limit pays that tier and one gram more pays the next") {
    const RateTable table = small_table();
    const Zone& de = zone_named(table, "de");
    CHECK(amount_of(options_for(table, de, {1000, 0}), "std") == 500);
    CHECK(amount_of(options_for(table, de, {1001, 0}), "std") == 700);
    CHECK(amount_of(options_for(table, de, {2000, 0}), "std") == 700);
}

TEST_CASE("a parcel over a service's last tier is not offered that service, and over every one gets no options") {
    const RateTable table = small_table();
    const Zone& de = zone_named(table, "de");
    const auto heavy = options_for(table, de, {2001, 0});
    CHECK(amount_of(heavy, "std") == std::nullopt);
    CHECK(amount_of(heavy, "exp") == 2500);
    CHECK(options_for(table, de, {5001, 0}).empty());
}

TEST_CASE("free-eligible services are free from the threshold exactly, charged a cent below, and others always charged") {
    const RateTable table = small_table();
    const Zone& de = zone_named(table, "de");
    const auto at_threshold = options_for(table, de, {1000, 5000});
    CHECK(amount_of(at_threshold, "std") == 0);
    CHECK(amount_of(at_threshold, "exp") == 1500);
    CHECK(amount_of(options_for(table, de, {1000, 4999}), "std") == 500);
}

TEST_CASE("a zone whose threshold is 0 never ships for free") {
    const RateTable table = small_table();
    CHECK(amount_of(options_for(table, zone_named(table, "de-islands"), {1000, 1'000'000}), "std") == 900);
}

TEST_CASE("an option carries the service's carrier and name, the table's currency and the zone's days") {
    const RateTable table = small_table();
    const auto options = options_for(table, zone_named(table, "ni"), {1500, 0});
    REQUIRE(options.size() == 1);
    CHECK(options[0].id == "exp");
    CHECK(options[0].carrier == "DHL");
    CHECK(options[0].service == "Express");
    CHECK(options[0].amount == 2000);
    CHECK(options[0].currency == "EUR");
    CHECK(options[0].min_days == 3);
    CHECK(options[0].max_days == 5);
}

TEST_CASE("options come cheapest first, then fastest, then by id") {
    const RateTable table{
        "EUR",
        500,
        {Zone{"de", {"DE"}, {}, 0}},
        {
            Service{"exp", "DHL", "Express", false, "{digits:10}", {ZoneRate{"de", 1, 1, {{1000, 1500}}}}},
            Service{"ground", "FedEx", "Ground", true, "{digits:15}", {ZoneRate{"de", 2, 5, {{1000, 500}}}}},
            Service{"std", "DHL", "Standard", true, "{digits:10}", {ZoneRate{"de", 1, 3, {{1000, 500}}}}},
            Service{"alt", "UPS", "Standard", true, "{digits:10}", {ZoneRate{"de", 1, 3, {{1000, 500}}}}},
        },
    };
    std::vector<std::string> ids;
    for (const Option& option : options_for(table, table.zones[0], {1000, 0})) ids.push_back(option.id);
    CHECK(ids == std::vector<std::string>{"alt", "std", "ground", "exp"});
}

TEST_CASE("a tracking number fills the service's format from the random source") {
    const RateTable table = small_table();
    REQUIRE(find_service(table, "std") != nullptr);
    CHECK(find_service(table, "nope") == nullptr);
    std::uint32_t next = 0;
    CHECK(tracking_number(*find_service(table, "std"), [&] { return next++; }) == "JJD0123");
    std::vector<std::uint32_t> draws = {10, 35, 37, 9, 19};
    std::size_t drawn = 0;
    CHECK(tracking_number(*find_service(table, "exp"), [&] { return draws.at(drawn++); }) == "AZ1-X99");
}

TEST_CASE("a tracking format is refused for an unknown placeholder, a bad count, a stray brace or nothing random") {
    CHECK(tracking_format_problem("JJD{digits:10}") == std::nullopt);
    CHECK(tracking_format_problem("JJD{number:10}").has_value());
    CHECK(tracking_format_problem("JJD{digits:0}").has_value());
    CHECK(tracking_format_problem("JJD{digits:10").has_value());
    CHECK(tracking_format_problem("JJD}").has_value());
    CHECK(tracking_format_problem("JJD0123").has_value());
}

TEST_CASE("the shipped config/shipping_rates.toml parses and offers every zone an option at 1000 g") {
    std::ifstream file(MERCATO_SOURCE_DIR "/config/shipping_rates.toml");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const RateTable table = parse_rate_table(text.str(), "config/shipping_rates.toml");
    CHECK(table.currency == "EUR");
    REQUIRE_FALSE(table.zones.empty());
    for (const Zone& zone : table.zones) {
        INFO(zone.id);
        CHECK_FALSE(options_for(table, zone, {1000, 0}).empty());
    }
    CHECK(zone_id(table, {"DE", "25980"}) == "de-islands");
    CHECK(zone_id(table, {"DE", "10115"}) == "de");
}

TEST_CASE("the smallest rate table parses") {
    CHECK(refusal(valid_toml) == "");
}

TEST_CASE("a TOML syntax error is refused with the file and the line") {
    const std::string message = refusal(valid_with("free_shipping_over = 5000", "free_shipping_over = = 5000"));
    CHECK(mentions(message, "'rates.toml'"));
    CHECK(mentions(message, "line 8"));
}

TEST_CASE("an unknown key anywhere is refused, naming its path") {
    const std::string in_zone = refusal(valid_with("free_shipping_over = 5000", "free_shiping_over = 5000"));
    CHECK(mentions(in_zone, "zone[0].free_shiping_over"));
    CHECK(mentions(refusal(valid_with("days = [1, 3]", "dayz = [1, 3]")), "service[0].rates[0].dayz"));
    CHECK(mentions(refusal(valid_with("currency = \"EUR\"", "currency = \"EUR\"\ncurrencey = \"EUR\"")), "currencey"));
}

TEST_CASE("a rate for a zone the file does not define is refused") {
    const std::string message = refusal(valid_with("zone = \"de\"", "zone = \"dee\""));
    CHECK(mentions(message, "service[0].rates[0].zone"));
    CHECK(mentions(message, "'dee'"));
}

TEST_CASE("tiers that do not ascend strictly by weight are refused") {
    CHECK(mentions(refusal(valid_with("[[2000, 499], [5000, 699]]", "[[2000, 499], [2000, 699]]")),
                   "service[0].rates[0].tiers[1][0]"));
    CHECK(mentions(refusal(valid_with("[[2000, 499], [5000, 699]]", "[[5000, 499], [2000, 699]]")),
                   "service[0].rates[0].tiers[1][0]"));
}

TEST_CASE("a country that is not an ISO 3166-1 alpha-2 code is refused") {
    CHECK(mentions(refusal(valid_with("[\"DE\"]", "[\"XX\"]")), "zone[0].countries[0]"));
    CHECK(mentions(refusal(valid_with("[\"DE\"]", "[\"DE\", \"de\"]")), "zone[0].countries[1]"));
}

TEST_CASE("a currency that is not three upper-case letters is refused") {
    CHECK(mentions(refusal(valid_with("\"EUR\"", "\"eur\"")), "currency"));
    CHECK(mentions(refusal(valid_with("\"EUR\"", "\"EURO\"")), "currency"));
}

TEST_CASE("a tracking format with an unknown placeholder is refused") {
    const std::string message = refusal(valid_with("{digits:10}", "{number:10}"));
    CHECK(mentions(message, "service[0].tracking"));
    CHECK(mentions(message, "{number:10}"));
}

TEST_CASE("a zone that no service serves is refused") {
    const std::string message =
        refusal(valid_with("[[service]]", "[[zone]]\nid = \"at\"\ncountries = [\"AT\"]\nfree_shipping_over = 0\n\n[[service]]"));
    CHECK(mentions(message, "zone[1]"));
    CHECK(mentions(message, "'at'"));
}

TEST_CASE("a zone or service id used twice is refused") {
    CHECK(mentions(refusal(valid_with("[[service]]", "[[zone]]\nid = \"de\"\ncountries = [\"AT\"]\nfree_shipping_over = 0\n\n[[service]]")),
                   "zone[1].id"));
    const std::string twice = std::string(valid_toml) + R"(
[[service]]
id = "dhl-standard"
carrier = "DHL"
name = "Express"
free_eligible = false
tracking = "{digits:10}"
rates = [{ zone = "de", days = [1, 1], tiers = [[5000, 1999]] }]
)";
    CHECK(mentions(refusal(twice), "service[1].id"));
}

TEST_CASE("a zone that earlier whole-country zones hide is refused, as when islands follow their mainland") {
    const std::string message = refusal(
        valid_with("[[service]]", "[[zone]]\nid = \"de-islands\"\ncountries = [\"DE\"]\npostal_prefixes = [\"18565\"]\n"
                                  "free_shipping_over = 0\n\n[[service]]"));
    CHECK(mentions(message, "zone[1]"));
    CHECK(mentions(message, "never matched"));
}

TEST_CASE("a missing key, a wrong type, a negative amount and min days over max are refused, naming the key") {
    CHECK(mentions(refusal(valid_with("name = \"Standard\"\n", "")), "service[0].name"));
    CHECK(mentions(refusal(valid_with("free_eligible = true", "free_eligible = \"yes\"")), "service[0].free_eligible"));
    CHECK(mentions(refusal(valid_with("[5000, 699]", "[5000, -699]")), "service[0].rates[0].tiers[1][1]"));
    CHECK(mentions(refusal(valid_with("days = [1, 3]", "days = [3, 1]")), "service[0].rates[0].days"));
}

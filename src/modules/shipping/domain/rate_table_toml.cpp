#include "modules/shipping/domain/rate_table_toml.hpp"

#include <algorithm>
#include <initializer_list>
#include <limits>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "kernel/config.hpp"
#include "kernel/country.hpp"
#include "kernel/currency.hpp"

namespace mercato::shipping {

namespace {

using kernel::ConfigError;

// An estimate beyond a year is a typo, and the bound keeps days within an int.
constexpr std::int64_t max_days = 365;

// A value and where it is, so that every refusal names its key path and line.
struct Field {
    const toml::node& node;
    std::string path;
};

[[noreturn]] void fail(const Field& field, std::string_view problem) {
    const auto line = field.node.source().begin.line;
    if (line == 0) throw ConfigError(fmt::format("{}: {}", field.path, problem));
    throw ConfigError(fmt::format("line {}: {}: {}", line, field.path, problem));
}

std::string key_path(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

void reject_unknown_keys(const toml::table& table, std::string_view path, std::initializer_list<std::string_view> known) {
    for (const auto& [key, node] : table) {
        if (std::ranges::find(known, key.str()) != known.end()) continue;
        std::string expected;
        for (const std::string_view k : known) expected += expected.empty() ? std::string(k) : fmt::format(", {}", k);
        fail({node, key_path(path, key.str())}, fmt::format("unknown key (expected here: {})", expected));
    }
}

// A missing key is reported at its table's line.
Field required(const toml::table& table, std::string_view parent, std::string_view key) {
    std::string path = key_path(parent, key);
    const toml::node* node = table.get(key);
    if (node == nullptr) fail({table, path}, "is required");
    return {*node, std::move(path)};
}

Field element(const toml::array& array, const Field& of, std::size_t index) {
    return {array[index], fmt::format("{}[{}]", of.path, index)};
}

const toml::table& table_of(const Field& field) {
    if (!field.node.is_table()) fail(field, "must be a table");
    return *field.node.as_table();
}

const toml::array& array_of(const Field& field) {
    if (!field.node.is_array()) fail(field, "must be an array");
    return *field.node.as_array();
}

// [[name]] tables, at least one.
const toml::array& tables_of(const Field& field) {
    if (!field.node.is_array_of_tables()) fail(field, fmt::format("must be one or more [[{}]] tables", field.path));
    return *field.node.as_array();
}

std::string string_of(const Field& field) {
    if (!field.node.is_string()) fail(field, "must be a string");
    const std::string& text = field.node.as_string()->get();
    if (text.find_first_not_of(' ') == std::string::npos) fail(field, "must not be blank");
    return text;
}

std::int64_t integer_of(const Field& field, std::int64_t min, std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
    if (!field.node.is_integer()) fail(field, "must be an integer");
    const std::int64_t value = field.node.as_integer()->get();
    if (value < min) fail(field, min == 0 ? std::string("must not be negative") : fmt::format("must be at least {}", min));
    if (value > max) fail(field, fmt::format("must be at most {}", max));
    return value;
}

bool boolean_of(const Field& field) {
    if (!field.node.is_boolean()) fail(field, "must be true or false");
    return field.node.as_boolean()->get();
}

// Whether earlier whole-country zones take every country of this one, so it would never be matched, as
// when the mainland is listed before its islands.
bool shadowed(const Zone& zone, const std::vector<Zone>& earlier) {
    return std::ranges::all_of(zone.countries, [&](const std::string& country) {
        return std::ranges::any_of(earlier, [&](const Zone& e) {
            return e.postal_prefixes.empty() && std::ranges::find(e.countries, country) != e.countries.end();
        });
    });
}

Zone read_zone(const Field& at, const std::vector<Zone>& earlier) {
    const toml::table& table = table_of(at);
    reject_unknown_keys(table, at.path, {"id", "countries", "postal_prefixes", "free_shipping_over"});
    Zone zone;
    const Field id = required(table, at.path, "id");
    zone.id = string_of(id);
    if (std::ranges::find(earlier, zone.id, &Zone::id) != earlier.end()) {
        fail(id, fmt::format("zone id '{}' is already used by an earlier zone", zone.id));
    }
    const Field countries = required(table, at.path, "countries");
    const toml::array& codes = array_of(countries);
    if (codes.empty()) fail(countries, "must list at least one country");
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const Field code = element(codes, countries, i);
        zone.countries.push_back(string_of(code));
        if (!kernel::is_country(zone.countries.back())) {
            fail(code, fmt::format("'{}' is not an ISO 3166-1 alpha-2 country code such as \"DE\"", zone.countries.back()));
        }
    }
    if (table.contains("postal_prefixes")) {
        const Field prefixes = required(table, at.path, "postal_prefixes");
        const toml::array& list = array_of(prefixes);
        // An empty list would mean the whole country, which leaving the key out already says.
        if (list.empty()) fail(prefixes, "must list at least one prefix (leave the key out for whole countries)");
        for (std::size_t i = 0; i < list.size(); ++i) zone.postal_prefixes.push_back(string_of(element(list, prefixes, i)));
    }
    if (shadowed(zone, earlier)) fail(at, fmt::format("zone '{}' is never matched: earlier zones take all of its countries", zone.id));
    zone.free_shipping_over = integer_of(required(table, at.path, "free_shipping_over"), 0);
    return zone;
}

std::vector<Tier> read_tiers(const Field& tiers) {
    const toml::array& list = array_of(tiers);
    if (list.empty()) fail(tiers, "must list at least one [up to grams, amount] tier");
    std::vector<Tier> read;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Field tier = element(list, tiers, i);
        const toml::array& pair = array_of(tier);
        if (pair.size() != 2) fail(tier, "must be [up to grams, amount]");
        const Field grams = element(pair, tier, 0);
        const Tier next{integer_of(grams, 1), integer_of(element(pair, tier, 1), 0)};
        if (!read.empty() && next.up_to_grams <= read.back().up_to_grams) {
            fail(grams, fmt::format("{} g does not exceed the previous tier's {} g: tiers must ascend strictly by weight",
                                    next.up_to_grams, read.back().up_to_grams));
        }
        read.push_back(next);
    }
    return read;
}

ZoneRate read_rate(const Field& at, const std::vector<Zone>& zones) {
    const toml::table& table = table_of(at);
    reject_unknown_keys(table, at.path, {"zone", "days", "tiers"});
    ZoneRate rate;
    const Field zone = required(table, at.path, "zone");
    rate.zone = string_of(zone);
    if (std::ranges::find(zones, rate.zone, &Zone::id) == zones.end()) {
        fail(zone, fmt::format("no [[zone]] has the id '{}'", rate.zone));
    }
    const Field days = required(table, at.path, "days");
    const toml::array& range = array_of(days);
    if (range.size() != 2) fail(days, "must be [min, max] days");
    rate.min_days = static_cast<int>(integer_of(element(range, days, 0), 0, max_days));
    rate.max_days = static_cast<int>(integer_of(element(range, days, 1), 0, max_days));
    if (rate.min_days > rate.max_days) {
        fail(days, fmt::format("min {} is more than max {}", rate.min_days, rate.max_days));
    }
    rate.tiers = read_tiers(required(table, at.path, "tiers"));
    return rate;
}

Service read_service(const Field& at, const std::vector<Zone>& zones, const std::vector<Service>& earlier) {
    const toml::table& table = table_of(at);
    reject_unknown_keys(table, at.path, {"id", "carrier", "name", "free_eligible", "tracking", "rates"});
    Service service;
    const Field id = required(table, at.path, "id");
    service.id = string_of(id);
    if (std::ranges::find(earlier, service.id, &Service::id) != earlier.end()) {
        fail(id, fmt::format("service id '{}' is already used by an earlier service", service.id));
    }
    service.carrier = string_of(required(table, at.path, "carrier"));
    service.name = string_of(required(table, at.path, "name"));
    service.free_eligible = boolean_of(required(table, at.path, "free_eligible"));
    const Field tracking = required(table, at.path, "tracking");
    service.tracking = string_of(tracking);
    if (auto problem = tracking_format_problem(service.tracking)) fail(tracking, *problem);
    const Field rates = required(table, at.path, "rates");
    const toml::array& list = array_of(rates);
    if (list.empty()) fail(rates, "must rate at least one zone");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Field entry = element(list, rates, i);
        ZoneRate rate = read_rate(entry, zones);
        if (std::ranges::find(service.rates, rate.zone, &ZoneRate::zone) != service.rates.end()) {
            fail(entry, fmt::format("zone '{}' is already rated by an earlier entry", rate.zone));
        }
        service.rates.push_back(std::move(rate));
    }
    return service;
}

RateTable read_rate_table(const toml::table& root) {
    reject_unknown_keys(root, "", {"currency", "default_weight_grams", "zone", "service"});
    RateTable table;
    const Field currency = required(root, "", "currency");
    table.currency = string_of(currency);
    if (!kernel::is_currency(table.currency)) {
        fail(currency, fmt::format("'{}' is not an ISO 4217 code of three upper-case letters such as \"EUR\"", table.currency));
    }
    table.default_weight_grams = integer_of(required(root, "", "default_weight_grams"), 1);

    const Field zones = required(root, "", "zone");
    const toml::array& zone_list = tables_of(zones);
    for (std::size_t i = 0; i < zone_list.size(); ++i) table.zones.push_back(read_zone(element(zone_list, zones, i), table.zones));

    const Field services = required(root, "", "service");
    const toml::array& service_list = tables_of(services);
    for (std::size_t i = 0; i < service_list.size(); ++i) {
        table.services.push_back(read_service(element(service_list, services, i), table.zones, table.services));
    }

    // A zone nobody serves would swallow its destinations and offer them nothing.
    for (std::size_t i = 0; i < table.zones.size(); ++i) {
        const std::string& id = table.zones[i].id;
        const bool served = std::ranges::any_of(table.services, [&](const Service& s) {
            return std::ranges::find(s.rates, id, &ZoneRate::zone) != s.rates.end();
        });
        if (!served) fail(element(zone_list, zones, i), fmt::format("zone '{}' is served by no service", id));
    }
    return table;
}

}  // namespace

RateTable parse_rate_table(std::string_view toml_text, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("rate table '{}': line {}: {}", source_name, e.source().begin.line, e.description()));
    }
    try {
        return read_rate_table(root);
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("rate table '{}': {}", source_name, e.what()));
    }
}

}  // namespace mercato::shipping

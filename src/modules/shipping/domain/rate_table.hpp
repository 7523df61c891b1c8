// The shop's carriers and services and the rules that price them: which zone a destination falls in,
// which services carry a parcel there and at what price, and the tracking numbers they issue. No I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/shipping/api/shipping.hpp"

namespace mercato::shipping {

struct Tier {
    std::int64_t up_to_grams;  // inclusive
    std::int64_t amount;       // minor units of the table's currency
};

struct ZoneRate {
    std::string zone;
    int min_days;
    int max_days;
    std::vector<Tier> tiers;  // ascending by up_to_grams
};

struct Service {
    std::string id;  // what an order's shipping_option names
    std::string carrier;
    std::string name;
    bool free_eligible;    // free from the zone's free_shipping_over
    std::string tracking;  // literal text with {digits:N} and {alnum:N} placeholders
    std::vector<ZoneRate> rates;
};

struct Zone {
    std::string id;
    std::vector<std::string> countries;
    std::vector<std::string> postal_prefixes;  // empty: the whole of its countries
    std::int64_t free_shipping_over;           // subtotal from which free-eligible services cost nothing; 0: never
};

struct RateTable {
    std::string currency;
    std::int64_t default_weight_grams;  // for products without a weight
    std::vector<Zone> zones;            // in the order they are matched
    std::vector<Service> services;
};

struct Parcel {
    std::int64_t weight_grams;
    std::int64_t subtotal;  // in the table's currency
};

// The zone that serves the destination: the first, in table order, that holds its country and has no
// postal prefixes or one that begins its postal code (compared without spaces, ignoring case); nullptr
// when none does.
const Zone* zone_for(const RateTable& table, const Destination& to);

// Every service that rates the zone and has a tier for the weight (the first whose up_to_grams is at
// least it), priced: 0 when the service is free-eligible and the zone's threshold, if any, is reached.
// Cheapest first, then fastest (max_days), then by id; empty when nothing carries the parcel there.
std::vector<Option> options_for(const RateTable& table, const Zone& zone, const Parcel& parcel);

// What is wrong with a tracking format, or nullopt when tracking_number can fill it in.
std::optional<std::string> tracking_format_problem(std::string_view format);

// A tracking number in the service's format, its random characters drawn from random (tests pass a
// fixed sequence). Throws std::invalid_argument for a format tracking_format_problem refuses.
std::string tracking_number(const Service& service, const std::function<std::uint32_t()>& random);

const Service* find_service(const RateTable& table, std::string_view id);

}  // namespace mercato::shipping

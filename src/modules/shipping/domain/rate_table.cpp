#include "modules/shipping/domain/rate_table.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

namespace mercato::shipping {

namespace {

constexpr std::string_view digit_chars = "0123456789";
constexpr std::string_view alnum_chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Longer than any carrier's number, so a larger count is a typo.
constexpr int max_placeholder_count = 32;

// A run of a tracking format: literal text, or count characters drawn from alphabet.
struct Piece {
    std::string_view literal;
    std::string_view alphabet;
    int count;
};

struct TrackingFormat {
    std::vector<Piece> pieces;
    std::string problem;  // empty when the format is usable
};

// One grammar for checking a format when the table is read and for filling it in, so they cannot disagree.
TrackingFormat parse_tracking_format(std::string_view format) {
    TrackingFormat parsed;
    int placeholders = 0;
    while (!format.empty()) {
        const std::size_t brace = format.find_first_of("{}");
        if (brace != 0) {
            parsed.pieces.push_back({format.substr(0, brace), {}, 0});
            format.remove_prefix(brace == std::string_view::npos ? format.size() : brace);
            continue;
        }
        const std::size_t close = format.find('}');
        if (format.front() == '}' || close == std::string_view::npos) {
            parsed.problem = "has a brace outside a {digits:N} or {alnum:N} placeholder";
            return parsed;
        }
        const std::string_view placeholder = format.substr(0, close + 1);
        const std::string_view inside = placeholder.substr(1, placeholder.size() - 2);
        const std::size_t colon = inside.find(':');
        const std::string_view kind = inside.substr(0, colon);
        const std::string_view alphabet = kind == "digits" ? digit_chars : kind == "alnum" ? alnum_chars : std::string_view{};
        if (alphabet.empty() || colon == std::string_view::npos) {
            parsed.problem = fmt::format("has an unknown placeholder '{}' (known: {{digits:N}}, {{alnum:N}})", placeholder);
            return parsed;
        }
        const std::string_view count_text = inside.substr(colon + 1);
        int count = 0;
        const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
        if (ec != std::errc() || end != count_text.data() + count_text.size() || count < 1 || count > max_placeholder_count) {
            parsed.problem = fmt::format("has a placeholder '{}' whose count is not from 1 to {}", placeholder, max_placeholder_count);
            return parsed;
        }
        parsed.pieces.push_back({{}, alphabet, count});
        ++placeholders;
        format.remove_prefix(close + 1);
    }
    if (placeholders == 0) {
        parsed.problem = "has no {digits:N} or {alnum:N} placeholder, so every shipment would get the same number";
    }
    return parsed;
}

// A postal code or prefix as compared: without spaces, upper-case, so "sw1a 1aa" begins with "SW1A".
std::string postal_key(std::string_view text) {
    std::string key;
    for (const char c : text) {
        if (c != ' ') key += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return key;
}

}  // namespace

const Zone* zone_for(const RateTable& table, const Destination& to) {
    const std::string postal_code = postal_key(to.postal_code);
    for (const Zone& zone : table.zones) {
        if (std::ranges::find(zone.countries, to.country) == zone.countries.end()) continue;
        if (zone.postal_prefixes.empty()) return &zone;
        for (const std::string& prefix : zone.postal_prefixes) {
            if (postal_code.starts_with(postal_key(prefix))) return &zone;
        }
    }
    return nullptr;
}

std::vector<Option> options_for(const RateTable& table, const Zone& zone, const Parcel& parcel) {
    std::vector<Option> options;
    const bool threshold_reached = zone.free_shipping_over > 0 && parcel.subtotal >= zone.free_shipping_over;
    for (const Service& service : table.services) {
        const auto rate = std::ranges::find(service.rates, zone.id, &ZoneRate::zone);
        if (rate == service.rates.end()) continue;
        const auto tier = std::ranges::find_if(rate->tiers, [&](const Tier& t) { return t.up_to_grams >= parcel.weight_grams; });
        if (tier == rate->tiers.end()) continue;
        const std::int64_t amount = service.free_eligible && threshold_reached ? 0 : tier->amount;
        options.push_back({service.id, service.carrier, service.name, amount, table.currency, rate->min_days, rate->max_days});
    }
    std::ranges::sort(options, {}, [](const Option& o) { return std::tie(o.amount, o.max_days, o.id); });
    return options;
}

std::optional<std::string> tracking_format_problem(std::string_view format) {
    TrackingFormat parsed = parse_tracking_format(format);
    if (parsed.problem.empty()) return std::nullopt;
    return std::move(parsed.problem);
}

std::string tracking_number(const Service& service, const std::function<std::uint32_t()>& random) {
    const TrackingFormat format = parse_tracking_format(service.tracking);
    if (!format.problem.empty()) {
        throw std::invalid_argument(
            fmt::format("service '{}': tracking format '{}' {}", service.id, service.tracking, format.problem));
    }
    std::string number;
    for (const Piece& piece : format.pieces) {
        number += piece.literal;
        // The modulo's bias over 2^32 values is below one in a hundred million: immaterial for numbers
        // that only need to differ from one another.
        for (int i = 0; i < piece.count; ++i) number += piece.alphabet[random() % piece.alphabet.size()];
    }
    return number;
}

const Service* find_service(const RateTable& table, std::string_view id) {
    const auto found = std::ranges::find(table.services, id, &Service::id);
    return found == table.services.end() ? nullptr : &*found;
}

}  // namespace mercato::shipping

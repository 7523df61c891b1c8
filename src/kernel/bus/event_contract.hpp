// What a topic's payload holds, written beside the topic in its module's api/events.hpp, so a test can
// hold every event a module publishes to it and consumers can rely on the shape.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mercato::kernel::bus {

enum class FieldKind {
    string,
    integer,  // a whole number: money in minor units, counts, stock
    number,   // any number, such as an average
    boolean,
    object,   // with the fields listed
    array,    // of objects, each with the fields listed
    strings,  // an array of strings
};

enum class Presence {
    required,  // always there, never null
    optional,  // left out when it does not apply, never null
    nullable,  // always there, null when it has no value
};

struct EventField {
    std::string_view name;
    FieldKind kind;
    Presence presence = Presence::required;
    // An object's fields, or those of each element of an array: its keys are exactly these.
    std::span<const EventField> fields = {};
};

struct EventContract {
    std::string_view topic;
    std::string_view publisher;  // the module whose log holds the topic
    std::span<const EventField> fields;
};

// What is wrong with payload under contract, one "path: what" line each: a field missing or null
// against its presence, of another kind, or not in the contract. Empty when the payload fits.
std::vector<std::string> contract_violations(const EventContract& contract, const nlohmann::json& payload);

}  // namespace mercato::kernel::bus

#include "kernel/bus/event_contract.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mercato::kernel::bus {

namespace {

using nlohmann::json;

bool is_strings(const json& value) {
    return value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
}

bool has_kind(const json& value, FieldKind kind) {
    switch (kind) {
        case FieldKind::string: return value.is_string();
        case FieldKind::integer: return value.is_number_integer();
        case FieldKind::number: return value.is_number();
        case FieldKind::boolean: return value.is_boolean();
        case FieldKind::object: return value.is_object();
        case FieldKind::array: return value.is_array();
        case FieldKind::strings: return is_strings(value);
    }
    return false;
}

std::string_view kind_name(FieldKind kind) {
    switch (kind) {
        case FieldKind::string: return "a string";
        case FieldKind::integer: return "an integer";
        case FieldKind::number: return "a number";
        case FieldKind::boolean: return "a boolean";
        case FieldKind::object: return "an object";
        case FieldKind::array: return "an array of objects";
        case FieldKind::strings: return "an array of strings";
    }
    return "?";
}

void check_object(std::span<const EventField> fields, const json& object, const std::string& path,
                  std::vector<std::string>& out);

void check_field(const EventField& field, const json& value, const std::string& at, std::vector<std::string>& out) {
    if (value.is_null()) {
        if (field.presence != Presence::nullable) out.push_back(at + ": null, which the contract does not allow");
        return;
    }
    if (!has_kind(value, field.kind)) {
        out.push_back(fmt::format("{}: {} where the contract says {}", at, value.type_name(), kind_name(field.kind)));
        return;
    }
    if (field.kind == FieldKind::object) check_object(field.fields, value, at + ".", out);
    if (field.kind != FieldKind::array) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string element = fmt::format("{}[{}]", at, i);
        if (value[i].is_object()) {
            check_object(field.fields, value[i], element + ".", out);
        } else {
            out.push_back(fmt::format("{}: {} where the contract says an object", element, value[i].type_name()));
        }
    }
}

void check_object(std::span<const EventField> fields, const json& object, const std::string& path,
                  std::vector<std::string>& out) {
    for (const auto& field : fields) {
        const std::string name(field.name);
        const auto found = object.find(name);
        if (found != object.end()) {
            check_field(field, *found, path + name, out);
        } else if (field.presence != Presence::optional) {
            out.push_back(path + name + ": missing");
        }
    }
    for (const auto& item : object.items()) {
        const auto& key = item.key();
        const bool listed = std::any_of(fields.begin(), fields.end(), [&](const EventField& f) { return f.name == key; });
        if (!listed) out.push_back(path + key + ": not in the contract");
    }
}

}  // namespace

std::vector<std::string> contract_violations(const EventContract& contract, const json& payload) {
    if (!payload.is_object()) return {fmt::format("the payload is {}, not an object", payload.type_name())};
    std::vector<std::string> out;
    check_object(contract.fields, payload, "", out);
    return out;
}

}  // namespace mercato::kernel::bus

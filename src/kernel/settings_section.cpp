#include "kernel/settings_section.hpp"

#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace mercato::kernel {

struct SettingsSection::Impl {
    std::string name;
    toml::table table;
    std::string file;  // the file the table came from; "" when set in code
    Getenv getenv;
};

namespace {

// Settings read from a file say which, so an operator with several knows where to look.
ConfigError from_file(const std::string& file, std::string_view message) {
    if (file.empty()) return ConfigError(std::string(message));
    return ConfigError(fmt::format("config file '{}': {}", file, message));
}

template <class T>
void read_number(const toml::table& table, std::string_view key, T& out, const auto& fail) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return;
    auto v = node->value<std::int64_t>();
    if (!node->is_integer() || !v || *v < 0) throw fail("must be a non-negative integer");
    if (static_cast<std::uint64_t>(*v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
        throw fail(fmt::format("is too large ({})", *v));
    }
    out = static_cast<T>(*v);
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const std::size_t first = item.find_first_not_of(" \t");
        if (first == std::string_view::npos) continue;
        item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
        items.emplace_back(item);
    }
    return items;
}

}  // namespace

std::optional<std::string> env_value(const Getenv& getenv, const char* name) {
    const char* v = getenv ? getenv(name) : nullptr;
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

SettingsSection::SettingsSection(std::string name) : impl_(std::make_shared<Impl>(Impl{std::move(name), {}, {}, {}})) {}

SettingsSection::SettingsSection(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

const std::string& SettingsSection::name() const { return impl_->name; }

ConfigError SettingsSection::error(std::string_view message) const { return from_file(impl_->file, message); }

void SettingsSection::allow_keys(std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : impl_->table) {
        bool known = false;
        for (const auto allowed : keys) known = known || allowed == key.str();
        if (!known) throw error(fmt::format("unknown setting '{}.{}'", impl_->name, key.str()));
    }
}

namespace {

// The error for a value of the wrong kind: "setting 'server.port' must be ...".
auto wrong_value(const SettingsSection& section, std::string_view key) {
    return [&section, key](std::string_view must) {
        return section.error(fmt::format("setting '{}.{}' {}", section.name(), key, must));
    };
}

}  // namespace

void SettingsSection::read(std::string_view key, bool& out) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return;
    if (!node->is_boolean()) throw wrong_value(*this, key)("must be true or false");
    out = node->value<bool>().value();
}

void SettingsSection::read(std::string_view key, int& out) const { read_number(impl_->table, key, out, wrong_value(*this, key)); }

void SettingsSection::read(std::string_view key, std::size_t& out) const {
    read_number(impl_->table, key, out, wrong_value(*this, key));
}

void SettingsSection::read(std::string_view key, double& out) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return;
    auto v = node->value<double>();
    if (!v) throw wrong_value(*this, key)("must be a number");
    out = *v;
}

void SettingsSection::read(std::string_view key, std::string& out) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return;
    if (!node->is_string()) throw wrong_value(*this, key)("must be a string");
    out = node->value<std::string>().value();
}

void SettingsSection::read_strings(std::string_view key, std::vector<std::string>& out) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return;
    const toml::array* items = node->as_array();
    const auto wrong = [&] { return wrong_value(*this, key)("must be an array of strings"); };
    if (items == nullptr) throw wrong();
    out.clear();
    for (const auto& item : *items) {
        auto text = item.value<std::string>();
        if (!item.is_string() || !text) throw wrong();
        out.push_back(*text);
    }
}

std::optional<SettingsSection> SettingsSection::table(std::string_view key, std::string_view shape) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return std::nullopt;
    const std::string name = fmt::format("{}.{}", impl_->name, key);
    const toml::table* inner = node->as_table();
    if (inner == nullptr) throw error(fmt::format("'{}' must be a table {}", name, shape));
    return SettingsSection(std::make_shared<const Impl>(Impl{name, *inner, impl_->file, impl_->getenv}));
}

std::vector<std::string> SettingsSection::keys() const {
    std::vector<std::string> keys;
    for (const auto& [key, value] : impl_->table) keys.emplace_back(key.str());
    return keys;
}

std::optional<std::string> SettingsSection::text(std::string_view key) const {
    const toml::node* node = impl_->table.get(key);
    if (node == nullptr) return std::nullopt;
    if (auto b = node->value<bool>(); node->is_boolean() && b) return *b ? "true" : "false";
    if (auto s = node->value<std::string>(); node->is_string() && s) return *s;
    return std::nullopt;
}

std::optional<std::string> SettingsSection::env(const char* name) const { return env_value(impl_->getenv, name); }

std::optional<std::vector<std::string>> SettingsSection::env_list(const char* name) const {
    auto text = env(name);
    if (!text) return std::nullopt;
    return split_list(*text);
}

SettingsSection SettingsSection::with_environment(Getenv getenv) const {
    auto impl = std::make_shared<Impl>(*impl_);
    impl->getenv = std::move(getenv);
    return SettingsSection(std::move(impl));
}

SettingsSection::Impl& SettingsSection::own() {
    auto copy = std::make_shared<Impl>(*impl_);
    Impl& mine = *copy;
    impl_ = std::move(copy);
    return mine;
}

void SettingsSection::set(std::string_view key, bool value) { own().table.insert_or_assign(key, value); }
void SettingsSection::set(std::string_view key, int value) { own().table.insert_or_assign(key, std::int64_t{value}); }
void SettingsSection::set(std::string_view key, double value) { own().table.insert_or_assign(key, value); }
void SettingsSection::set(std::string_view key, const char* value) { set(key, std::string(value)); }
void SettingsSection::set(std::string_view key, const std::string& value) { own().table.insert_or_assign(key, value); }

void SettingsSection::set(std::string_view key, const std::vector<std::string>& value) {
    toml::array items;
    for (const auto& item : value) items.push_back(item);
    own().table.insert_or_assign(key, std::move(items));
}

std::map<std::string, SettingsSection, std::less<>> read_settings_file(const std::string& path,
                                                                      const std::set<std::string, std::less<>>& names) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(fmt::format("config file '{}' line {}: {}", path, where.line, e.description()));
    }
    for (const auto& [key, value] : root) {
        if (!names.contains(key.str())) throw from_file(path, fmt::format("unknown setting '{}'", key.str()));
    }
    std::map<std::string, SettingsSection, std::less<>> sections;
    for (auto& [key, value] : root) {
        const toml::table* table = value.as_table();
        if (table == nullptr) throw from_file(path, fmt::format("'{}' must be a table", key.str()));
        const std::string name(key.str());
        sections.emplace(name, SettingsSection(std::make_shared<const SettingsSection::Impl>(SettingsSection::Impl{name, *table, path, {}})));
    }
    return sections;
}

}  // namespace mercato::kernel

// One [section] of the configuration, read by the unit that owns it (the kernel, or a module), with the
// checks every setting gets: unknown keys refused, types and ranges enforced, errors naming the key and the file.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::kernel {

// A setting that cannot be used; the command line turns it into a one-line error and exit code 2.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using Getenv = std::function<const char*(const char*)>;

// The variable's value; nullopt when it is unset or empty.
std::optional<std::string> env_value(const Getenv& getenv, const char* name);

class SettingsSection {
public:
    // An empty section: every setting keeps its default, and no environment is read.
    explicit SettingsSection(std::string name);

    const std::string& name() const;

    // Throws ConfigError "unknown setting '<name>.<key>'" for a key not listed, so a typo is never ignored.
    void allow_keys(std::initializer_list<std::string_view> keys) const;

    // Each read leaves out untouched when the key is absent, and throws ConfigError naming '<name>.<key>'
    // for a value of the wrong type (or, for numbers, out of the type's range).
    void read(std::string_view key, bool& out) const;
    void read(std::string_view key, int& out) const;
    void read(std::string_view key, std::size_t& out) const;
    void read(std::string_view key, double& out) const;
    void read(std::string_view key, std::string& out) const;
    void read_strings(std::string_view key, std::vector<std::string>& out) const;
    // A duration written as a whole number of Unit (the key says which: _ms, _seconds, _minutes...).
    template <class Unit, class Rep, class Period>
    void read_duration(std::string_view key, std::chrono::duration<Rep, Period>& out) const {
        int count = static_cast<int>(std::chrono::duration_cast<Unit>(out).count());
        read(key, count);
        out = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(Unit(count));
    }

    // A table inside this one ([rate_limit.read]); nullopt when absent. Throws ConfigError
    // "'<name>.<key>' must be a table <shape>" when the key holds something else.
    std::optional<SettingsSection> table(std::string_view key, std::string_view shape) const;
    // For a section whose keys the operator chooses ([features]): every key, and a key's value as text
    // (a string, or a boolean as "true"/"false"; nullopt for anything else).
    std::vector<std::string> keys() const;
    std::optional<std::string> text(std::string_view key) const;
    // An error about this section's settings, naming the file they came from as reads do.
    ConfigError error(std::string_view message) const;

    // A MERCATO_* variable (nullopt when unset or empty), and one holding a list: "a, b ,,c" is {"a",
    // "b", "c"}, so stray spaces and commas never become items.
    std::optional<std::string> env(const char* name) const;
    std::optional<std::vector<std::string>> env_list(const char* name) const;
    // The same settings, reading the environment through getenv.
    SettingsSection with_environment(Getenv getenv) const;

    // Sets a value as a config file would, for tests and tools that configure in code.
    void set(std::string_view key, bool value);
    void set(std::string_view key, int value);
    void set(std::string_view key, double value);
    void set(std::string_view key, const char* value);
    void set(std::string_view key, const std::string& value);
    void set(std::string_view key, const std::vector<std::string>& value);

private:
    struct Impl;
    explicit SettingsSection(std::shared_ptr<const Impl> impl);
    Impl& own();

    // Shared between copies; set() copies it first.
    std::shared_ptr<const Impl> impl_;

    friend std::map<std::string, SettingsSection, std::less<>> read_settings_file(const std::string& path,
                                                                                 const std::set<std::string, std::less<>>& names);
};

// The sections of a TOML file, by name. Throws ConfigError, naming the file, for a file that is not
// TOML (with the line), a top-level key not among names, or one that is not a table.
std::map<std::string, SettingsSection, std::less<>> read_settings_file(const std::string& path,
                                                                      const std::set<std::string, std::less<>>& names);

}  // namespace mercato::kernel

// Feature flags for gradual rollouts and A/B tests, answering the same way for the same subject every time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::kernel {

// Each flag has a rollout percentage. A subject (user id, session id) falls in
// a bucket 0-99 derived from SHA-256 of the flag name and the subject, so
// answers survive restarts, agree across server copies, raising a percentage
// only adds subjects, and different flags pick independent subsets.
class FeatureFlags {
public:
    FeatureFlags() = default;
    // Throws std::invalid_argument for a percentage outside 0-100.
    explicit FeatureFlags(std::map<std::string, int, std::less<>> percent_by_flag);

    // Unknown flags are off. A partial rollout is off for an empty subject,
    // which could not be given the same answer twice.
    bool enabled(std::string_view flag, std::string_view subject = {}) const;

    // The subject's arm of an experiment: one of arms, chosen stably, when the
    // flag is enabled for the subject; otherwise arms[0], the control.
    // Throws std::invalid_argument when arms is empty.
    std::string_view variant(std::string_view flag, std::string_view subject,
                             std::span<const std::string_view> arms) const;

    // Whether the configuration names the flag (an unnamed one is off and worth no record).
    bool configured(std::string_view flag) const;
    // The flags the configuration names, in name order.
    std::vector<std::string_view> flags() const;

    // A rule as written in configuration: "on"/"true" is 100, "off"/"false" is 0,
    // "NN%" is NN (0-100); anything else is nullopt.
    static std::optional<int> parse_rule(std::string_view text);

private:
    std::map<std::string, int, std::less<>> percent_by_flag_;
};

}  // namespace mercato::kernel

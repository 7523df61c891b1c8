#include "kernel/feature_flags.hpp"

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "kernel/hashing.hpp"

namespace mercato::kernel {

namespace {

// The first 8 bytes of SHA-256(flag + salt + subject), big-endian. Spelled
// out exactly so that any other component (a storefront script, a report)
// can compute the same buckets.
std::uint64_t stable_hash(std::string_view flag, std::string_view salt, std::string_view subject) {
    std::string input;
    input.reserve(flag.size() + salt.size() + subject.size());
    input.append(flag).append(salt).append(subject);

    const Sha256Digest digest = sha256(input);
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
    return value;
}

}  // namespace

FeatureFlags::FeatureFlags(std::map<std::string, int, std::less<>> percent_by_flag)
    : percent_by_flag_(std::move(percent_by_flag)) {
    for (const auto& [flag, percent] : percent_by_flag_) {
        if (percent < 0 || percent > 100) {
            throw std::invalid_argument("feature flag \"" + flag + "\" has percentage " +
                                        std::to_string(percent) + ", expected 0-100");
        }
    }
}

bool FeatureFlags::enabled(std::string_view flag, std::string_view subject) const {
    const auto it = percent_by_flag_.find(flag);
    if (it == percent_by_flag_.end()) return false;
    const int percent = it->second;
    if (percent == 0) return false;
    if (percent == 100) return true;
    if (subject.empty()) return false;
    return stable_hash(flag, ":", subject) % 100 < static_cast<std::uint64_t>(percent);
}

std::string_view FeatureFlags::variant(std::string_view flag, std::string_view subject,
                                       std::span<const std::string_view> arms) const {
    if (arms.empty()) throw std::invalid_argument("feature flag variant needs at least one arm");
    if (!enabled(flag, subject)) return arms.front();
    // A salt distinct from the rollout's keeps the arm independent of the
    // bucket: at 1% every enabled subject's hash is a multiple of 100, so with
    // the same hash and two arms every one of them would land in the control.
    return arms[stable_hash(flag, ":variant:", subject) % arms.size()];
}

bool FeatureFlags::configured(std::string_view flag) const { return percent_by_flag_.contains(flag); }

std::vector<std::string_view> FeatureFlags::flags() const {
    std::vector<std::string_view> out;
    out.reserve(percent_by_flag_.size());
    for (const auto& [flag, percent] : percent_by_flag_) out.push_back(flag);
    return out;
}

std::optional<int> FeatureFlags::parse_rule(std::string_view text) {
    if (text == "on" || text == "true") return 100;
    if (text == "off" || text == "false") return 0;
    if (text.size() < 2 || text.size() > 4 || !text.ends_with('%')) return std::nullopt;

    const std::string_view digits = text.substr(0, text.size() - 1);
    int percent = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), percent);
    if (error != std::errc{} || end != digits.data() + digits.size() || percent < 0 || percent > 100) {
        return std::nullopt;
    }
    return percent;
}

}  // namespace mercato::kernel

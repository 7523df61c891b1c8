#include "modules/shipping/domain/tracking_rules.hpp"

#include <array>
#include <string_view>

namespace mercato::shipping {

namespace {

constexpr std::size_t max_location_length = 200;
constexpr std::size_t max_tracking_number_length = 64;
constexpr std::array<std::string_view, 4> scans{status_label_created, status_in_transit, status_out_for_delivery, status_delivered};

int rank(std::string_view status) {
    for (std::size_t i = 0; i < scans.size(); ++i) {
        if (scans[i] == status) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

std::vector<kernel::FieldError> update_problems(const TrackingUpdate& u) {
    std::vector<kernel::FieldError> errors;
    if (u.tracking_number.empty() || u.tracking_number.size() > max_tracking_number_length) {
        errors.push_back({"tracking_number", "must be a string of 1 to 64 characters"});
    }
    if (u.status != status_in_transit && u.status != status_out_for_delivery && u.status != status_delivered &&
        u.status != status_exception) {
        errors.push_back({"status", "must be in_transit, out_for_delivery, delivered or exception"});
    }
    if (u.location.size() > max_location_length) errors.push_back({"location", "must be at most 200 characters"});
    return errors;
}

bool moves_on(const std::vector<TrackingEvent>& history, const std::string& status) {
    int reached = -1;
    for (const auto& e : history) reached = std::max(reached, rank(e.status));
    const bool held_up = !history.empty() && history.back().status == status_exception;
    if (reached == rank(status_delivered)) return false;
    if (status == status_exception) return !held_up;
    return held_up ? rank(status) >= reached : rank(status) > reached;
}

}  // namespace mercato::shipping

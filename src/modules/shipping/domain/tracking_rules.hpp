// The order a parcel's news must follow (label_created → in_transit → out_for_delivery → delivered,
// exception from any state but delivered), so repeated and late callbacks leave the history whole.
#pragma once

#include <vector>

#include "kernel/problem.hpp"
#include "modules/shipping/api/shipping.hpp"

namespace mercato::shipping {

// What is wrong with news of a parcel, each under its field.
std::vector<kernel::FieldError> update_problems(const TrackingUpdate& update);

// Whether news of `status` moves a shipment on from its history (oldest first): a scan further
// along (skipping some is allowed: carriers miss scans), an exception, or a scan after an exception
// that is not behind where the parcel was. A repeat, news older than what is known, or anything
// after delivery changes nothing.
bool moves_on(const std::vector<TrackingEvent>& history, const std::string& status);

}  // namespace mercato::shipping

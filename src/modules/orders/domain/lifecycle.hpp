// The order lifecycle: which status may follow which, and the order's status as the fold of its events.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mercato::orders {

// One stored event of an order: the status it moved to, when, by whom and why.
struct OrderEvent {
    int seq = 0;
    std::string status;
    std::string at;
    std::string actor;
    std::string reason;
};

bool is_status(std::string_view status);
// pending → processing → shipped → delivered → returned, and pending → cancelled.
bool may_move(std::string_view from, std::string_view to);
// The status the events lead to ("" for none). Each event was checked against may_move when it was
// stored, so the fold is the last one's; it throws std::logic_error if the chain is broken, since
// that means the stored history was altered.
std::string fold_status(const std::vector<OrderEvent>& events);

}  // namespace mercato::orders

// SQL over the analytics schema's raw events and the copies of orders it keeps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/analytics/api/analytics.hpp"

namespace soci {
class session;
}

namespace mercato::analytics {

struct StoredEvent {
    std::string id;
    std::string type;
    std::string source;  // "client" or "bus"
    std::optional<std::string> user_id;
    std::optional<std::string> session_id;
    std::optional<std::string> product_id;
    std::string properties;  // a JSON object
    std::string day;         // YYYY-MM-DD (UTC) of occurred_at
    std::string occurred_at;
    FeatureAnswers features;  // stored as a JSON object, {"new_checkout":"on"}
};

// Many rows in few statements: what one ingestion batch writes.
void insert_events(soci::session& session, const std::vector<StoredEvent>& events);
// False when the event is stored already (a redelivery).
bool insert_event_once(soci::session& session, const StoredEvent& event);
// Deletes raw events of days before `day`, at most limit; returns how many.
std::size_t prune_events(soci::session& session, const std::string& day, std::size_t limit);

struct OrderLine {
    std::string product_id;
    std::string name;
    std::int64_t quantity = 0;
    std::int64_t unit_price = 0;
};

struct OrderCopy {
    std::string order_id;
    std::string user_id;
    std::string currency;
    std::int64_t total = 0;
    std::vector<OrderLine> items;
};

void save_order(soci::session& session, const OrderCopy& order);
std::optional<OrderCopy> find_order(soci::session& session, const std::string& order_id);
// Marks the order paid on day; false when it was paid before (its sale is counted once).
bool mark_paid(soci::session& session, const std::string& order_id, const std::string& day);

}  // namespace mercato::analytics

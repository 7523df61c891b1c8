// What travels on the event bus: the event a module publishes and the envelope consumers receive,
// shaped as a Kafka record would be (topic, key, offset, JSON payload) so a bridge carries it unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace mercato::kernel::bus {

// An event as its module publishes it. The topic names its module ("orders.created" lives in the
// orders log); the key is the aggregate id, the unit of ordering.
struct Event {
    Event(std::string topic_, std::string key_, std::string payload_, int version_ = 1, std::string traceparent_ = {})
        : topic(std::move(topic_)), key(std::move(key_)), payload(std::move(payload_)), version(version_),
          traceparent(std::move(traceparent_)) {}

    std::string topic;
    std::string key;
    std::string payload;  // a JSON object
    int version = 1;      // of the payload's schema, so consumers can tell old shapes from new
    std::string traceparent;  // W3C trace context; empty: continue the delivery being handled, or start a trace
};

struct Envelope {
    std::string id;  // "evt_..."; stable across redeliveries, so consumers can recognise a repeat
    std::string topic;
    std::string key;
    std::int64_t offset = 0;  // position in the source module's log
    std::string occurred_at;  // RFC 3339, when the publishing transaction ran
    int version = 1;
    std::string payload;
    std::string traceparent;

    // The module whose log holds the event: the topic up to its first dot.
    std::string source() const;
};

// "orders" for "orders.created"; "" when the topic has no module part.
std::string topic_module(const std::string& topic);

}  // namespace mercato::kernel::bus

// Tests kernel/metrics.hpp: counters, gauges and histograms with labels in the Prometheus text format.
#include "kernel/metrics.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using mercato::kernel::MetricsRegistry;
using mercato::kernel::render_labels;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.starts_with(line + "\n") || text.find("\n" + line + "\n") != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

}  // namespace

TEST_CASE("a labelled counter renders with one HELP and TYPE line and one sample per label set") {
    MetricsRegistry metrics;
    metrics.counter("mercato_orders_total", "Orders placed", {{"status", "paid"}}).inc(3);
    metrics.counter("mercato_orders_total", "Orders placed", {{"status", "declined"}}).inc();

    const std::string text = metrics.render();
    CHECK(has_line(text, "# HELP mercato_orders_total Orders placed"));
    CHECK(has_line(text, "# TYPE mercato_orders_total counter"));
    CHECK(occurrences(text, "# TYPE mercato_orders_total") == 1);
    CHECK(has_line(text, R"(mercato_orders_total{status="paid"} 3)"));
    CHECK(has_line(text, R"(mercato_orders_total{status="declined"} 1)"));
}

TEST_CASE("asking again for a counter with the same name and labels returns the same counter") {
    MetricsRegistry metrics;
    auto& first = metrics.counter("mercato_logins_total", "Logins", {{"result", "ok"}});
    auto& again = metrics.counter("mercato_logins_total", "Logins", {{"result", "ok"}});
    auto& other = metrics.counter("mercato_logins_total", "Logins", {{"result", "denied"}});
    CHECK(&first == &again);
    CHECK(&first != &other);

    first.inc(2);
    again.inc();
    CHECK(first.value() == 3);
    CHECK(other.value() == 0);
}

TEST_CASE("a counter without labels renders its bare name") {
    MetricsRegistry metrics;
    metrics.counter("mercato_restarts_total", "Restarts").inc(4);
    CHECK(has_line(metrics.render(), "mercato_restarts_total 4"));
}

TEST_CASE("label values escape backslash, double quote and newline") {
    CHECK(render_labels({{"path", "a\"b\\c\nd"}}) == R"({path="a\"b\\c\nd"})");
    CHECK(render_labels({{"a", "1"}, {"b", "2"}}) == R"({a="1",b="2"})");
    CHECK(render_labels({}).empty());

    MetricsRegistry metrics;
    metrics.counter("mercato_odd_total", "Odd labels", {{"value", "say \"hi\"\n"}}).inc();
    CHECK(has_line(metrics.render(), R"(mercato_odd_total{value="say \"hi\"\n"} 1)"));
}

TEST_CASE("histogram buckets are cumulative and end with +Inf, followed by _sum and _count") {
    MetricsRegistry metrics;
    auto& latency = metrics.histogram("mercato_latency_seconds", "Latency", {{"route", "/v1/x"}}, {0.25, 0.5, 1});
    for (double seconds : {0.125, 0.25, 0.375, 2.0}) latency.observe(seconds);

    const std::string text = metrics.render();
    CHECK(has_line(text, "# TYPE mercato_latency_seconds histogram"));
    CHECK(has_line(text, R"(mercato_latency_seconds_bucket{route="/v1/x",le="0.25"} 2)"));
    CHECK(has_line(text, R"(mercato_latency_seconds_bucket{route="/v1/x",le="0.5"} 3)"));
    CHECK(has_line(text, R"(mercato_latency_seconds_bucket{route="/v1/x",le="1"} 3)"));
    CHECK(has_line(text, R"(mercato_latency_seconds_bucket{route="/v1/x",le="+Inf"} 4)"));
    CHECK(has_line(text, R"(mercato_latency_seconds_sum{route="/v1/x"} 2.75)"));
    CHECK(has_line(text, R"(mercato_latency_seconds_count{route="/v1/x"} 4)"));
}

TEST_CASE("a histogram without labels puts le in a label set of its own") {
    MetricsRegistry metrics;
    metrics.histogram("mercato_batch_size", "Batch size", {}, {10}).observe(3);
    const std::string text = metrics.render();
    CHECK(has_line(text, R"(mercato_batch_size_bucket{le="10"} 1)"));
    CHECK(has_line(text, R"(mercato_batch_size_bucket{le="+Inf"} 1)"));
    CHECK(has_line(text, "mercato_batch_size_count 1"));
}

TEST_CASE("a gauge is read each time the metrics are rendered") {
    MetricsRegistry metrics;
    int idle = 3;
    metrics.gauge("mercato_db_idle_connections", "Idle connections", {{"module", "catalog"}}, [&] { return idle; });

    const std::string before = metrics.render();
    CHECK(has_line(before, "# TYPE mercato_db_idle_connections gauge"));
    CHECK(has_line(before, R"(mercato_db_idle_connections{module="catalog"} 3)"));

    idle = 7;
    CHECK(has_line(metrics.render(), R"(mercato_db_idle_connections{module="catalog"} 7)"));
}

TEST_CASE("one name registered as two metric types throws std::logic_error") {
    MetricsRegistry metrics;
    metrics.counter("mercato_things", "Things").inc();
    CHECK_THROWS_AS(metrics.histogram("mercato_things", "Things"), std::logic_error);
    CHECK_THROWS_AS(metrics.gauge("mercato_things", "Things", {}, [] { return 1.0; }), std::logic_error);

    metrics.gauge("mercato_level", "Level", {}, [] { return 1.0; });
    CHECK_THROWS_AS(metrics.counter("mercato_level", "Level", {{"x", "y"}}), std::logic_error);

    CHECK(has_line(metrics.render(), "mercato_things 1"));
}

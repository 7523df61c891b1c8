-- Retention deletes raw events by day.
CREATE INDEX events_day ON analytics.events (day);

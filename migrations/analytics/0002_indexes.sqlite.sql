-- Retention deletes raw events by day.
CREATE INDEX analytics.events_day ON events (day);

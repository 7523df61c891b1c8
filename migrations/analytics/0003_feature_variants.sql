-- The feature flags' answers each event was counted under ({"new_checkout":"on"}), and the funnel
-- split by them, a rollup like the others, so an A/B test is read from the reports.
ALTER TABLE analytics.events ADD COLUMN features TEXT NOT NULL DEFAULT '{}';
CREATE TABLE analytics.daily_funnel_variants (
    day TEXT NOT NULL,
    feature TEXT NOT NULL,
    variant TEXT NOT NULL,
    step TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, feature, variant, step)
);

-- Raw events (the shop's own from the bus, and clients' from POST /v1/analytics/event), kept for a
-- retention window, and the rollups reports read, kept for good: a read model updated as events arrive.
CREATE TABLE analytics.events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('client', 'bus')),
    user_id TEXT,
    session_id TEXT,
    product_id TEXT,
    properties TEXT NOT NULL,
    day TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
-- Orders as placed, so a payment can be told by product and customer.
CREATE TABLE analytics.orders (
    order_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    total BIGINT NOT NULL,
    items TEXT NOT NULL,
    paid_day TEXT
);
CREATE TABLE analytics.daily_sales (
    day TEXT NOT NULL,
    currency TEXT NOT NULL,
    orders BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    PRIMARY KEY (day, currency)
);
CREATE TABLE analytics.daily_products (
    day TEXT NOT NULL,
    product_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    name TEXT NOT NULL,
    units BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    PRIMARY KEY (day, product_id, currency)
);
CREATE TABLE analytics.daily_funnel (
    day TEXT NOT NULL,
    step TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, step)
);
CREATE TABLE analytics.customers (
    user_id TEXT PRIMARY KEY,
    first_paid_day TEXT NOT NULL
);
CREATE TABLE analytics.daily_customers (
    day TEXT PRIMARY KEY,
    new_customers BIGINT NOT NULL,
    returning_customers BIGINT NOT NULL
);

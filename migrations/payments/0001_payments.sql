-- Payments of orders (card attempts and bank transfers), their refunds, the disputes providers
-- report, the provider events already applied, and the Idempotency-Keys of checkouts and refunds.
-- Card data is brand and last four digits only.
CREATE TABLE payments.payments (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded')),
    method TEXT NOT NULL CHECK (method IN ('card', 'bank_transfer')),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    -- Refunds settled or under way: never more than the amount.
    refunded_amount BIGINT NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    provider TEXT NOT NULL,
    provider_ref TEXT,
    reference TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    failure_code TEXT,
    failure_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE payments.refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason TEXT NOT NULL,
    -- What asked for an automatic refund ("return:ret_...", "cancel:ord_..."): each asks once.
    source TEXT UNIQUE,
    actor TEXT NOT NULL,
    provider_ref TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE payments.disputes (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    provider_dispute_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('needs_response', 'under_review', 'won', 'lost')),
    reason TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- The provider's time of the newest event applied: an older one delivered late changes nothing.
    event_at BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (provider, provider_dispute_id)
);
CREATE TABLE payments.provider_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE TABLE payments.idempotency_keys (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    response_status INTEGER,
    response_body TEXT,
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);

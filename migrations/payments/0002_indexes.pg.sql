-- One live payment per order (pending or paid): parallel checkouts of an order cannot both charge.
CREATE UNIQUE INDEX payments_live_per_order ON payments.payments (order_id) WHERE status <> 'failed';
CREATE INDEX payments_order ON payments.payments (order_id, created_at);
CREATE UNIQUE INDEX payments_reference ON payments.payments (reference) WHERE reference IS NOT NULL;
-- The sweeper finds interrupted card attempts and unsettled refunds.
CREATE INDEX payments_pending ON payments.payments (status, created_at);
CREATE INDEX refunds_payment ON payments.refunds (payment_id);
CREATE INDEX refunds_pending ON payments.refunds (status, created_at);
CREATE INDEX disputes_created ON payments.disputes (created_at, id);
CREATE INDEX idempotency_keys_expiry ON payments.idempotency_keys (expires_at);

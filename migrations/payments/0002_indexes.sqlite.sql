-- One live payment per order (pending or paid): parallel checkouts of an order cannot both charge.
CREATE UNIQUE INDEX payments.payments_live_per_order ON payments (order_id) WHERE status <> 'failed';
CREATE INDEX payments.payments_order ON payments (order_id, created_at);
CREATE UNIQUE INDEX payments.payments_reference ON payments (reference) WHERE reference IS NOT NULL;
-- The sweeper finds interrupted card attempts and unsettled refunds.
CREATE INDEX payments.payments_pending ON payments (status, created_at);
CREATE INDEX payments.refunds_payment ON refunds (payment_id);
CREATE INDEX payments.refunds_pending ON refunds (status, created_at);
CREATE INDEX payments.disputes_created ON disputes (created_at, id);
CREATE INDEX payments.idempotency_keys_expiry ON idempotency_keys (expires_at);

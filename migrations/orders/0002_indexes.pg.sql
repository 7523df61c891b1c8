-- History newest first per user and for admins (by status too); the expiry sweep finds unpaid orders by deadline.
CREATE INDEX orders_user ON orders.orders (user_id, created_at, id);
CREATE INDEX orders_created ON orders.orders (created_at, id);
CREATE INDEX orders_status ON orders.orders (status, created_at, id);
CREATE INDEX orders_pay_by ON orders.orders (status, pay_by);
CREATE INDEX returns_order ON orders.returns (order_id);
CREATE INDEX idempotency_keys_expiry ON orders.idempotency_keys (expires_at);

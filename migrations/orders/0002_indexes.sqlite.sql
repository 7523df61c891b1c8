-- History newest first per user and for admins (by status too); the expiry sweep finds unpaid orders by deadline.
CREATE INDEX orders.orders_user ON orders (user_id, created_at, id);
CREATE INDEX orders.orders_created ON orders (created_at, id);
CREATE INDEX orders.orders_status ON orders (status, created_at, id);
CREATE INDEX orders.orders_pay_by ON orders (status, pay_by);
CREATE INDEX orders.returns_order ON returns (order_id);
CREATE INDEX orders.idempotency_keys_expiry ON idempotency_keys (expires_at);

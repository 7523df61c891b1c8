-- Where each order goes (copied from orders.created, so a shipment needs no call to orders), the
-- shipments of paid orders, and their tracking history.
CREATE TABLE shipping.order_destinations (
    order_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    country TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    shipping_option TEXT,
    items TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE shipping.shipments (
    id TEXT PRIMARY KEY,
    -- One shipment per order, however often the payment's event arrives.
    order_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    carrier TEXT NOT NULL,
    service_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE shipping.tracking_events (
    shipment_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    location TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (shipment_id, seq)
);

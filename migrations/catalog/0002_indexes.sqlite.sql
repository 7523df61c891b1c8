-- A sku is unique among products on sale (a deleted one frees it); listings walk by their sort key
-- and id; one review per user and product; the sweeper looks for held reservations by expiry.
CREATE UNIQUE INDEX catalog.products_sku ON products (sku) WHERE deleted_at IS NULL;
CREATE INDEX catalog.products_created ON products (created_at, id);
CREATE INDEX catalog.products_price ON products (price, id);
CREATE INDEX catalog.products_name ON products (name, id);
CREATE INDEX catalog.products_category ON products (category, created_at, id);
CREATE INDEX catalog.product_tags_tag ON product_tags (tag, product_id);
CREATE UNIQUE INDEX catalog.reviews_one_per_user ON reviews (product_id, user_id);
CREATE INDEX catalog.reviews_product ON reviews (product_id, created_at, id);
CREATE INDEX catalog.stock_adjustments_product ON stock_adjustments (product_id, created_at, id);
CREATE INDEX catalog.reservations_held ON reservations (status, expires_at);
CREATE INDEX catalog.reservation_lines_product ON reservation_lines (product_id);

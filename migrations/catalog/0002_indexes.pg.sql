-- A sku is unique among products on sale (a deleted one frees it); listings walk by their sort key
-- and id; one review per user and product; the sweeper looks for held reservations by expiry.
CREATE UNIQUE INDEX products_sku ON catalog.products (sku) WHERE deleted_at IS NULL;
CREATE INDEX products_created ON catalog.products (created_at, id);
CREATE INDEX products_price ON catalog.products (price, id);
CREATE INDEX products_name ON catalog.products (name, id);
CREATE INDEX products_category ON catalog.products (category, created_at, id);
CREATE INDEX product_tags_tag ON catalog.product_tags (tag, product_id);
CREATE UNIQUE INDEX reviews_one_per_user ON catalog.reviews (product_id, user_id);
CREATE INDEX reviews_product ON catalog.reviews (product_id, created_at, id);
CREATE INDEX stock_adjustments_product ON catalog.stock_adjustments (product_id, created_at, id);
CREATE INDEX reservations_held ON catalog.reservations (status, expires_at);
CREATE INDEX reservation_lines_product ON catalog.reservation_lines (product_id);

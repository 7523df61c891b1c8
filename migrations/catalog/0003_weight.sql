-- A product's shipping weight in grams, for the shipping module's rates; NULL when not given (the
-- shipping module then uses its configured default weight).
ALTER TABLE catalog.products ADD COLUMN weight_grams BIGINT;

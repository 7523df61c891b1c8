# Mercato: `make run` serves on SQLite under ./data (port 8080); `make test` runs every test tier,
# PostgreSQL included. Both install what they need first.
BUILD_DIR ?= build
JOBS ?= 2

.PHONY: deps configure build server run test bench clean fuzz security api

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD_DIR)/build.ninja

# Everything: the server, the test tiers and the bench tools.
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The server alone, all `make run` needs.
server: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target mercato

# A first run loads the demo catalog (seed skips a shop that has products), so there is a shop to browse.
run: server
	$(BUILD_DIR)/mercato seed --demo
	$(BUILD_DIR)/mercato serve

test: build
	scripts/with-postgres.sh ctest --test-dir $(BUILD_DIR) --output-on-failure --timeout 600
	scripts/api-check.sh
	scripts/fuzz.sh 20

# The OpenAPI document's lint and generated-client check (scripts/api-check.sh); needs no build.
api: deps
	scripts/api-check.sh

# Every libFuzzer target under ASan and UBSan (scripts/fuzz.sh), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 300
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

# sqlmap against the search, product listing and sign-in of a seeded shop on SQLite and PostgreSQL.
security: build
	scripts/with-postgres.sh scripts/security-scan.sh $(BUILD_DIR)

bench: build
	bench/http_ceiling.sh $(BUILD_DIR)
	bench/users_auth.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/durable_writes.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/bus_throughput.sh $(BUILD_DIR)
	scripts/with-postgres.sh bench/catalog_reads.sh $(BUILD_DIR)
	scripts/with-postgres.sh bench/search_queries.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/orders_place.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/payments_checkout.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/analytics_ingest.sh $(BUILD_DIR)
	MERCATO_PG_FSYNC=on scripts/with-postgres.sh bench/shop_day.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)

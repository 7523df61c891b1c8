#!/usr/bin/env bash
# catalog_reads.sh: product reads with 10,000 demo products loaded, on SQLite (and on PostgreSQL when
# MERCATO_TEST_PG_URL names a database): a product's detail, the first page of the listing and a
# filtered first page, all answered from the catalog's in-process cache, under wrk at 64 connections
# in the same rounds as the bare Beast server (the ceiling of bench/http_ceiling.sh). Records req/s,
# p50/p99, the ratio to the bare server and whether the targets are met as the
# "## Catalog: product reads with 10,000 products" section of bench/RESULTS.md.
#
# Usage: bench/catalog_reads.sh BUILD_DIR   (BUILD_DIR holds mercato and mercato_bare_server)
set -euo pipefail

readonly ROUNDS=3
readonly PRODUCTS=10000
readonly IO_THREADS=1   # per server, as in http_ceiling.sh: the bare server and each mercato alike
readonly WRK_ARGS=(-t1 -c64 -d8s --latency)
readonly MIN_RATIO_DETAIL=0.60    # product detail: share of the bare server's req/s
readonly MIN_RATIO_LISTING=0.40   # both listings
readonly MAX_P99_MS=10            # every catalog request

readonly bench_name=catalog_reads
readonly section_title="## Catalog: product reads with 10,000 products"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

[[ $# -eq 1 ]] || die "usage: bench/catalog_reads.sh BUILD_DIR"
build_dir=$(cd "$1" && pwd) || die "no such directory: $1"
bare_bin="$build_dir/mercato_bare_server"
mercato_bin="$build_dir/mercato"
[[ -x $bare_bin ]] || die "missing $bare_bin"
[[ -x $mercato_bin ]] || die "missing $mercato_bin"
command -v wrk >/dev/null || die "wrk is not installed"
command -v python3 >/dev/null || die "python3 is not installed (it reads the listings' JSON)"
choose_backends

tmp=$(mktemp -d)
bare_pid=""
pg_db=""   # the database made for this run, dropped at the end
declare -A mercato_pid=()
cleanup() {
    stop_server "bare server" "$bare_pid"
    stop_backends
}
trap cleanup EXIT
trap 'exit 130' INT TERM

isolate_in "$tmp"
bench_config "$tmp/bench.toml"   # shipped defaults, rate limits off

# What is measured: target t is backends_of[t] and routes_of[t] at urls[t]; target 0 is the ceiling.
start_ceiling
routes_of=(/)
declare -A min_ratio=([detail]=$MIN_RATIO_DETAIL [listing]=$MIN_RATIO_LISTING [filtered]=$MIN_RATIO_LISTING)
declare -A seed_s category filtered_items

# listing_facts PORT PATH: "ITEMS ID CATEGORY" for a listing page: how many items it holds, and the
# first product on it with a category and stock (a filtered listing of that category is not empty).
listing_facts() {
    http_get "$1" "$2" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
pick = next((p for p in items if p.get("category") and p.get("stock", 0) > 0), None)
print(len(items), pick["id"] if pick else "-", pick["category"] if pick else "-")'
}

# start_catalog BACKEND DB_URL: loads the demo products into DB_URL, serves them, and adds the
# backend's three targets (the first answers also fill the caches being measured).
start_catalog() {
    local backend=$1 db=$2 port started pid items product_id slug filtered route path
    started=$(date +%s.%N)
    "$mercato_bin" seed --demo --products "$PRODUCTS" --config "$tmp/bench.toml" --db "$db" \
        >"$tmp/seed-$backend.log" 2>&1 || {
        tail -n 20 "$tmp/seed-$backend.log" >&2
        die "could not load $PRODUCTS demo products on $backend"
    }
    seed_s[$backend]=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')

    # Picked only now, so it cannot collide with a server already listening.
    port=$(free_port)
    "$mercato_bin" serve --config "$tmp/bench.toml" --db "$db" --port "$port" --threads "$IO_THREADS" \
        >"$tmp/mercato-$backend.log" 2>&1 &
    pid=$!
    mercato_pid[$backend]=$pid
    wait_ready "mercato ($backend)" "$pid" "$port" /readyz "$tmp/mercato-$backend.log"

    read -r items product_id slug < <(listing_facts "$port" "/v1/products?limit=20") ||
        die "$backend: GET /v1/products?limit=20 did not answer a product page"
    ((items == 20)) || die "$backend: the first page holds $items products, not 20"
    [[ $product_id != - ]] || die "$backend: no product on the first page has a category and stock"
    filtered="/v1/products?category=$slug&in_stock=true&sort=price&limit=20"
    read -r items _ _ < <(listing_facts "$port" "$filtered") || die "$backend: GET $filtered did not answer a product page"
    ((items > 0)) || die "$backend: GET $filtered is empty"
    category[$backend]=$slug
    filtered_items[$backend]=$items

    for route in detail listing filtered; do
        case $route in
            detail) path="/v1/products/$product_id" ;;
            listing) path="/v1/products?limit=20" ;;
            filtered) path=$filtered ;;
        esac
        [[ $(http_status "$port" "$path") == "HTTP/1.1 200"* ]] || die "$backend: GET $path does not answer 200"
        add_target "$backend" "$route" "http://127.0.0.1:$port$path"
        routes_of+=("$route")
    done
}

on_each_backend start_catalog mercato_catalog_bench

declare -A rps p50 p99 bad

interleaved_wrk_rounds

declare -A med_rps med_p50 med_p99 ratio
wrk_medians

# The targets, judged on the medians: ratio_ok[t] and p99_ok[t] are met/missed.
declare -A ratio_ok p99_ok
missed=0
checked=0
for ((t = 1; t < ${#targets[@]}; t++)); do
    ratio_ok[$t]=$(verdict "${ratio[$t]}" ">=" "${min_ratio[${routes_of[t]}]}")
    p99_ok[$t]=$(verdict "${med_p99[$t]}" "<" "$MAX_P99_MS")
    for v in "${ratio_ok[$t]}" "${p99_ok[$t]}"; do
        checked=$((checked + 1))
        [[ $v == met ]] || missed=$((missed + 1))
    done
done

if ((missed == 0)); then
    summary="all $checked met"
else
    summary="$missed of $checked missed"
fi

peaks=""
for backend in "${backends[@]}"; do
    peaks+="${peaks:+, }$backend $(rss_mb "${mercato_pid[$backend]}" VmHWM) MB"
done

pct() { awk -v r="$1" 'BEGIN {printf "%.0f%%", r * 100}'; }

section="$tmp/section.md"
{
    section_head "$section_title"
    seed_lines "$PRODUCTS"
    echo "- Servers: the bare Beast server and one \`mercato serve --threads $IO_THREADS\` per backend (shipped"
    echo "  configuration but rate limits off), $IO_THREADS I/O thread each, all running side by side"
    echo "- Requests: detail \`GET /v1/products/{id}\` (a product of the first page); listing"
    echo "  \`GET /v1/products?limit=20\`; filtered \`GET /v1/products?category={slug}&in_stock=true&sort=price&limit=20\`"
    for backend in "${backends[@]}"; do
        echo "  ($backend: category \`${category[$backend]}\`, ${filtered_items[$backend]} products on the page)"
    done
    echo "  The catalog caches product details and first listing pages in-process; the caches are warm."
    echo "- Command: \`wrk ${WRK_ARGS[*]} <url>\`, $ROUNDS rounds with all targets interleaved; medians shown;"
    echo "  ratio: req/s over the bare server's in the same rounds"
    echo
    echo "| backend | request | req/s (median) | p50 ms | p99 ms | ratio to bare | ratio target | p99 < $MAX_P99_MS ms |"
    echo "|---|---|---:|---:|---:|---:|---|---|"
    printf '| bare server | / | %.0f | %.3f | %.3f | 1.00 | | |\n' "${med_rps[0]}" "${med_p50[0]}" "${med_p99[0]}"
    for ((t = 1; t < ${#targets[@]}; t++)); do
        printf '| %s | %s | %.0f | %.3f | %.3f | %.2f | >= %.2f: %s | %s |\n' "${backends_of[t]}" "${routes_of[t]}" \
            "${med_rps[$t]}" "${med_p50[$t]}" "${med_p99[$t]}" "${ratio[$t]}" \
            "${min_ratio[${routes_of[t]}]}" "${ratio_ok[$t]}" "${p99_ok[$t]}"
    done
    wrk_warnings
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs): $peaks"
    echo
    echo "Targets at 64 connections: product detail >= $(pct "$MIN_RATIO_DETAIL") of the bare server's req/s, both"
    echo "listings >= $(pct "$MIN_RATIO_LISTING"), p99 < $MAX_P99_MS ms on every catalog request: $summary."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2

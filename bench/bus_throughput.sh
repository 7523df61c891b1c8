#!/usr/bin/env bash
# bus_throughput.sh: event bus publish-to-handler throughput and latency, publishing transaction
# included, on SQLite (and on PostgreSQL when MERCATO_TEST_PG_URL names a database); each round on
# a fresh database. Records the "## Event bus" section of bench/RESULTS.md.
#
# Usage: bench/bus_throughput.sh BUILD_DIR
set -euo pipefail

readonly ROUNDS=3

[[ $# -eq 1 ]] || { echo "usage: bench/bus_throughput.sh BUILD_DIR" >&2; exit 1; }
build_dir=$(cd "$1" && pwd)
tool="$build_dir/mercato_bus_bench"
[[ -x $tool ]] || { echo "missing $tool" >&2; exit 1; }
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

round_db=0
fresh_db() { # BACKEND: prints a URL to an empty database
    round_db=$((round_db + 1))
    if [[ $1 == sqlite ]]; then
        echo "sqlite:$tmp/db$round_db"
    else
        local name="mercato_bus_bench_$round_db"
        psql -q "$MERCATO_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
        echo "${MERCATO_TEST_PG_URL%/*}/$name"
    fi
}

# One scenario on one backend: median events/s end to end, publishes/s, p50 and p99 ms.
measure() { # BACKEND LABEL ARGS...
    local backend=$1 label=$2 round line
    shift 2
    local rates=() published=() p50s=() p99s=()
    for ((round = 1; round <= ROUNDS; round++)); do
        line=$("$tool" --db "$(fresh_db "$backend")" "$@" 2>/dev/null | tail -1)
        rates+=("$(field "$line" events_per_s)")
        published+=("$(field "$line" published_per_s)")
        p50s+=("$(field "$line" p50_ms)")
        p99s+=("$(field "$line" p99_ms)")
        echo "round $round  $backend  $label  $line" >&2
    done
    printf '| %s | %s | %.0f | %.0f | %.2f | %.2f |\n' "$backend" "$label" "$(median "${rates[@]}")" \
        "$(median "${published[@]}")" "$(median "${p50s[@]}")" "$(median "${p99s[@]}")"
}

backends=(sqlite)
[[ -n ${MERCATO_TEST_PG_URL:-} ]] && backends+=(postgresql)

section="$tmp/section.md"
{
    echo "## Event bus"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Tool: \`mercato_bus_bench\` (bench/bus_throughput.cpp). Publishers run write transactions on one module"
    echo "  that insert a row and publish B events of 500 bytes; one durable consumer group in another module handles"
    echo "  them in its own transactions (its offset commits with them). The clock starts before the publishing"
    echo "  transaction and stops in the handler. SQLite WAL with synchronous=FULL; PostgreSQL 15 with"
    echo "  synchronous_commit on, fsync ${MERCATO_PG_FSYNC:-as configured}. $ROUNDS rounds on fresh databases, medians shown."
    echo "- handler writes: the handler also inserts a row per event in the consumer's transaction."
    echo "- events/s is end to end (first publish to last handled); published/s is the publishers' own rate;"
    echo "  in the throughput rows the latencies include the backlog, in the paced row they do not."
    echo
    echo "| backend | scenario | events/s | published/s | p50 ms | p99 ms |"
    echo "|---|---|---:|---:|---:|---:|"
    for backend in "${backends[@]}"; do
        measure "$backend" "1 publisher, 1 event/tx, handler writes" --publishers 1 --events 5000 --per-tx 1
        measure "$backend" "4 publishers, 1 event/tx, handler writes" --publishers 4 --events 10000 --per-tx 1
        measure "$backend" "batched: 2 publishers, 100 events/tx" --publishers 2 --events 50000 --per-tx 100 --handler-writes 0
        measure "$backend" "batched: 4 publishers, 100 events/tx, handler writes" --publishers 4 --events 50000 --per-tx 100
        measure "$backend" "paced 1,000 events/s for 10 s, 1 event/tx, handler writes" --rate 1000 --seconds 10
    done
} >"$section"

write_section "## Event bus" "$section" "$bench_dir/RESULTS.md"
cat "$section"

#!/usr/bin/env bash
# durable_writes.sh: durable write transactions per second through the database layer, on SQLite
# with group commit on and off (and on PostgreSQL when MERCATO_TEST_PG_URL names a database),
# at 1, 4 and 16 writer threads; records the "## Durable writes" section of bench/RESULTS.md.
#
# Usage: bench/durable_writes.sh BUILD_DIR
set -euo pipefail

readonly ROUNDS=3
readonly WRITES=2000   # per round, split over the threads
readonly THREADS=(1 4 16)

[[ $# -eq 1 ]] || { echo "usage: bench/durable_writes.sh BUILD_DIR" >&2; exit 1; }
build_dir=$(cd "$1" && pwd)
tool="$build_dir/mercato_durable_writes"
[[ -x $tool ]] || { echo "missing $tool" >&2; exit 1; }
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One configuration at one thread count: median writes/s, commits per round, p50 and p99 ms.
measure() { # LABEL THREADS ARGS...
    local label=$1 threads=$2 round line
    shift 2
    local rates=() p50s=() p99s=() commits=()
    for ((round = 1; round <= ROUNDS; round++)); do
        local db_args=("$@")
        [[ ${db_args[1]} == sqlite:* ]] && db_args[1]="sqlite:$tmp/$label-$threads-$round"
        line=$("$tool" "${db_args[@]}" --threads "$threads" --writes-per-thread $((WRITES / threads)) 2>/dev/null | tail -1)
        rates+=("$(field "$line" writes_per_s)")
        p50s+=("$(field "$line" p50_ms)")
        p99s+=("$(field "$line" p99_ms)")
        commits+=("$(field "$line" commits)")
        echo "round $round  $label  threads=$threads  $line" >&2
    done
    printf '| %s | %s | %.0f | %s | %.2f | %.2f |\n' "$label" "$threads" "$(median "${rates[@]}")" \
        "$(median "${commits[@]}")" "$(median "${p50s[@]}")" "$(median "${p99s[@]}")"
}

section="$tmp/section.md"
{
    echo "## Durable writes"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Each write: one transaction inserting a row with a 500-byte payload, acknowledged only after its commit"
    echo "  (SQLite WAL with synchronous=FULL; PostgreSQL 15 with synchronous_commit on, fsync ${MERCATO_PG_FSYNC:-as configured}); $WRITES writes per round,"
    echo "  $ROUNDS rounds, medians shown; commits counts the COMMITs one round needed"
    echo
    echo "| configuration | writer threads | writes/s | commits | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|"
    for threads in "${THREADS[@]}"; do
        measure "SQLite, group commit" "$threads" --db sqlite:placeholder
        measure "SQLite, one commit per write" "$threads" --db sqlite:placeholder --no-group-commit
        if [[ -n ${MERCATO_TEST_PG_URL:-} ]]; then
            measure "PostgreSQL" "$threads" --db "$MERCATO_TEST_PG_URL"
        fi
    done
} >"$section"

write_section "## Durable writes" "$section" "$bench_dir/RESULTS.md"
cat "$section"

#!/usr/bin/env bash
# http_ceiling.sh: measures how close mercato's cheapest routes come to a bare
# Boost.Beast server (the ceiling on this machine) and records the result as
# the "## HTTP ceiling" section of bench/RESULTS.md.
#
# Usage: bench/http_ceiling.sh BUILD_DIR   (BUILD_DIR holds mercato and mercato_bare_server)
set -euo pipefail

readonly ROUNDS=3
readonly WRK_ARGS=(-t1 -c32 -d8s --latency)
readonly MIN_RATIO=0.80   # plain routes must reach this share of bare throughput
readonly MAX_IDLE_RSS_MB=30

readonly bench_name=http_ceiling
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

[[ $# -eq 1 ]] || die "usage: bench/http_ceiling.sh BUILD_DIR"
build_dir=$(cd "$1" && pwd) || die "no such directory: $1"
bare_bin="$build_dir/mercato_bare_server"
mercato_bin="$build_dir/mercato"
[[ -x $bare_bin ]] || die "missing $bare_bin"
[[ -x $mercato_bin ]] || die "missing $mercato_bin"
command -v wrk >/dev/null || die "wrk is not installed"
results_file="$bench_dir/RESULTS.md"

tmp=$(mktemp -d)
bare_pid=""
mercato_pid=""

cleanup() {
    stop_server "bare server" "$bare_pid"
    stop_server "mercato" "$mercato_pid"
    cd /
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Defaults only: no config file, no MERCATO_* environment.
isolate_in "$tmp"

bare_port=$(free_port)
"$bare_bin" --port "$bare_port" --threads 1 >"$tmp/bare.log" 2>&1 &
bare_pid=$!
wait_ready "bare server" "$bare_pid" "$bare_port" / "$tmp/bare.log"

# Picked only now, so it cannot collide with the bare server's port.
mercato_port=$(free_port)
mkdir "$tmp/data"
"$mercato_bin" serve --db "sqlite:$tmp/data" --port "$mercato_port" --threads 1 >"$tmp/mercato.log" 2>&1 &
mercato_pid=$!
# /readyz answers 200 only once the database is usable, so it covers /healthz too.
wait_ready "mercato" "$mercato_pid" "$mercato_port" /readyz "$tmp/mercato.log"

sleep 1   # let start-up work settle before sampling idle memory
bare_idle=$(rss_mb "$bare_pid" VmRSS)
mercato_idle=$(rss_mb "$mercato_pid" VmRSS)

targets=("bare /" "mercato /healthz" "mercato /readyz")
urls=("http://127.0.0.1:$bare_port/"
    "http://127.0.0.1:$mercato_port/healthz"
    "http://127.0.0.1:$mercato_port/readyz")
declare -A rps p50 p99 bad

interleaved_wrk_rounds

bare_peak=$(rss_mb "$bare_pid" VmHWM)
mercato_peak=$(rss_mb "$mercato_pid" VmHWM)

declare -A med_rps med_p50 med_p99 ratio
wrk_medians

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
healthz_pct=$(awk -v r="${ratio[1]}" 'BEGIN {printf "%.0f%%", r * 100}')

section="$tmp/section.md"
{
    echo "## HTTP ceiling"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Build: ${build_type:-unknown} ($build_dir)"
    echo "- Servers: bare Beast server and \`mercato serve --threads 1\` (default logging, fresh SQLite data dir), 1 I/O thread each"
    echo "- Command: \`wrk ${WRK_ARGS[*]} <url>\`, $ROUNDS rounds with the targets interleaved; medians shown"
    echo
    echo "| target | req/s (median) | p50 ms | p99 ms | ratio to bare |"
    echo "|---|---:|---:|---:|---:|"
    for ((t = 0; t < ${#targets[@]}; t++)); do
        printf '| %s | %.0f | %.3f | %.3f | %.2f |\n' "${targets[t]}" \
            "${med_rps[$t]}" "${med_p50[$t]}" "${med_p99[$t]}" "${ratio[$t]}"
    done
    wrk_warnings
    echo
    echo "- Idle RSS: bare $bare_idle MB, mercato $mercato_idle MB"
    echo "- Peak RSS (VmHWM after the runs): bare $bare_peak MB, mercato $mercato_peak MB"
    echo
    echo "Targets:"
    echo
    echo "- Plain routes (/healthz) >= $(awk -v m="$MIN_RATIO" 'BEGIN {printf "%.0f", m * 100}')% of bare throughput:" \
        "$(verdict "${ratio[1]}" ">=" "$MIN_RATIO") ($healthz_pct)"
    echo "- mercato idle RSS < $MAX_IDLE_RSS_MB MB: $(verdict "$mercato_idle" "<" "$MAX_IDLE_RSS_MB") ($mercato_idle MB)"
} >"$section"

write_section "## HTTP ceiling" "$section" "$results_file"

cat "$section"
echo "(written to $results_file)" >&2

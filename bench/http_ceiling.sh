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

die() {
    echo "http_ceiling: $*" >&2
    exit 1
}

[[ $# -eq 1 ]] || die "usage: bench/http_ceiling.sh BUILD_DIR"
build_dir=$(cd "$1" && pwd) || die "no such directory: $1"
bare_bin="$build_dir/mercato_bare_server"
mercato_bin="$build_dir/mercato"
[[ -x $bare_bin ]] || die "missing $bare_bin"
[[ -x $mercato_bin ]] || die "missing $mercato_bin"
command -v wrk >/dev/null || die "wrk is not installed"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
results_file="$bench_dir/RESULTS.md"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"

tmp=$(mktemp -d)
bare_pid=""
mercato_pid=""

# A zombie still passes `kill -0`, so look at the process state instead.
is_running() {
    local state
    state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

stop_server() {
    local name=$1 pid=$2 i status=0
    [[ -n $pid ]] || return 0
    if ! is_running "$pid"; then
        wait "$pid" 2>/dev/null || true   # already gone (and reported) during start-up
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        is_running "$pid" || break
        sleep 0.1
    done
    if is_running "$pid"; then
        echo "http_ceiling: $name ignored SIGTERM for 15s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || status=$?
    # A non-zero status on SIGTERM means shutdown is not clean; worth knowing.
    if ((status != 0)); then
        echo "http_ceiling: $name exited with status $status on SIGTERM" >&2
    fi
}

cleanup() {
    stop_server "bare server" "$bare_pid"
    stop_server "mercato" "$mercato_pid"
    cd /
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints a free 127.0.0.1 port. python3 asks the kernel for one; without it,
# random ports are tried until one refuses connections.
free_port() {
    if command -v python3 >/dev/null &&
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null; then
        return 0
    fi
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# Prints the status line of GET PATH on PORT (empty when nothing answers);
# bash's /dev/tcp stands in for curl, which may not be installed.
http_status() {
    # shellcheck disable=SC2016  # $1/$2 belong to the inner bash, not this one
    timeout 2 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
        IFS= read -r line <&3 && printf "%s\n" "$line"' _ "$1" "$2" 2>/dev/null || true
}

wait_ready() {
    local name=$1 pid=$2 port=$3 path=$4 log=$5 i
    for ((i = 0; i < 150; i++)); do
        if ! is_running "$pid"; then
            tail -n 20 "$log" >&2 || true
            die "$name exited during start-up"
        fi
        [[ $(http_status "$port" "$path") == "HTTP/1.1 200"* ]] && return 0
        sleep 0.1
    done
    tail -n 20 "$log" >&2 || true
    die "$name did not answer 200 on $path within 15s"
}

rss_mb() { # PID FIELD (VmRSS or VmHWM)
    awk -v field="$2:" '$1 == field {printf "%.1f", $2 / 1024; found = 1} END {exit !found}' "/proc/$1/status"
}


# Run from the temp dir with MERCATO_* cleared so neither config/mercato.toml
# nor the caller's environment changes what is measured: defaults only.
cd "$tmp"
for var in $(compgen -e); do
    if [[ $var == MERCATO_* ]]; then
        unset "$var"
    fi
done

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

# Every round runs every target, starting at a different one each time, so
# drift (thermal, background load) is spread evenly instead of hitting one target.
for ((round = 0; round < ROUNDS; round++)); do
    for ((k = 0; k < ${#targets[@]}; k++)); do
        t=$(((round + k) % ${#targets[@]}))
        out="$tmp/wrk-$t-$round.txt"
        wrk "${WRK_ARGS[@]}" "${urls[t]}" >"$out"
        read -r r l50 l99 errors < <(awk '
            function ms(v) {
                if (v ~ /us$/) return v * 0.001
                if (v ~ /ms$/) return v + 0
                if (v ~ /m$/) return v * 60000
                if (v ~ /h$/) return v * 3600000
                return v * 1000   # seconds
            }
            /^Requests\/sec:/ {r = $2}
            /Latency Distribution/ {dist = 1}
            dist && $1 == "50%" {l50 = ms($2)}
            dist && $1 == "99%" {l99 = ms($2)}
            /Non-2xx or 3xx responses:/ {errors += $NF}
            /Socket errors:/ {for (i = 3; i <= NF; i += 2) errors += $(i + 1)}
            END {
                if (r == "" || l50 == "" || l99 == "") exit 1
                print r, l50, l99, errors + 0
            }' "$out") || die "could not parse wrk output for ${targets[t]}: $out"
        rps[$t,$round]=$r
        p50[$t,$round]=$l50
        p99[$t,$round]=$l99
        bad[$t]=$((${bad[$t]:-0} + errors))
        printf 'round %d/%d  %-18s %10s req/s  p50 %.3f ms  p99 %.3f ms\n' \
            $((round + 1)) "$ROUNDS" "${targets[t]}" "$r" "$l50" "$l99" >&2
    done
done

bare_peak=$(rss_mb "$bare_pid" VmHWM)
mercato_peak=$(rss_mb "$mercato_pid" VmHWM)

declare -A med_rps med_p50 med_p99 ratio
for ((t = 0; t < ${#targets[@]}; t++)); do
    vals_rps=() vals_p50=() vals_p99=()
    for ((round = 0; round < ROUNDS; round++)); do
        vals_rps+=("${rps[$t,$round]}")
        vals_p50+=("${p50[$t,$round]}")
        vals_p99+=("${p99[$t,$round]}")
    done
    med_rps[$t]=$(median "${vals_rps[@]}")
    med_p50[$t]=$(median "${vals_p50[@]}")
    med_p99[$t]=$(median "${vals_p99[@]}")
    ratio[$t]=$(awk -v a="${med_rps[$t]}" -v b="${med_rps[0]}" 'BEGIN {printf "%.4f", a / b}')
done

verdict() { # VALUE OP LIMIT -> met/missed
    awk -v v="$1" -v lim="$3" -v op="$2" 'BEGIN {
        ok = (op == ">=") ? (v >= lim) : (v < lim)
        print ok ? "met" : "missed"
    }'
}

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
    for ((t = 0; t < ${#targets[@]}; t++)); do
        if ((${bad[$t]:-0} > 0)); then
            echo
            echo "Warning: ${targets[t]} had ${bad[$t]} non-2xx responses or socket errors over $ROUNDS rounds; its figures are suspect."
        fi
    done
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

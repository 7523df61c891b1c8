#!/usr/bin/env bash
# users_auth.sh: what signing in costs (Argon2id at the shipped cost: logins/s at 2 client threads)
# and what checking an access token costs (GET /v1/users/profile with a bearer token against
# /readyz, an unauthenticated route of the same shape: a worker hop and one database read).
# Records the "## Users: sign-in and authenticated reads" section of bench/RESULTS.md.
#
# Usage: bench/users_auth.sh BUILD_DIR
set -euo pipefail

readonly ROUNDS=3
readonly MIN_RATIO=0.70   # authenticated profile reads must reach this share of /readyz

readonly bench_name=users_auth
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

[[ $# -eq 1 ]] || die "usage: bench/users_auth.sh BUILD_DIR"
build_dir=$(cd "$1" && pwd) || die "no such directory: $1"
mercato_bin="$build_dir/mercato"
[[ -x $mercato_bin ]] || die "missing $mercato_bin"
command -v wrk >/dev/null || die "wrk is not installed"

tmp=$(mktemp -d)
mercato_pid=""
cleanup() {
    stop_server "mercato" "$mercato_pid"
    cd /
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

isolate_in "$tmp"
bench_config "$tmp/bench.toml"   # shipped defaults, rate limits off

port=$(free_port)
mkdir "$tmp/data"
"$mercato_bin" serve --config "$tmp/bench.toml" --db "sqlite:$tmp/data" --port "$port" >"$tmp/mercato.log" 2>&1 &
mercato_pid=$!
wait_ready "mercato" "$mercato_pid" "$port" /readyz "$tmp/mercato.log"

readonly credentials='{"email":"bench@example.com","password":"correct horse battery staple"}'
http_post "$port" /v1/users/register '{"email":"bench@example.com","password":"correct horse battery staple","name":"Bench"}' |
    grep -q '"role":"customer"' || die "could not register the bench user"
token=$(http_post "$port" /v1/users/login "$credentials" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n $token ]] || die "could not sign in"

cat >"$tmp/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '$credentials'
wrk.headers["Content-Type"] = "application/json"
LUA

# One wrk run: "req/s p50 p99 errors".
measure() { # NAME WRK_ARGS...
    local name=$1 out="$tmp/wrk-$1-$RANDOM.txt"
    shift
    wrk --latency "$@" >"$out"
    wrk_summary "$out" || die "could not parse wrk output for $name: $out"
}

declare -A rps p50 p99 bad
targets=(login profile readyz)
for ((round = 0; round < ROUNDS; round++)); do
    for name in "${targets[@]}"; do
        case $name in
            login) line=$(measure login -t2 -c2 -d8s -s "$tmp/login.lua" "http://127.0.0.1:$port/v1/users/login") ;;
            profile) line=$(measure profile -t1 -c32 -d8s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/users/profile") ;;
            readyz) line=$(measure readyz -t1 -c32 -d8s "http://127.0.0.1:$port/readyz") ;;
        esac
        read -r r l50 l99 errors <<<"$line"
        rps[$name,$round]=$r
        p50[$name,$round]=$l50
        p99[$name,$round]=$l99
        bad[$name]=$((${bad[$name]:-0} + errors))
        printf 'round %d/%d  %-8s %10s req/s  p50 %.3f ms  p99 %.3f ms\n' $((round + 1)) "$ROUNDS" "$name" "$r" "$l50" "$l99" >&2
    done
done

declare -A med_rps med_p50 med_p99
for name in "${targets[@]}"; do
    med_rps[$name]=$(round_median rps "$name")
    med_p50[$name]=$(round_median p50 "$name")
    med_p99[$name]=$(round_median p99 "$name")
done
ratio=$(awk -v a="${med_rps[profile]}" -v b="${med_rps[readyz]}" 'BEGIN {printf "%.2f", a / b}')
verdict=$(awk -v r="$ratio" -v m="$MIN_RATIO" 'BEGIN {print (r >= m) ? "met" : "missed"}')

section="$tmp/section.md"
{
    echo "## Users: sign-in and authenticated reads"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Server: \`mercato serve\` with the shipped configuration (Argon2id 19 MiB, 2 passes; Ed25519 tokens)"
    echo "  but rate limits off, fresh SQLite data dir, one I/O thread per core; $ROUNDS rounds, medians shown"
    echo "- login: \`wrk -t2 -c2 -d8s\` POST /v1/users/login with the right password (2 client threads);"
    echo "  profile: \`wrk -t1 -c32 -d8s\` GET /v1/users/profile with a bearer token; readyz: the same without one"
    echo
    echo "| target | req/s (median) | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|"
    for name in "${targets[@]}"; do
        printf '| %s | %.0f | %.3f | %.3f |\n' "$name" "${med_rps[$name]}" "${med_p50[$name]}" "${med_p99[$name]}"
    done
    for name in "${targets[@]}"; do
        if ((${bad[$name]:-0} > 0)); then
            echo
            echo "Warning: $name had ${bad[$name]} non-2xx responses or socket errors over $ROUNDS rounds; its figures are suspect."
        fi
    done
    echo
    echo "Target: authenticated profile reads >= $(awk -v m="$MIN_RATIO" 'BEGIN {printf "%.0f", m * 100}')% of an" \
        "unauthenticated route's throughput (/readyz): $verdict ($ratio)"
} >"$section"

write_section "## Users: sign-in and authenticated reads" "$section" "$bench_dir/RESULTS.md"
cat "$section"

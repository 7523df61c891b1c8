#!/usr/bin/env bash
# security-scan.sh: `make security`. Runs sqlmap against a seeded Mercato on SQLite, and on PostgreSQL
# too when MERCATO_TEST_PG_URL names a cluster (as under scripts/with-postgres.sh): GET /v1/search and
# GET /v1/products with every query parameter they read, and POST /v1/users/login with its JSON body,
# each run bounded in time and told which database it faces. Fails when sqlmap reports a parameter as
# injectable (or, by its heuristics, as possibly injectable), when a run does not finish, or when the
# server answered sqlmap with a 5xx (it broke on hostile input) or a 429 (something stopped the probes,
# so the run proved nothing). Prints what was tested, with the answers the server gave.
#
# Usage: scripts/security-scan.sh BUILD_DIR
set -euo pipefail

# sqlmap's most thorough tests (every boundary and payload, headers too, OR-based payloads included on
# this throwaway shop): half a minute to two minutes per endpoint on the 2-core development machine,
# PostgreSQL taking longer (sqlmap has more payloads for it); the whole scan about 9 minutes.
readonly LEVEL=5
readonly RISK=3
readonly RUN_LIMIT_S=600    # one sqlmap run; a run not done by then fails the scan
readonly PRODUCTS=200
# Sign-ins are throttled per account and per client address after 10 failures in 15 minutes
# (login_throttle.hpp). The probes that inject into the password take turns over this many accounts
# (about 870 probes on SQLite, 1,500 on PostgreSQL: at most 6 failures each), every other request signs
# in as the first, and each probe comes from a random address (X-Forwarded-For, trusted by the
# configuration below).
readonly PROBE_ACCOUNTS=300
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@security.example
readonly INDEX_WAIT_S=60    # how long the search index may take to hold the seeded products

readonly bench_name=security-scan
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../bench" && pwd)"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

open_build_dir scripts/security-scan.sh "$@"
command -v sqlmap >/dev/null || die "sqlmap is not installed (scripts/install-deps.sh installs it)"
choose_backends

tmp=$(mktemp -d)
report=$(mktemp -d /tmp/mercato-security-XXXXXX)   # sqlmap's output of every run, kept when the scan fails
keep_report=""
declare -A mercato_pid=() port_of admin_token seed_s
trap 'stop_backends; [[ -n $keep_report ]] || rm -rf "$report"' EXIT
trap 'exit 130' INT TERM

isolate_in "$tmp"
bench_config "$tmp/bench.toml"   # shipped defaults, rate limits off: sqlmap sends thousands of requests
config_set "$tmp/bench.toml" server trusted_proxies '["127.0.0.1"]'

summary=()    # a line per run
failures=()   # a line per reason to fail

# status_counts PORT METHOD ROUTE: "STATUS COUNT" lines of mercato_http_requests_total for the route.
status_counts() {
    http_get "$1" /metrics | awk -v want="route=\"$3\",method=\"$2\"," '
        index($0, "mercato_http_requests_total{" want) == 1 {
            match($0, /status="[0-9]+"/)
            print substr($0, RSTART + 8, RLENGTH - 9), $NF
        }'
}

# scan BACKEND NAME METHOD ROUTE DBMS SQLMAP_ARGS...: one bounded sqlmap run (its console output in
# $report/BACKEND-NAME.txt, its files under $report/BACKEND-NAME/) against the BACKEND's server; adds
# its line to summary and whatever is wrong with it to failures.
scan() {
    local backend=$1 name=$2 method=$3 route=$4 dbms=$5 port=${port_of[$1]}
    shift 5
    local out="$report/$backend-$name" label="$backend $method $route" before after started rc=0 seconds
    local params answers found
    # --skip-waf: nothing stands in front of the server, so sqlmap's probe for a firewall is wasted.
    local sqlmap=(sqlmap --batch --disable-coloring --level "$LEVEL" --risk "$RISK" --dbms "$dbms" --timeout 10
        --retries 1 --skip-waf --output-dir "$out" "$@")
    echo "$bench_name: $label, at most $RUN_LIMIT_S s: ${sqlmap[*]@Q}" >&2
    before=$(status_counts "$port" "$method" "$route")
    started=$(date +%s.%N)
    TERM=dumb timeout "$RUN_LIMIT_S" "${sqlmap[@]}" </dev/null >"$out.txt" 2>&1 || rc=$?
    seconds=$(elapsed_s "$started")
    after=$(status_counts "$port" "$method" "$route")

    params=$(sed -n "s/.*testing for SQL injection on .*parameter '\(JSON \)\{0,1\}\([^']*\)'.*/\2/p" "$out.txt" | paste -sd ' ')
    # The answers the run got, "STATUS×COUNT", from the server's own counters before and after it.
    answers=$(awk '
        NR == FNR {seen[$1] = $2; next}
        $2 - seen[$1] > 0 {printf "%s%s×%d", sep, $1, $2 - seen[$1]; sep = " "}' \
        <(echo "$before") <(echo "$after"))
    summary+=("$(printf '%-10s %-22s %6.1f s  parameters: %s\n%35s answers: %s' \
        "$backend" "$method $route" "$seconds" "${params:-none}" "" "${answers:-none}")")

    # Only confirmed findings and positive heuristics: "appears to be ... injectable" comes before
    # sqlmap's own false-positive check, which decides.
    found=$(grep -E "identified the following injection point|parameter '[^']*' is '.*' injectable|might be injectable" "$out.txt" || true)
    # The results file has a row for every candidate, those the false-positive check rejected included.
    if [[ -n $found ]] || [[ -s $out/127.0.0.1/log ]] ||
        awk 'FNR > 1 && NF && !/false positive/ {found = 1} END {exit !found}' "$out"/results-*.csv 2>/dev/null; then
        failures+=("$label: sqlmap reports an injection:"$'\n'"${found:-(see $out/127.0.0.1/log)}")
    elif ((rc == 124)); then
        failures+=("$label: sqlmap did not finish within $RUN_LIMIT_S s")
    elif ((rc != 0)); then
        failures+=("$label: sqlmap exited with status $rc")
    elif ! grep -q "all tested parameters do not appear to be injectable" "$out.txt"; then
        failures+=("$label: sqlmap did not complete its tests: $(grep -E '\[(CRITICAL|ERROR)\]' "$out.txt" | tail -n 1)")
    fi
    if [[ $answers =~ (^| )(5[0-9][0-9]|429)× ]]; then
        failures+=("$label: the server answered $answers")
    fi
}

# scan_backend BACKEND DB_URL: seeds the shop, serves it, and runs sqlmap against its three endpoints.
scan_backend() {
    local backend=$1 db=$2 dbms port i search_word category tag cursor mark key id total=""
    case $backend in
        sqlite) dbms=SQLite ;;
        postgresql) dbms=PostgreSQL ;;
    esac
    seed_demo "$backend" "$db" "$PRODUCTS"
    serve_with_admin "$backend" "$db"
    port=${port_of[$backend]}

    # The category and tag most products in stock share, and a word of one of their names: filters
    # under which every listing and search has results, so sqlmap can tell a true condition from a false.
    IFS=$'\t' read -r category tag search_word < <(http_get "$port" "/v1/products?limit=100&in_stock=true" | python3 -c '
import collections, json, sys
items = json.load(sys.stdin)["items"]
pairs = collections.Counter((p["category"], t) for p in items if p.get("category") for t in p["tags"])
(category, tag), _ = pairs.most_common(1)[0]
name = next(p["name"] for p in items if p.get("category") == category and tag in p["tags"])
print(category, tag, max((w for w in name.lower().split() if w.isalpha()), key=len), sep="\t")') ||
        die "$backend: no category and tag shared by products in the first page of the listing"
    local filters="category=$category&tag=$tag&min_price=1&max_price=100000000&in_stock=true"

    # A cursor past the first product of the filtered listing, split into the sort mark, key and id it
    # encodes (hex of "MARK KEY \n ID", src/kernel/page_cursor.cpp).
    cursor=$(http_get "$port" "/v1/products?$filters&limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["next_cursor"] or "")')
    [[ -n $cursor ]] || die "$backend: the filtered listing ($filters) has a single page"
    IFS=$'\t' read -r mark key id < <(python3 -c '
import sys
plain = bytes.fromhex(sys.argv[1]).decode()
key, _, id = plain[1:].rpartition("\n")
print(plain[0], key, id, sep="\t")' "$cursor")

    for ((i = 0; i < INDEX_WAIT_S * 10; i++)); do
        total=$(http_get "$port" "/v1/search?q=$search_word&$filters" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null) || total=""
        [[ $total =~ ^[1-9] ]] && break
        sleep 0.1
    done
    [[ $total =~ ^[1-9] ]] || die "$backend: GET /v1/search?q=$search_word&$filters found nothing within $INDEX_WAIT_S s"

    for ((i = 1; i <= PROBE_ACCOUNTS; i++)); do
        http_post "$port" /v1/users/register \
            "{\"email\":\"probe$i@security.example\",\"password\":\"$PASSWORD\",\"name\":\"Probe $i\"}" |
            grep -q '"role":"customer"' || die "$backend: could not register probe$i@security.example"
    done
    [[ -n $(sign_in "$port" probe1@security.example "$PASSWORD") ]] || die "$backend: probe1 cannot sign in"

    local base="http://127.0.0.1:$port"
    scan "$backend" search GET /v1/search "$dbms" \
        -u "$base/v1/search?q=$search_word&$filters&sort=relevance&limit=5&offset=1"
    # The cursor is hex, so a payload in it would only ever be refused as malformed: sqlmap injects
    # into the key and id it encodes instead (cursor_key, cursor_id, which the server ignores), and
    # --eval encodes them into the cursor of every request.
    scan "$backend" products GET /v1/products "$dbms" \
        -u "$base/v1/products?$filters&sort=-created_at&limit=5&cursor=$cursor&cursor_key=$key&cursor_id=$id" \
        --eval "cursor=('$mark'+cursor_key+chr(10)+cursor_id).encode().hex()" --skip cursor
    # The body's fields only: the headers go through the same code on every route, and the runs above
    # inject into them already. The xforwardedfor tamper script sends every probe from a random client
    # address. When the password holds a payload, --eval signs in as the next of probe2..probeN instead
    # of probe1; sqlmap runs it afresh for every request, so the turn is counted on a module, which
    # lives on. 401 is the answer to most payloads.
    scan "$backend" login POST /v1/users/login "$dbms" \
        -u "$base/v1/users/login" --data "{\"email\":\"probe1@security.example\",\"password\":\"$PASSWORD\"}" \
        -p email,password --tamper xforwardedfor --ignore-code 401 \
        --eval "import sys; turn = sys.__dict__.setdefault('mercato_probe_turn', [0]); turn[0] += 1; email = 'probe%d@security.example' % (2 + turn[0] % ($PROBE_ACCOUNTS - 1)) if password != '$PASSWORD' else email"
}

on_each_backend scan_backend mercato_security
pg_line=""
if [[ -n $pg_url ]]; then
    pg_line=" and PostgreSQL ${pg_version:-}"
fi

echo
echo "sqlmap $(sqlmap --version 2>/dev/null | head -n 1) at --level $LEVEL --risk $RISK against $("$mercato_bin" version) on SQLite$pg_line:"
printf '%s\n' "${summary[@]}"
if ((${#failures[@]} > 0)); then
    echo
    printf 'FAILED: %s\n' "${failures[@]}"
    keep_report=1
    echo "sqlmap's output of every run: $report"
    exit 1
fi
echo "No parameter injectable; no 5xx or 429 answers."

# Shared by the bench scripts that run servers (sourced after setting bench_name and bench_dir):
# start-up and shutdown by pid, free ports, a curl-less HTTP client, the bench configuration, memory
# readings and wrk's report.

die() {
    echo "$bench_name: $*" >&2
    exit 1
}

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
        echo "$bench_name: $name ignored SIGTERM for 15s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || status=$?
    # A non-zero status on SIGTERM means shutdown is not clean; worth knowing.
    if ((status != 0)); then
        echo "$bench_name: $name exited with status $status on SIGTERM" >&2
    fi
}

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


# wrk_summary FILE: "req/s p50_ms p99_ms errors" from a `wrk --latency` report; fails when it has none.
wrk_summary() {
    awk '
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
        }' "$1"
}

# http_request_as TOKEN METHOD PORT PATH [JSON]: the body of the answer (curl-less, like http_status);
# with JSON, sent as an application/json body; with a TOKEN (not ""), sent as a bearer token.
http_request_as() {
    # shellcheck disable=SC2016  # $1..$5 belong to the inner bash, not this one
    timeout 10 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$3" || exit 1
        {
            printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" "$2" "$4"
            if [[ -n $1 ]]; then
                printf "Authorization: Bearer %s\r\n" "$1"
            fi
            if (($# > 4)); then
                printf "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" "${#5}" "$5"
            else
                printf "\r\n"
            fi
        } >&3
        sed "1,/^\r$/d" <&3' _ "$@"
}

http_request() { http_request_as "" "$@"; }   # METHOD PORT PATH [JSON]
http_get() { http_request GET "$@"; }          # PORT PATH
http_post() { http_request POST "$@"; }        # PORT PATH JSON
http_get_as() { http_request_as "$1" GET "${@:2}"; }    # TOKEN PORT PATH
http_post_as() { http_request_as "$1" POST "${@:2}"; }  # TOKEN PORT PATH JSON

# sign_in PORT EMAIL PASSWORD: the access token of POST /v1/users/login (empty when refused).
sign_in() {
    http_post "$1" /v1/users/login "{\"email\":\"$2\",\"password\":\"$3\"}" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

# config_set FILE SECTION KEY VALUE: KEY of [SECTION] in the TOML FILE (a line of its own there, as
# in the shipped file) becomes VALUE; the same key of other sections stays. Fails when it is not there.
config_set() {
    awk -v section="[$2]" -v key="$3" -v value="$4" '
        /^\[/ {in_section = ($0 == section)}
        in_section && $1 == key && $2 == "=" {
            comment = match($0, /[ \t]+#/) ? substr($0, RSTART) : ""
            $0 = key " = " value comment
            found = 1
        }
        {print}
        END {exit !found}' "$1" >"$1.new" || {
        rm -f "$1.new"
        die "no $3 in [$2] of $1"
    }
    mv "$1.new" "$1"
}

# bench_config FILE: the shipped configuration but for the per-client rate limits, which would stop a
# load generator at once.
bench_config() {
    cp "$bench_dir/../config/mercato.toml" "$1"
    config_set "$1" rate_limit enabled false
}

# Runs the rest of the script from DIR with MERCATO_* cleared, so neither a config/mercato.toml in the
# caller's folder nor the caller's environment changes what is measured.
isolate_in() {
    cd "$1"
    local var
    for var in $(compgen -e); do
        if [[ $var == MERCATO_* ]]; then
            unset "$var"
        fi
    done
}

# stop_backends: the end of a run that served one Mercato per backend: stops every server in the
# caller's mercato_pid map (BACKEND -> pid), drops every PostgreSQL database make_pg_database made
# for the run (pg_url names the cluster), and removes the run's folder $tmp.
stop_backends() {
    local backend db
    for backend in "${!mercato_pid[@]}"; do
        stop_server "mercato ($backend)" "${mercato_pid[$backend]}"
    done
    for db in ${pg_made[@]+"${pg_made[@]}"}; do
        psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    cd /
    rm -rf "$tmp"
}

# interleaved_wrk_rounds: runs wrk (WRK_ARGS) on every urls[t], labelled targets[t], ROUNDS times;
# a target the caller gives a header of its own in headers[t] (a bearer token) sends it too, and one
# given a Lua script in scripts[t] runs it (wrk -s).
# Every round starts at a different target, so drift (thermal, background load) is spread evenly
# instead of hitting one target; servers not under load idle. Fills the caller's associative arrays
# rps[t,round], p50[t,round], p99[t,round] and bad[t] (socket errors and non-2xx answers); wrk's
# report of each run stays in $tmp/wrk-T-ROUND.txt.
interleaved_wrk_rounds() {
    local round k t out r l50 l99 errors
    local -a header
    for ((round = 0; round < ROUNDS; round++)); do
        for ((k = 0; k < ${#targets[@]}; k++)); do
            t=$(((round + k) % ${#targets[@]}))
            out="$tmp/wrk-$t-$round.txt"
            header=()
            if [[ -n ${headers[t]:-} ]]; then
                header=(-H "${headers[t]}")
            fi
            if [[ -n ${scripts[t]:-} ]]; then
                header+=(-s "${scripts[t]}")
            fi
            wrk "${WRK_ARGS[@]}" "${header[@]}" "${urls[t]}" >"$out"
            read -r r l50 l99 errors < <(wrk_summary "$out") || die "could not parse wrk output for ${targets[t]}: $out"
            rps[$t,$round]=$r
            p50[$t,$round]=$l50
            p99[$t,$round]=$l99
            bad[$t]=$((${bad[$t]:-0} + errors))
            printf 'round %d/%d  %-20s %10s req/s  p50 %.3f ms  p99 %.3f ms\n' \
                $((round + 1)) "$ROUNDS" "${targets[t]}" "$r" "$l50" "$l99" >&2
        done
    done
}

# round_median ARRAY KEY: the median over the ROUNDS rounds of ARRAY[KEY,round], one target's req/s,
# p50 or p99 as the rounds recorded them.
round_median() {
    local -n by_round=$1
    local round picked=()
    for ((round = 0; round < ROUNDS; round++)); do picked+=("${by_round[$2,$round]}"); done
    median "${picked[@]}"
}

# wrk_medians: after interleaved_wrk_rounds, every target's medians over the rounds in the caller's
# associative arrays med_rps[t], med_p50[t] and med_p99[t], and in ratio[t] its median req/s over
# target 0's (the ceiling).
wrk_medians() {
    local t
    for ((t = 0; t < ${#targets[@]}; t++)); do
        med_rps[$t]=$(round_median rps "$t")
        med_p50[$t]=$(round_median p50 "$t")
        med_p99[$t]=$(round_median p99 "$t")
        # Set by name, as in serve_with_admin: users_auth.sh keeps a plain ratio, which shellcheck would
        # take for an array there too.
        declare -g "ratio[$t]=$(awk -v a="${med_rps[$t]}" -v b="${med_rps[0]}" 'BEGIN {printf "%.4f", a / b}')"
    done
}

# wrk_warnings: for a RESULTS.md section, a warning for every target of interleaved_wrk_rounds that
# had non-2xx answers or socket errors (bad[t]).
wrk_warnings() {
    local t
    for ((t = 0; t < ${#targets[@]}; t++)); do
        if ((${bad[$t]:-0} > 0)); then
            echo
            echo "Warning: ${targets[t]} had ${bad[$t]} non-2xx responses or socket errors over $ROUNDS rounds; its figures are suspect."
        fi
    done
}

# open_backend_run: after choose_backends, the start of a run that serves one Mercato per backend: its
# folder tmp (the run moves into it, isolate_in) with the bench configuration $tmp/bench.toml
# (bench_config: shipped defaults, rate limits off), and the caller's mercato_pid map, all ended by
# stop_backends at exit.
open_backend_run() {
    tmp=$(mktemp -d)
    pg_db=""   # the database made for this run, dropped at the end
    declare -gA mercato_pid=()
    trap stop_backends EXIT
    trap 'exit 130' INT TERM
    isolate_in "$tmp"
    bench_config "$tmp/bench.toml"
}

# interleaved_backend_rounds FUNCTION: runs FUNCTION BACKEND ROUND for each of ROUNDS rounds on every
# backend, each round starting at a different one, so drift (thermal, background load) is spread
# evenly. The server not under load idles.
interleaved_backend_rounds() {
    local round k
    for ((round = 0; round < ROUNDS; round++)); do
        for ((k = 0; k < ${#backends[@]}; k++)); do
            "$1" "${backends[(round + k) % ${#backends[@]}]}" "$round"
        done
    done
}

# choose_backends: sets backends to sqlite, plus postgresql when MERCATO_TEST_PG_URL names a
# cluster (kept in pg_url). Call before isolate_in, which clears MERCATO_*.
choose_backends() {
    pg_url=${MERCATO_TEST_PG_URL:-}
    backends=(sqlite)
    if [[ -n $pg_url ]]; then
        command -v psql >/dev/null || die "psql is not installed (it makes the PostgreSQL bench database)"
        backends+=(postgresql)
    fi
}

# start_ceiling: starts the bare Beast server (the caller's bare_bin, IO_THREADS I/O threads, its log
# $tmp/bare.log) on a free port, sets bare_pid, and makes its / target 0 of interleaved_wrk_rounds:
# targets, backends_of and urls start with it (add_target adds the others).
start_ceiling() {
    local port
    port=$(free_port)
    "$bare_bin" --port "$port" --threads "$IO_THREADS" >"$tmp/bare.log" 2>&1 &
    bare_pid=$!
    wait_ready "bare server" "$bare_pid" "$port" / "$tmp/bare.log"
    targets=("bare /")
    backends_of=(bare)
    urls=("http://127.0.0.1:$port/")
}

# add_target BACKEND WHAT URL: one more target after start_ceiling's, labelled "BACKEND WHAT".
add_target() {
    targets+=("$1 $2")
    backends_of+=("$1")
    urls+=("$3")
}

# on_each_backend FUNCTION PG_DATABASE: runs FUNCTION BACKEND DB_URL for SQLite in a fresh data dir
# ($tmp/data) and, when choose_backends found a PostgreSQL, for it in a fresh database PG_DATABASE.
on_each_backend() {
    mkdir "$tmp/data"
    "$1" sqlite "sqlite:$tmp/data"
    if [[ -n $pg_url ]]; then
        make_pg_database "$2"
        "$1" postgresql "${pg_url%/*}/$pg_db"
    fi
}

# make_pg_database NAME: a fresh database NAME beside pg_url (at "${pg_url%/*}/$pg_db"), dropped by
# stop_backends (a run may make several); sets pg_db and pg_version (the server's).
make_pg_database() {
    pg_db=$1
    pg_made+=("$1")   # before it exists: an interrupted CREATE leaves nothing behind either
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
    pg_version=$(psql -Atq "$pg_url" -c "SHOW server_version" | awk '{print $1}')
}

# elapsed_s STARTED: the seconds since STARTED (`date +%s.%N`), to a tenth.
elapsed_s() {
    awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}'
}

# db_sql BACKEND SQL: runs SQL (one statement) on the backend's database itself and prints what it
# selects, a row a line, columns |-separated: psql on PostgreSQL; on SQLite the sqlite3 shell (python3's
# sqlite3 module without it) with the module files the caller names in sqlite_modules attached under
# their module's names, as Mercato does, so the same SQL runs on both. The caller's db_url map
# (BACKEND -> the --db URL served) tells them apart.
db_sql() {
    local dir module attach=()
    if [[ ${db_url[$1]} != sqlite:* ]]; then
        psql -Atq "${db_url[$1]}" -c "$2"
        return
    fi
    dir=${db_url[$1]#sqlite:}
    if command -v sqlite3 >/dev/null; then
        for module in "${sqlite_modules[@]}"; do
            attach+=(-cmd "ATTACH DATABASE '$dir/$module.db' AS $module")
        done
        sqlite3 -cmd ".timeout 10000" "${attach[@]}" :memory: "$2"
    else
        python3 - "$dir" "$2" "${sqlite_modules[@]}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(":memory:", timeout=10, isolation_level=None)
for module in sys.argv[3:]:
    db.execute("ATTACH DATABASE ? AS " + module, (f"{sys.argv[1]}/{module}.db",))
for row in db.execute(sys.argv[2]):
    print("|".join("" if value is None else str(value) for value in row))
PY
    fi
}

# db_count BACKEND SQL: the number SQL selects, asked of the run's database directly (db_sql).
db_count() {
    local n
    n=$(db_sql "$1" "$2") || true
    [[ $n =~ ^[0-9]+$ ]] || die "$1: could not count: $2"
    echo "$n"
}

# sqlite_client: what db_sql runs SQL with on SQLite, for the record.
sqlite_client() {
    if command -v sqlite3 >/dev/null; then
        echo "the sqlite3 shell"
    else
        echo "python3's sqlite3 module"
    fi
}

# The shop the orders and payments benches buy from, one Mercato per backend. Their callers set
# mercato_bin, tmp (the run's folder, holding bench.toml), ADMIN_EMAIL, PASSWORD, CUSTOMERS and TOPUP,
# and declare the associative arrays (BACKEND -> value) mercato_pid, port_of, admin_token, seed_s
# and topup_s.

# product_stocks PORT: "ID STOCK" for every product, read through the listing 100 at a time.
product_stocks() {
    local query="" next line
    while :; do
        next=""
        while read -r line; do
            case $line in
                "next "*) next=${line#next } ;;
                *) echo "$line" ;;
            esac
        done < <(http_get "$1" "/v1/products?limit=100$query" | python3 -c '
import json, sys
page = json.load(sys.stdin)
for p in page["items"]:
    print(p["id"], p["stock"])
print("next", page["next_cursor"] or "-")' 2>/dev/null)
        [[ -n $next ]] || die "GET /v1/products?limit=100$query did not answer a product page"
        [[ $next != - ]] || return 0
        query="&cursor=$next"
    done
}

# adjust_stock BACKEND ID DELTA: prints the stock after the adjustment.
adjust_stock() {
    local after
    after=$(http_post_as "${admin_token[$1]}" "${port_of[$1]}" "/v1/products/$2/stock-adjustments" \
        "{\"delta\":$3,\"reason\":\"bench: stock for the runs\"}" | sed -n 's/.*"stock_after":\(-\{0,1\}[0-9]*\).*/\1/p')
    [[ -n $after ]] || die "$1: could not adjust the stock of $2 by $3"
    echo "$after"
}

# drain_bus BACKEND: waits until every event-bus group has handled every event (lag 0, nothing
# waiting for a retry), so a run's follow-up work overlaps neither the check after it nor the next run.
drain_bus() {
    local i pending=""
    for ((i = 0; i < 600; i++)); do
        pending=$(http_get_as "${admin_token[$1]}" "${port_of[$1]}" /v1/admin/bus | python3 -c '
import json, sys
print(sum(g["lag"] + g["retrying"] for g in json.load(sys.stdin)["groups"]))' 2>/dev/null) || pending=""
        [[ $pending != 0 ]] || return 0
        sleep 0.1
    done
    die "$1: the event bus still had ${pending:-unknown} events to handle after 60 s"
}

# dead_letters BACKEND: how many events the bus gave up on.
dead_letters() {
    http_get_as "${admin_token[$1]}" "${port_of[$1]}" /v1/admin/bus | python3 -c '
import json, sys
print(sum(len(g["dead_letters"]) for g in json.load(sys.stdin)["groups"]))'
}

# lua_data FILE TOKEN_COUNT TOKEN... ID...: a data file for a wrk script: {tokens = {...}, ids = {...}}.
lua_data() {
    local file=$1 n=$2
    shift 2
    {
        echo "return {"
        printf '    tokens = {'
        printf '"%s", ' "${@:1:n}"
        echo '},'
        printf '    ids = {'
        printf '"%s", ' "${@:n+1}"
        echo '},'
        echo "}"
    } >"$file"
}

# serve_with_admin BACKEND DB_URL [CONFIG]: creates the admin (ADMIN_EMAIL, PASSWORD) in DB_URL, which
# applies its migrations first, serves DB_URL with CONFIG ($tmp/bench.toml when not given; its log
# $tmp/mercato-BACKEND.log) and signs the admin in. The caller sets mercato_bin, tmp, ADMIN_EMAIL and
# PASSWORD, and declares the associative arrays mercato_pid, port_of and admin_token (BACKEND -> value).
serve_with_admin() {
    local backend=$1 db=$2 config=${3:-$tmp/bench.toml} port
    "$mercato_bin" users create-admin --email "$ADMIN_EMAIL" --password "$PASSWORD" --config "$config" \
        --db "$db" >"$tmp/admin-$backend.log" 2>&1 || {
        tail -n 20 "$tmp/admin-$backend.log" >&2
        die "could not create the admin on $backend"
    }

    # Picked only now, so it cannot collide with a server already listening.
    port=$(free_port)
    "$mercato_bin" serve --config "$config" --db "$db" --port "$port" >"$tmp/mercato-$backend.log" 2>&1 &
    # An element of the caller's map, set by name: the scripts serving one Mercato keep mercato_pid a
    # plain variable, and shellcheck would take it for an array there too.
    declare -g "mercato_pid[$backend]=$!"
    port_of[$backend]=$port
    wait_ready "mercato ($backend)" "${mercato_pid[$backend]}" "$port" /readyz "$tmp/mercato-$backend.log"

    # The tokens live 15 minutes, longer than the whole bench.
    admin_token[$backend]=$(sign_in "$port" "$ADMIN_EMAIL" "$PASSWORD")
    [[ -n ${admin_token[$backend]} ]] || die "$backend: could not sign in as $ADMIN_EMAIL"
}

# seed_demo BACKEND DB_URL PRODUCTS: loads PRODUCTS demo products into DB_URL with $tmp/bench.toml (its
# log $tmp/seed-BACKEND.log) and records the seconds that took in the caller's seed_s[BACKEND].
seed_demo() {
    local started
    started=$(date +%s.%N)
    "$mercato_bin" seed --demo --products "$3" --config "$tmp/bench.toml" --db "$2" >"$tmp/seed-$1.log" 2>&1 || {
        tail -n 20 "$tmp/seed-$1.log" >&2
        die "could not load $3 demo products on $1"
    }
    seed_s[$1]=$(elapsed_s "$started")
}

# seed_lines PRODUCTS: the Data lines of a RESULTS.md section for seed_demo's PRODUCTS demo products on
# each backend.
seed_lines() {
    echo "- Data: \`mercato seed --demo --products $1\` into a fresh SQLite data dir (${seed_s[sqlite]} s)"
    if [[ -n ${seed_s[postgresql]:-} ]]; then
        echo "  and a fresh PostgreSQL ${pg_version:-} database (${seed_s[postgresql]} s)"
    fi
}

# start_shop BACKEND DB_URL PRODUCTS: loads PRODUCTS demo products into DB_URL, serves them with an
# admin (serve_with_admin), signs in CUSTOMERS customers, and gives every product TOPUP more units.
# Writes the products with their stock before that ($tmp/products-BACKEND.txt, "ID STOCK" a line) and
# the customers' tokens ($tmp/tokens-BACKEND.txt, one a line), then waits for the event bus to handle
# what all that published.
start_shop() {
    local backend=$1 db=$2 products=$3 port started i email id ids=()
    seed_demo "$backend" "$db" "$products"
    serve_with_admin "$backend" "$db"
    port=${port_of[$backend]}
    for ((i = 1; i <= CUSTOMERS; i++)); do
        email="buyer$i@bench.example"
        http_post "$port" /v1/users/register "{\"email\":\"$email\",\"password\":\"$PASSWORD\",\"name\":\"Buyer $i\"}" |
            grep -q '"role":"customer"' || die "$backend: could not register $email"
    done
    sign_in_customers "$backend"

    product_stocks "$port" >"$tmp/products-$backend.txt"
    mapfile -t ids < <(awk '{print $1}' "$tmp/products-$backend.txt")
    ((${#ids[@]} == products)) || die "$backend: the listing holds ${#ids[@]} products, not $products"
    started=$(date +%s.%N)
    for id in "${ids[@]}"; do
        adjust_stock "$backend" "$id" "$TOPUP" >/dev/null
    done
    topup_s[$backend]=$(elapsed_s "$started")
    drain_bus "$backend"
}

# sign_in_customers BACKEND: signs in start_shop's CUSTOMERS customers and writes their tokens to
# $tmp/tokens-BACKEND.txt, one a line; again before a run that could outlast the tokens' 15 minutes.
sign_in_customers() {
    local i email token
    : >"$tmp/tokens-$1.txt"
    for ((i = 1; i <= CUSTOMERS; i++)); do
        email="buyer$i@bench.example"
        token=$(sign_in "${port_of[$1]}" "$email" "$PASSWORD")
        [[ -n $token ]] || die "$1: could not sign in as $email"
        echo "$token" >>"$tmp/tokens-$1.txt"
    done
}

# wrk_lua_common: the start of the orders and payments benches' wrk scripts. wrk threads have separate
# Lua states: each counts its own answers, and done() adds them up through the thread objects kept
# by setup() (each thread's own number is its global id). CLOCK_MONOTONIC (through LuaJIT's ffi)
# times the sending, one clock for every thread. A script's init() sets sending_seconds and starts
# first_sent and last_answer at -1; its response() sets last_answer to now().
wrk_lua_common() {
    cat <<'LUA'
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local function now() -- seconds on CLOCK_MONOTONIC
    ffi.C.clock_gettime(1, timespec)
    return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local IDLE_MS = 3600000 -- what delay() answers once a connection is done sending: idle until wrk stops

local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

-- From delay(), before every request of a connection, its first included: whether the thread's
-- sending window (sending_seconds from its first request) is still open.
local function sending()
    local t = now()
    if first_sent < 0 then
        first_sent = t
    end
    return t - first_sent < sending_seconds
end

-- POST /v1/orders buying one unit of a product with a customer's token, a German shipping address.
local function order_request(product, token)
    return wrk.format("POST", "/v1/orders",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
        '{"items":[{"product_id":"' .. product .. '","quantity":1}],"shipping_address":{"name":"Bench Buyer",'
        .. '"line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"}}')
end

-- In done(): a thread global added up over the threads.
local function total(name)
    local n = 0
    for _, thread in ipairs(threads) do
        n = n + thread:get(name)
    end
    return n
end

-- In done(): the seconds from the first request sent to the last answer, over every thread.
local function span()
    local first, last = math.huge, 0
    for _, thread in ipairs(threads) do
        if thread:get("first_sent") >= 0 then
            first = math.min(first, thread:get("first_sent"))
        end
        last = math.max(last, thread:get("last_answer"))
    end
    return math.max(last - first, 0)
end

-- In done(): "socket_errors=N timeouts=N" from wrk's summary.
local function socket_failures(summary)
    local e = summary.errors
    return string.format("socket_errors=%d timeouts=%d", e.connect + e.read + e.write, e.timeout)
end
LUA
}

# open_build_dir SCRIPT ARGS...: takes the one argument of a script that serves a Mercato (SCRIPT, as
# its usage names it): the build directory; checks python3, which reads the answers' JSON, and sets
# build_dir and mercato_bin.
open_build_dir() {
    local script=$1
    shift
    [[ $# -eq 1 ]] || die "usage: $script BUILD_DIR"
    build_dir=$(cd "$1" && pwd) || die "no such directory: $1"
    mercato_bin="$build_dir/mercato"
    [[ -x $mercato_bin ]] || die "missing $mercato_bin"
    command -v python3 >/dev/null || die "python3 is not installed (it reads the answers' JSON)"
}

# open_bench SCRIPT ARGS...: open_build_dir for a wrk bench (bench/SCRIPT), which needs wrk too.
open_bench() {
    open_build_dir "bench/$1" "${@:2}"
    command -v wrk >/dev/null || die "wrk is not installed"
}

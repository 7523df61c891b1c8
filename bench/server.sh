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

# bench_config FILE: the shipped configuration but for the per-client rate limits, which would stop a
# load generator at once.
bench_config() {
    cp "$bench_dir/../config/mercato.toml" "$1"
    sed -i '/^\[rate_limit\]/,/^\[/ s/^enabled = true/enabled = false/' "$1"   # no other section's switch
    awk '/^\[/ {in_rl = ($0 == "[rate_limit]")} in_rl && /^enabled = false/ {found = 1} END {exit !found}' "$1" ||
        die "could not turn rate limits off in the bench config"
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
# caller's mercato_pid map (BACKEND -> pid), drops the PostgreSQL database pg_db made for the run
# (when set; pg_url names the cluster), and removes the run's folder $tmp.
stop_backends() {
    local backend
    for backend in "${!mercato_pid[@]}"; do
        stop_server "mercato ($backend)" "${mercato_pid[$backend]}"
    done
    if [[ -n ${pg_db:-} ]]; then
        psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    cd /
    rm -rf "$tmp"
}

# interleaved_wrk_rounds: runs wrk (WRK_ARGS) on every urls[t], labelled targets[t], ROUNDS times.
# Every round starts at a different target, so drift (thermal, background load) is spread evenly
# instead of hitting one target; servers not under load idle. Fills the caller's associative arrays
# rps[t,round], p50[t,round], p99[t,round] and bad[t] (socket errors and non-2xx answers).
interleaved_wrk_rounds() {
    local round k t out r l50 l99 errors
    for ((round = 0; round < ROUNDS; round++)); do
        for ((k = 0; k < ${#targets[@]}; k++)); do
            t=$(((round + k) % ${#targets[@]}))
            out="$tmp/wrk-$t-$round.txt"
            wrk "${WRK_ARGS[@]}" "${urls[t]}" >"$out"
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

# make_pg_database NAME: a fresh database NAME beside pg_url (at "${pg_url%/*}/$pg_db"), dropped by
# stop_backends; sets pg_db and pg_version (the server's).
make_pg_database() {
    pg_db=$1
    psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
    pg_version=$(psql -Atq "$pg_url" -c "SHOW server_version" | awk '{print $1}')
}

#!/usr/bin/env bash
# analytics_ingest.sh: the analytics issue's benchmark, on SQLite (and on PostgreSQL when
# MERCATO_TEST_PG_URL names a database). First, client events accepted per second through
# POST /v1/analytics/event (anonymous, no token) with 64 concurrent clients under wrk, counting the
# 202 answers: once at the shipped configuration and once with [server] workers = 64, as a handler
# waits for the commit of the batch holding its event, so the worker pool bounds how many events one
# commit carries. Then, once the shipped-configuration servers' raw events table holds at least
# 1,000,000 rows (the rest inserted directly: psql; sqlite3 on the module file) and the daily sales
# rollups hold a year, the latency of GET /v1/analytics/report?type=sales over that year, one request
# at a time. Records events/s, p50/p99, the report's p50/p99 and whether the targets are met as the
# "## Analytics: ingestion and reports" section of bench/RESULTS.md.
#
# Usage: bench/analytics_ingest.sh BUILD_DIR   (BUILD_DIR holds mercato; `make bench` runs it beside a
#        PostgreSQL with fsync on, MERCATO_PG_FSYNC=on, as ingestion is durable writes)
set -euo pipefail

readonly ROUNDS=3
readonly RUN_SECONDS=10
readonly INGEST_WRK_ARGS=(-t2 -c64 -d"${RUN_SECONDS}s" --latency)
readonly REPORT_WRK_ARGS=(-t1 -c1 -d"${RUN_SECONDS}s" --latency)   # one report at a time
readonly WIDE_WORKERS=64          # [server] workers of the second server per backend
readonly SESSIONS=1000            # session ids each wrk thread cycles through
# The event every request sends, <session> replaced by THREAD-K.
readonly EVENT_TEMPLATE='{"type":"product_view","session_id":"s-<session>","product_id":"prd_x","properties":{"page":"/p/x"}}'
readonly STORED_EVENTS=1000000    # raw events stored before the report runs, at least
readonly EVENT_DAYS=365           # the stored events are spread over the days before today
readonly FILL_CHUNK=100000        # rows per INSERT filling the raw events table (one transaction each)
readonly REPORT_DAYS=366          # the report's range, both ends included: a year back from today
readonly MIN_EVENTS_PG=10000      # target: events/s on PostgreSQL
readonly MAX_REPORT_P99_MS=50     # target: the sales report's p99
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@bench.example

readonly bench_name=analytics_ingest
readonly section_title="## Analytics: ingestion and reports"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

open_bench analytics_ingest.sh "$@"
choose_backends

open_backend_run
shipped_workers=$(awk '/^\[/ {s = $0} s == "[server]" && $1 == "workers" {print $3}' "$tmp/bench.toml")
[[ $shipped_workers =~ ^[0-9]+$ ]] || die "the shipped configuration sets no [server] workers"
cp "$tmp/bench.toml" "$tmp/bench-wide.toml"
config_set "$tmp/bench-wide.toml" server workers "$WIDE_WORKERS"

# The wrk script sending the events (after bench/server.sh's common start). Each thread prepares
# SESSIONS requests, each with a session id of its own, and sends them in turn. done() writes the 202
# answers, the others (with their statuses) and wrk's run time.
{
    wrk_lua_common
    printf '\nlocal EVENT = [[%s]]\nlocal SESSIONS = %d\n' "$EVENT_TEMPLATE" "$SESSIONS"
    cat <<'LUA'

function init(args)
    accepted, statuses, turn = 0, {}, 0
    prepared = {}
    for k = 1, SESSIONS do
        local body = EVENT:gsub("<session>", id .. "-" .. k)
        prepared[k] = wrk.format("POST", "/v1/analytics/event", {["Content-Type"] = "application/json"}, body)
    end
end

function request()
    turn = turn % SESSIONS + 1
    return prepared[turn]
end

function response(status, headers, body)
    if status == 202 then
        accepted = accepted + 1
    else
        statuses[status] = (statuses[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local other, counts, listed = 0, {}, {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("statuses")) do
            counts[status] = (counts[status] or 0) + n
            other = other + n
        end
    end
    for status, n in pairs(counts) do
        listed[#listed + 1] = status .. ":" .. n
    end
    table.sort(listed)
    io.write(string.format("events: accepted=%d other=%d %s seconds=%.3f statuses=%s\n", total("accepted"), other,
        socket_failures(summary), summary.duration / 1e6, #listed > 0 and table.concat(listed, ",") or "-"))
end
LUA
} >"$tmp/event.lua"

declare -A port_of admin_token db_url backend_of config_of target_index
sqlite_modules=(analytics)   # the file db_sql attaches on SQLite
# The ingestion targets (interleaved_wrk_rounds): target t is server keys[t] at urls[t].
targets=() keys=() urls=()

# serve_analytics BACKEND KEY CONFIG LABEL: a fresh database of BACKEND served with CONFIG and an
# admin, named KEY; one ingestion target, labelled LABEL.
serve_analytics() {
    local backend=$1 key=$2 db
    if [[ $backend == sqlite ]]; then
        mkdir "$tmp/data-$key"
        db="sqlite:$tmp/data-$key"
    else
        make_pg_database "mercato_analytics_bench_${key//-/_}"
        db="${pg_url%/*}/$pg_db"
    fi
    db_url[$key]=$db
    backend_of[$key]=$backend
    config_of[$key]=$4
    serve_with_admin "$key" "$db" "$3"
    drain_bus "$key"   # the admin's registration, followed by analytics among others
    target_index[$key]=${#targets[@]}
    targets+=("$backend, $4")
    keys+=("$key")
    urls+=("http://127.0.0.1:${port_of[$key]}/v1/analytics/event")
}

for backend in "${backends[@]}"; do
    serve_analytics "$backend" "$backend" "$tmp/bench.toml" "shipped, workers = $shipped_workers"
    serve_analytics "$backend" "$backend-wide" "$tmp/bench-wide.toml" "workers = $WIDE_WORKERS"
done
if [[ -n $pg_url ]]; then
    pg_fsync=$(psql -Atq "$pg_url" -c "SHOW fsync")
    pg_sync_commit=$(psql -Atq "$pg_url" -c "SHOW synchronous_commit")
fi

# Ingestion: every server, rounds interleaved.
declare -A rps p50 p99 bad
declare -a headers=()
WRK_ARGS=("${INGEST_WRK_ARGS[@]}" -s "$tmp/event.lua")
interleaved_wrk_rounds

# Per run (key T,ROUND): events/s, latency, the answers; per target (T): medians and every other answer.
declare -A ev_rate ev_p50 ev_p99 ev_accepted ev_failed ev_statuses med_rate med_p50 med_p99 failed_total
for ((t = 0; t < ${#targets[@]}; t++)); do
    vals_rate=() vals_p50=() vals_p99=()
    failed_total[$t]=0
    for ((round = 0; round < ROUNDS; round++)); do
        key="$t,$round"
        out="$tmp/wrk-$t-$round.txt"
        line=$(grep -E '^events: accepted=[0-9]+ other=[0-9]+ socket_errors=[0-9]+ timeouts=[0-9]+ seconds=[0-9.]+ statuses=[-0-9:,]+$' "$out") ||
            die "the wrk script's report is missing for ${targets[t]}, round $((round + 1)): $out"
        ev_accepted[$key]=$(field "$line" accepted)
        # Anything but 202: other answers, socket errors, answers slower than wrk's timeout.
        ev_failed[$key]=$(($(field "$line" other) + $(field "$line" socket_errors) + $(field "$line" timeouts)))
        ev_statuses[$key]=$(field "$line" statuses)
        ev_rate[$key]=$(awk -v n="${ev_accepted[$key]}" -v s="$(field "$line" seconds)" 'BEGIN {printf "%.1f", (s > 0) ? n / s : 0}')
        ev_p50[$key]=${p50[$key]}
        ev_p99[$key]=${p99[$key]}
        failed_total[$t]=$((failed_total[$t] + ev_failed[$key]))
        vals_rate+=("${ev_rate[$key]}")
        vals_p50+=("${ev_p50[$key]}")
        vals_p99+=("${ev_p99[$key]}")
    done
    med_rate[$t]=$(median "${vals_rate[@]}")
    med_p50[$t]=$(median "${vals_p50[@]}")
    med_p99[$t]=$(median "${vals_p99[@]}")
done

# The report's year: today (UTC, as Mercato's days) and REPORT_DAYS - 1 days before.
today=$(date -u +%F)
from=$(date -u -d "$today - $((REPORT_DAYS - 1)) days" +%F)
report_path="/v1/analytics/report?type=sales&from=$from&to=$today"

# series BACKEND FIRST LAST: a subquery of the integers FIRST..LAST as column g, in the backend's SQL.
series() {
    if [[ ${db_url[$1]} == sqlite:* ]]; then
        echo "(WITH RECURSIVE n(g) AS (SELECT $2 UNION ALL SELECT g + 1 FROM n WHERE g < $3) SELECT g FROM n)"
    else
        echo "(SELECT generate_series($2, $3) AS g)"
    fi
}

# days_back BACKEND SQL: the day SQL (an integer expression) days before today, as YYYY-MM-DD.
days_back() {
    if [[ ${db_url[$1]} == sqlite:* ]]; then
        echo "date('$today', '-' || ($2) || ' days')"
    else
        echo "to_char(DATE '$today' - ($2), 'YYYY-MM-DD')"
    fi
}

# Per backend (its shipped-configuration server): the raw events the ingestion left, inserted, stored,
# and still stored after the report runs; the seconds the filling took; the orders in the rollups.
declare -A ingested inserted stored kept fill_s sales_orders

# fill_year BACKEND: tops the raw events table up to STORED_EVENTS rows (product_view events spread
# over the EVENT_DAYS days before today, FILL_CHUNK a transaction) and gives the daily sales rollups
# one EUR row for every day of the report's range; then checks the report answers that year.
fill_year() {
    local backend=$1 first last started answer
    ingested[$backend]=$(db_count "$backend" "SELECT count(*) FROM analytics.events")
    inserted[$backend]=$((STORED_EVENTS > ingested[$backend] ? STORED_EVENTS - ingested[$backend] : 0))
    started=$(date +%s.%N)
    for ((first = 1; first <= inserted[$backend]; first += FILL_CHUNK)); do
        last=$((first + FILL_CHUNK - 1 < inserted[$backend] ? first + FILL_CHUNK - 1 : inserted[$backend]))
        db_sql "$backend" "INSERT INTO analytics.events (id, type, source, user_id, session_id, product_id, properties, day, occurred_at)
            SELECT 'aev_bench_' || g, 'product_view', 'client', NULL, 's-' || g, 'prd_x', '{}', day, day || 'T12:00:00.000Z'
            FROM (SELECT g, $(days_back "$backend" "g % $EVENT_DAYS") AS day FROM $(series "$backend" "$first" "$last") AS s) AS e" >/dev/null ||
            die "$backend: could not insert raw events $first..$last"
    done
    db_sql "$backend" "INSERT INTO analytics.daily_sales (day, currency, orders, revenue, refunds)
        SELECT $(days_back "$backend" g), 'EUR', 20 + g % 40, (20 + g % 40) * 4250, CASE WHEN g % 30 = 0 THEN 4250 ELSE 0 END
        FROM $(series "$backend" 0 $((REPORT_DAYS - 1))) AS s" >/dev/null || die "$backend: could not fill analytics.daily_sales"
    fill_s[$backend]=$(elapsed_s "$started")
    stored[$backend]=$(db_count "$backend" "SELECT count(*) FROM analytics.events")
    ((stored[$backend] >= STORED_EVENTS)) || die "$backend: analytics.events holds ${stored[$backend]} rows, not $STORED_EVENTS"
    sales_orders[$backend]=$(db_count "$backend" "SELECT CAST(SUM(orders) AS BIGINT) FROM analytics.daily_sales WHERE currency = 'EUR'")
    printf '%-10s raw events: %s after the ingestion, %s inserted, %s stored (%s s with the rollups)\n' "$backend" \
        "${ingested[$backend]}" "${inserted[$backend]}" "${stored[$backend]}" "${fill_s[$backend]}" >&2

    # A fresh token: the ingestion and the filling may have taken a while.
    admin_token[$backend]=$(sign_in "${port_of[$backend]}" "$ADMIN_EMAIL" "$PASSWORD")
    [[ -n ${admin_token[$backend]} ]] || die "$backend: could not sign in as $ADMIN_EMAIL"
    answer=$(http_get_as "${admin_token[$backend]}" "${port_of[$backend]}" "$report_path" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(len(r["by_day"]), r["orders"], r["currency"])' 2>/dev/null) || answer=""
    [[ $answer == "$REPORT_DAYS ${sales_orders[$backend]} EUR" ]] ||
        die "$backend: GET $report_path answered \"${answer:-no report}\", not $REPORT_DAYS days, ${sales_orders[$backend]} orders in EUR"
}

for backend in "${backends[@]}"; do
    fill_year "$backend"
done

# The report: every shipped-configuration server, with its admin's token, rounds interleaved (target t
# is backends[t]; keys keeps the ingestion's servers).
targets=() urls=() headers=()
for backend in "${backends[@]}"; do
    targets+=("$backend report")
    urls+=("http://127.0.0.1:${port_of[$backend]}$report_path")
    headers+=("Authorization: Bearer ${admin_token[$backend]}")
done
rps=() p50=() p99=() bad=()
WRK_ARGS=("${REPORT_WRK_ARGS[@]}")
interleaved_wrk_rounds

declare -A med_rps med_p50 med_p99 rep_rps rep_p50 rep_p99 rep_ok
wrk_medians
for ((t = 0; t < ${#targets[@]}; t++)); do
    backend=${backends[t]}
    rep_rps[$backend]=${med_rps[$t]}
    rep_p50[$backend]=${med_p50[$t]}
    rep_p99[$backend]=${med_p99[$t]}
    rep_ok[$backend]=$(verdict "${rep_p99[$backend]}" "<" "$MAX_REPORT_P99_MS")
    # The retention sweep may not have deleted any of them meanwhile.
    kept[$backend]=$(db_count "$backend" "SELECT count(*) FROM analytics.events")
done

# The ingestion target, on the medians: PostgreSQL at the shipped configuration; with WIDE_WORKERS for
# comparison. events_verdict KEY: "met (N events/s)" or "missed (N events/s)" for the server KEY.
events_verdict() {
    local rate=${med_rate[${target_index[$1]}]}
    echo "$(verdict "$rate" ">=" "$MIN_EVENTS_PG") ($(printf '%.0f' "$rate") events/s)"
}
if [[ -n $pg_url ]]; then
    ingest_target="$(events_verdict postgresql)"
    wide_target="$(events_verdict postgresql-wide)"
else
    ingest_target="not measured (no PostgreSQL: MERCATO_TEST_PG_URL was not set)"
    wide_target=""
fi
report_target=""
for backend in "${backends[@]}"; do
    report_target+="${report_target:+, }$backend ${rep_ok[$backend]} ($(printf '%.3f' "${rep_p99[$backend]}") ms)"
done

peaks=""
for key in "${keys[@]}"; do
    peaks+="${peaks:+, }${backend_of[$key]} (${config_of[$key]}) $(rss_mb "${mercato_pid[$key]}" VmHWM) MB"
done

sqlite_writer=$(sqlite_client)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
# other_answers T,ROUND: the run's answers other than 202, with their statuses.
other_answers() {
    if [[ ${ev_statuses[$1]} == - ]]; then
        echo "${ev_failed[$1]}"
    else
        echo "${ev_failed[$1]} (${ev_statuses[$1]//,/, })"
    fi
}

section="$tmp/section.md"
{
    echo "$section_title"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Build: ${build_type:-unknown} ($build_dir)"
    echo "- Data: one fresh database per server, holding only an admin (\`mercato users create-admin\`): SQLite data dirs"
    if [[ -n $pg_url ]]; then
        echo "  and PostgreSQL ${pg_version:-} databases with fsync $pg_fsync, synchronous_commit $pg_sync_commit"
    fi
    echo "- Servers: two \`mercato serve\` per backend, all running side by side: one at the shipped configuration but"
    echo "  rate limits off (\`[server] workers = $shipped_workers\`), one the same but \`[server] workers = $WIDE_WORKERS\`. A client"
    echo "  event's handler holds its worker until the batch with the event is committed (one transaction for"
    echo "  every event waiting), so the workers bound the events one commit carries"
    echo "- Ingestion: \`wrk ${INGEST_WRK_ARGS[*]}\` sending \`POST /v1/analytics/event\` without a token, body"
    echo "  \`$EVENT_TEMPLATE\`, \`<session>\` one of $SESSIONS"
    echo "  per wrk thread, in turn. $ROUNDS rounds, the servers interleaved; medians shown. events/s: 202 answers over"
    echo "  wrk's run time; p50/p99 over every answer (wrk's)"
    echo "- Report: after the ingestion, in the shipped-configuration servers' databases, \`analytics.events\` topped up"
    echo "  to $STORED_EVENTS rows directly (psql; on SQLite $sqlite_writer on analytics.db), \`product_view\` events"
    echo "  spread evenly over the $EVENT_DAYS days before today, $FILL_CHUNK rows a transaction; \`analytics.daily_sales\`"
    echo "  given one EUR row for every day of the report's range ($REPORT_DAYS rows: 20 to 59 paid orders of 42.50"
    echo "  each, a refund every 30th day). Then \`GET $report_path\`"
    echo "  with the admin's bearer token (checked first to answer $REPORT_DAYS days and the rows' orders) under"
    echo "  \`wrk ${REPORT_WRK_ARGS[*]}\` (one request at a time); $ROUNDS rounds, backends interleaved; medians shown."
    echo "  The raw events are counted again after the runs: the retention sweep (hourly, first an hour after"
    echo "  start) would delete those older than \`[analytics] retention_days\`"
    echo
    echo "Ingestion (\`POST /v1/analytics/event\`, 64 clients):"
    echo
    echo "| backend | configuration | events/s (median) | p50 ms | p99 ms | other answers |"
    echo "|---|---|---:|---:|---:|---:|"
    for ((t = 0; t < ${#keys[@]}; t++)); do
        key=${keys[t]}
        printf '| %s | %s | %.0f | %.3f | %.3f | %d |\n' "${backend_of[$key]}" "${config_of[$key]}" "${med_rate[$t]}" \
            "${med_p50[$t]}" "${med_p99[$t]}" "${failed_total[$t]}"
    done
    echo
    echo "| backend | configuration | round | events/s | p50 ms | p99 ms | 202s | other answers |"
    echo "|---|---|---:|---:|---:|---:|---:|---|"
    for ((t = 0; t < ${#keys[@]}; t++)); do
        key=${keys[t]}
        for ((round = 0; round < ROUNDS; round++)); do
            printf '| %s | %s | %d | %.0f | %.3f | %.3f | %d | %s |\n' "${backend_of[$key]}" "${config_of[$key]}" $((round + 1)) \
                "${ev_rate[$t,$round]}" "${ev_p50[$t,$round]}" "${ev_p99[$t,$round]}" "${ev_accepted[$t,$round]}" \
                "$(other_answers "$t,$round")"
        done
    done
    echo
    echo "Sales report over $REPORT_DAYS days (\`GET /v1/analytics/report?type=sales\`, one request at a time):"
    echo
    echo "| backend | raw events stored | of them from the ingestion | inserted directly (time, rollups included) | reports/s (median) | p50 ms | p99 ms | p99 < $MAX_REPORT_P99_MS ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for backend in "${backends[@]}"; do
        printf '| %s | %d | %d | %d (%s s) | %.0f | %.3f | %.3f | %s |\n' "$backend" "${stored[$backend]}" "${ingested[$backend]}" \
            "${inserted[$backend]}" "${fill_s[$backend]}" "${rep_rps[$backend]}" "${rep_p50[$backend]}" "${rep_p99[$backend]}" \
            "${rep_ok[$backend]}"
    done
    echo
    echo "| backend | round | reports/s | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|---:|"
    for ((t = 0; t < ${#backends[@]}; t++)); do
        for ((round = 0; round < ROUNDS; round++)); do
            printf '| %s | %d | %.0f | %.3f | %.3f |\n' "${backends[t]}" $((round + 1)) "${rps[$t,$round]}" "${p50[$t,$round]}" \
                "${p99[$t,$round]}"
        done
    done
    for ((t = 0; t < ${#keys[@]}; t++)); do
        if ((failed_total[$t] > 0)); then
            echo
            echo "Warning: ${backend_of[${keys[t]}]} (${config_of[${keys[t]}]}) had ${failed_total[$t]} answers other than 202 (or a socket"
            echo "error, or one slower than wrk's timeout) over $ROUNDS rounds; its figures are suspect."
        fi
    done
    for ((t = 0; t < ${#backends[@]}; t++)); do
        if ((${bad[$t]:-0} > 0)); then
            echo
            echo "Warning: the ${backends[t]} report had ${bad[$t]} non-2xx answers or socket errors over $ROUNDS rounds; its figures are suspect."
        fi
        if ((kept[${backends[t]}] < STORED_EVENTS)); then
            echo
            echo "Warning: ${backends[t]} held ${kept[${backends[t]}]} raw events after the report runs, fewer than $STORED_EVENTS: the"
            echo "retention sweep deleted some during them."
        fi
    done
    if [[ -n ${pg_fsync:-} && $pg_fsync != on ]]; then
        echo
        echo "Warning: PostgreSQL ran with fsync $pg_fsync: its figures overstate durable ingestion (\`make bench\` sets MERCATO_PG_FSYNC=on)."
    fi
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs): $peaks"
    echo
    echo "Target: >= $MIN_EVENTS_PG events/s on PostgreSQL (fsync on) at the shipped configuration (\`[server] workers = $shipped_workers\`): $ingest_target."
    if [[ -n $wide_target ]]; then
        echo "With \`[server] workers = $WIDE_WORKERS\` (not the shipped configuration), for comparison: $wide_target."
    fi
    echo "Target: the sales report over a year with >= $STORED_EVENTS raw events stored in < $MAX_REPORT_P99_MS ms, judged on p99"
    echo "(median of $ROUNDS rounds): $report_target."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2

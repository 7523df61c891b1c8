#!/usr/bin/env bash
# payments_checkout.sh: checkouts per second through POST /v1/payment/checkout with the built-in
# sandbox provider, on SQLite (and on PostgreSQL when MERCATO_TEST_PG_URL names a database), with 64
# concurrent clients under wrk, each request paying a different pending order by the card the sandbox
# accepts, with the token of the customer who placed it. Before every run, wrk places the pending
# orders through POST /v1/orders, more than the run can pay. After every run, once the event bus has
# handled every event, the run's database is asked directly (psql; sqlite3 on the module files)
# whether every order was paid exactly once: the payments that succeeded equal the 201 answers wrk
# saw, no order has two payments that did not fail, none is left pending, and as many orders moved
# to processing. Records checkouts/s, p50/p99 and those checks as the "## Payments: checkout"
# section of bench/RESULTS.md. There is no target: figures only.
#
# Usage: bench/payments_checkout.sh BUILD_DIR   (BUILD_DIR holds mercato; `make bench` runs it beside a
#        PostgreSQL with fsync on, MERCATO_PG_FSYNC=on, as these are durable writes)
set -euo pipefail

readonly ROUNDS=3
readonly PRODUCTS=1000          # the orders buy one unit of one of these at random
readonly CUSTOMERS=8            # signed in once each; each places (and so pays) its own orders
readonly TOPUP=1000000          # units added to every product first: placing orders never runs short
readonly ORDERS_PER_ROUND=20000 # pending orders placed before each run: enough for 2,000 checkouts/s
readonly PLACE_LIMIT_SECONDS=300 # placing them must take less than this
readonly RUN_SECONDS=10         # sending checkouts, per run
readonly GRACE_SECONDS=2        # then wrk waits this long for the answers still on their way, sending nothing
readonly WRK_THREADS=1
readonly WRK_ARGS=(-t"$WRK_THREADS" -c64 --latency)
readonly CARD='{"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"123"}' # the sandbox approves it
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@bench.example

# The exactly-once check, the same SQL on both backends (on SQLite each module's file is attached
# under the module's name, as Mercato does).
readonly SUCCEEDED="SELECT count(*) FROM payments.payments WHERE status = 'succeeded'"
readonly PAID_TWICE="SELECT count(*) FROM (SELECT order_id FROM payments.payments WHERE status <> 'failed'
    GROUP BY order_id HAVING count(*) > 1) AS x"
readonly LEFT_PENDING="SELECT count(*) FROM payments.payments WHERE status = 'pending'"
readonly PROCESSING="SELECT count(*) FROM orders.orders WHERE status = 'processing'"

readonly bench_name=payments_checkout
readonly section_title="## Payments: checkout"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

open_bench payments_checkout.sh "$@"
choose_backends

tmp=$(mktemp -d)
pg_db=""      # the database made for this run, dropped at the end
place_pid=""  # wrk placing orders, while it runs
placed_orders=0 place_s=0
declare -A mercato_pid=()
trap 'stop_placing; stop_backends' EXIT
trap 'exit 130' INT TERM

isolate_in "$tmp"
bench_config "$tmp/bench.toml"   # shipped defaults, rate limits off

# The wrk script placing the pending orders (after bench/server.sh's common start). Its arguments
# after `--`: the shop's data file ({tokens = {...}, ids = {...}}), the orders each thread places and
# the folder for their lists. There is one thread per customer, placing with that customer's token
# orders of one unit of a random product. Once it has its orders, a thread writes their list
# ("{ID, TOKEN_INDEX}," a line) to FOLDER/placed-THREAD.txt and stops; at the first answer other
# than 201 it writes that answer to FOLDER/failed-THREAD.txt and stops. wrk itself runs until
# stopped (the script waits for the lists, then sends it SIGINT).
{
    wrk_lua_common
    cat <<'LUA'

function init(args)
    local data = dofile(args[1])
    quota = tonumber(args[2])
    folder = args[3]
    token_index = (id - 1) % #data.tokens + 1
    prepared = {}
    for k, product in ipairs(data.ids) do
        prepared[k] = order_request(product, data.tokens[token_index])
    end
    placed = {}
    finished = false
    math.randomseed(os.time() * 100 + id)
end

function request()
    return prepared[math.random(#prepared)]
end

-- Written whole under another name first: the script reads it as soon as it appears.
local function finish(name, text)
    finished = true
    local file = assert(io.open(folder .. "/partial-" .. name, "w"))
    file:write(text)
    file:close()
    assert(os.rename(folder .. "/partial-" .. name, folder .. "/" .. name))
    wrk.thread:stop()
end

function response(status, headers, body)
    if finished then -- answers on their way when the thread stopped
        return
    end
    local order = status == 201 and body:match('"id":"(ord_[^"]+)"')
    if not order then
        return finish("failed-" .. id .. ".txt", status .. " " .. body:sub(1, 300) .. "\n")
    end
    placed[#placed + 1] = string.format('{"%s", %d},', order, token_index)
    if #placed == quota then
        finish("placed-" .. id .. ".txt", table.concat(placed, "\n") .. "\n")
    end
end
LUA
} >"$tmp/place.lua"

# The wrk script paying them (after the common start). Its arguments after `--`: the round's pending
# orders (a file returning {{ID, TOKEN_INDEX}, ...}), the shop's data file (its tokens), the seconds
# to send for, wrk's thread count and the card. Thread k of n pays orders k, k + n, k + 2n, ... (each
# thread has its own Lua state): no order is sent twice. delay() takes the thread's next order for the
# connection about to send, so request() always has one; once the thread has none left it idles (and
# says it ran out), as every connection does after the sending window, waiting for its last answer.
{
    wrk_lua_common
    cat <<'LUA'

function init(args)
    paid, declined, conflicts, other, sent, taken, ran_out, first_sent, last_answer = 0, 0, 0, 0, 0, 0, 0, -1, -1
    local orders = dofile(args[1])
    tokens = dofile(args[2]).tokens
    sending_seconds = tonumber(args[3])
    local thread_count = tonumber(args[4])
    card = args[5]
    slice = {}
    for k = id, #orders, thread_count do
        slice[#slice + 1] = orders[k]
    end
    mine = #slice
end

function delay()
    if not sending() then
        return IDLE_MS
    end
    if taken == mine then
        ran_out = 1
        return IDLE_MS
    end
    taken = taken + 1
    return 0
end

function request()
    local order = slice[1] -- wrk checking the script before the threads start: nothing is taken
    if first_sent >= 0 then
        -- After a socket error wrk sends again without asking delay(): the last order may go twice
        -- then (a 409, counted), never one past the slice.
        sent = sent + 1
        order = slice[math.min(sent, mine)]
    end
    return wrk.format("POST", "/v1/payment/checkout",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[order[2]]},
        '{"order_id":"' .. order[1] .. '","method":"card","card":' .. card .. '}')
end

function response(status, headers, body)
    last_answer = now()
    if status == 201 then
        paid = paid + 1
    elseif status == 402 then
        declined = declined + 1
    elseif status == 409 then
        conflicts = conflicts + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local p, d, c, o = total("paid"), total("declined"), total("conflicts"), total("other")
    io.write(string.format("checkouts: paid=%d declined=%d conflicts=%d other=%d unanswered=%d %s seconds=%.3f left=%d ran_out=%d\n",
        p, d, c, o, total("sent") - p - d - c - o, socket_failures(summary), span(), math.max(total("mine") - total("sent"), 0),
        total("ran_out")))
end
LUA
} >"$tmp/checkout.lua"

declare -A port_of admin_token seed_s topup_s db_url
sqlite_modules=(orders payments)   # the files db_count attaches on SQLite

# start_payments_shop BACKEND DB_URL: the shop (start_shop) and its data file for the wrk scripts,
# the customers' tokens and every product ($tmp/BACKEND-shop.lua).
start_payments_shop() {
    local ids tokens
    db_url[$1]=$2
    start_shop "$1" "$2" "$PRODUCTS"
    mapfile -t ids < <(awk '{print $1}' "$tmp/products-$1.txt")
    mapfile -t tokens <"$tmp/tokens-$1.txt"
    lua_data "$tmp/$1-shop.lua" "${#tokens[@]}" "${tokens[@]}" "${ids[@]}"
}

# stop_placing: ends the wrk placing orders, if it runs: SIGINT makes it stop at once, its threads
# done or not (a SIGKILL follows if it is not gone within 5 s).
stop_placing() {
    local i
    [[ -n $place_pid ]] || return 0
    kill -INT "$place_pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        is_running "$place_pid" || break
        sleep 0.1
    done
    kill -KILL "$place_pid" 2>/dev/null || true
    wait "$place_pid" 2>/dev/null || true
    place_pid=""
}

# place_pending BACKEND ROUND: places ORDERS_PER_ROUND pending orders (rounded up to a whole number per
# customer) and writes the paying wrk script's list of them to $tmp/pending-BACKEND-ROUND.lua, the
# customers' orders taking turns; sets placed_orders and place_s (the seconds that took).
place_pending() {
    local backend=$1 dir="$tmp/placed-$1-$2" started failure placed
    local per_customer=$(((ORDERS_PER_ROUND + CUSTOMERS - 1) / CUSTOMERS))
    mkdir "$dir"
    started=$(date +%s.%N)
    wrk -t"$CUSTOMERS" -c64 -d"${PLACE_LIMIT_SECONDS}s" -s "$tmp/place.lua" "http://127.0.0.1:${port_of[$backend]}/v1/orders" \
        -- "$tmp/$backend-shop.lua" "$per_customer" "$dir" >"$dir/wrk.txt" 2>&1 &
    place_pid=$!
    placed=0
    while is_running "$place_pid" && ((placed < CUSTOMERS)); do
        ! compgen -G "$dir/failed-*.txt" >/dev/null || break
        sleep 0.2
        placed=$(find "$dir" -name 'placed-*.txt' | wc -l)
    done
    stop_placing
    if failure=$(compgen -G "$dir/failed-*.txt"); then
        die "$backend: an order was answered $(head -c 300 "${failure%%$'\n'*}")"
    fi
    placed=$(find "$dir" -name 'placed-*.txt' | wc -l)
    if ((placed < CUSTOMERS)); then
        tail -n 20 "$dir/wrk.txt" >&2
        die "$backend: $placed of $CUSTOMERS customers had placed their $per_customer orders after $PLACE_LIMIT_SECONDS s"
    fi
    {
        echo "return {"
        paste -d '\n' "$dir"/placed-*.txt | awk 'NF'
        echo "}"
    } >"$tmp/pending-$backend-$2.lua"
    placed_orders=$(($(wc -l <"$tmp/pending-$backend-$2.lua") - 2))
    place_s=$(elapsed_s "$started")
}

mkdir "$tmp/data"
start_payments_shop sqlite "sqlite:$tmp/data"
if [[ -n $pg_url ]]; then
    make_pg_database mercato_payments_bench
    pg_fsync=$(psql -Atq "$pg_url" -c "SHOW fsync")
    pg_sync_commit=$(psql -Atq "$pg_url" -c "SHOW synchronous_commit")
    start_payments_shop postgresql "${pg_url%/*}/$pg_db"
fi

# Per run (key BACKEND,ROUND): checkouts/s, latency, the answers, the supply, and the checks.
declare -A rate p50 p99 paid conflicts failed left ran_out succeeded processing twice left_pending checked_ok

# pay_orders BACKEND ROUND: places the round's pending orders, then one wrk run of
# POST /v1/payment/checkout paying them, then the exactly-once check.
pay_orders() {
    local backend=$1 round=$2 key="$1,$2" out line l50 l99 paid_before processing_before count outcome supply=""
    place_pending "$backend" "$round"
    drain_bus "$backend"   # the placing's follow-up work is done before the run
    paid_before=$(db_count "$backend" "$SUCCEEDED")
    processing_before=$(db_count "$backend" "$PROCESSING")
    out="$tmp/wrk-$backend-$round.txt"
    wrk "${WRK_ARGS[@]}" -d"$((RUN_SECONDS + GRACE_SECONDS))s" -s "$tmp/checkout.lua" \
        "http://127.0.0.1:${port_of[$backend]}/v1/payment/checkout" \
        -- "$tmp/pending-$backend-$round.lua" "$tmp/$backend-shop.lua" "$RUN_SECONDS" "$WRK_THREADS" "$CARD" >"$out"
    read -r _ l50 l99 _ < <(wrk_summary "$out") || die "could not parse wrk output for $key: $out"
    line=$(grep -E '^checkouts: paid=[0-9]+ declined=[0-9]+ conflicts=[0-9]+ other=[0-9]+ unanswered=-?[0-9]+ socket_errors=[0-9]+ timeouts=[0-9]+ seconds=[0-9.]+ left=[0-9]+ ran_out=[0-9]+$' "$out") ||
        die "the wrk script's report is missing for $key: $out"
    drain_bus "$backend"   # the orders follow the payments through the bus

    paid[$key]=$(field "$line" paid)
    conflicts[$key]=$(field "$line" conflicts)
    # Anything but 201 and 409: declines, other answers, requests never answered, socket errors,
    # answers slower than wrk's timeout (not in its latency figures).
    failed[$key]=$(($(field "$line" declined) + $(field "$line" other) + $(field "$line" unanswered) +
        $(field "$line" socket_errors) + $(field "$line" timeouts)))
    rate[$key]=$(awk -v n="${paid[$key]}" -v s="$(field "$line" seconds)" 'BEGIN {printf "%.1f", (s > 0) ? n / s : 0}')
    p50[$key]=$l50
    p99[$key]=$l99
    left[$key]=$(field "$line" left)
    ran_out[$key]=$(field "$line" ran_out)
    count=$(db_count "$backend" "$SUCCEEDED")
    succeeded[$key]=$((count - paid_before))
    count=$(db_count "$backend" "$PROCESSING")
    processing[$key]=$((count - processing_before))
    twice[$key]=$(db_count "$backend" "$PAID_TWICE")
    left_pending[$key]=$(db_count "$backend" "$LEFT_PENDING")
    if ((succeeded[$key] == paid[$key] && processing[$key] == paid[$key] && twice[$key] == 0 && left_pending[$key] == 0)); then
        checked_ok[$key]=1 outcome=ok
    else
        checked_ok[$key]=0 outcome=MISMATCH
    fi
    if ((ran_out[$key] > 0)); then
        supply=", RAN OUT"
    fi
    printf 'round %d/%d  %-10s %9s checkouts/s  p50 %.3f ms  p99 %.3f ms  409s %s  other %s  (%s orders placed in %s s, %s unused%s)  succeeded %s, to processing %s for %s paid, paid twice %s, pending %s: %s\n' \
        $((round + 1)) "$ROUNDS" "$backend" "${rate[$key]}" "$l50" "$l99" "${conflicts[$key]}" "${failed[$key]}" \
        "$placed_orders" "$place_s" "${left[$key]}" "$supply" "${succeeded[$key]}" "${processing[$key]}" "${paid[$key]}" \
        "${twice[$key]}" "${left_pending[$key]}" "$outcome" >&2
}

interleaved_backend_rounds pay_orders

declare -A med_rate med_p50 med_p99 ok_runs
bad_runs=0
problems=()
supply_notes=()
for backend in "${backends[@]}"; do
    vals_rate=() vals_p50=() vals_p99=()
    ok_runs[$backend]=0
    for ((round = 0; round < ROUNDS; round++)); do
        key="$backend,$round"
        vals_rate+=("${rate[$key]}")
        vals_p50+=("${p50[$key]}")
        vals_p99+=("${p99[$key]}")
        if ((checked_ok[$key])); then
            ok_runs[$backend]=$((ok_runs[$backend] + 1))
        else
            bad_runs=$((bad_runs + 1))
            problems+=("$backend, round $((round + 1)): ${paid[$key]} checkouts answered 201, ${succeeded[$key]} payments succeeded, ${processing[$key]} orders moved to processing, ${twice[$key]} orders with two payments that did not fail, ${left_pending[$key]} payments left pending")
        fi
        if ((ran_out[$key] > 0)); then
            supply_notes+=("$backend, round $((round + 1))")
        fi
    done
    med_rate[$backend]=$(median "${vals_rate[@]}")
    med_p50[$backend]=$(median "${vals_p50[@]}")
    med_p99[$backend]=$(median "${vals_p99[@]}")
done
runs=$((${#backends[@]} * ROUNDS))
exactly_once=$(verdict "$bad_runs" "<" 1)

peaks=""
given_up=""
for backend in "${backends[@]}"; do
    peaks+="${peaks:+, }$backend $(rss_mb "${mercato_pid[$backend]}" VmHWM) MB"
    letters=$(dead_letters "$backend") || letters="unknown"
    given_up+="${given_up:+, }$backend $letters"
done

sqlite_reader=$(sqlite_client)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)

section="$tmp/section.md"
{
    echo "$section_title"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Build: ${build_type:-unknown} ($build_dir)"
    echo "- Data: \`mercato seed --demo --products $PRODUCTS\`, then $TOPUP more units on every product (one stock adjustment"
    echo "  each), into a fresh SQLite data dir (seed ${seed_s[sqlite]} s, stock ${topup_s[sqlite]} s)"
    if [[ -n ${seed_s[postgresql]:-} ]]; then
        echo "  and a fresh PostgreSQL ${pg_version:-} database with fsync $pg_fsync, synchronous_commit $pg_sync_commit"
        echo "  (seed ${seed_s[postgresql]} s, stock ${topup_s[postgresql]} s)"
    fi
    echo "- Servers: one \`mercato serve\` per backend (shipped configuration but rate limits off, payments"
    echo "  provider \`sandbox\`), running side by side"
    echo "- Pending orders: before each run, $ORDERS_PER_ROUND placed through \`POST /v1/orders\` (\`wrk -t$CUSTOMERS -c64\`, one"
    echo "  thread per customer, each with that customer's bearer token; one unit of a random product, a German"
    echo "  shipping address), $CUSTOMERS customers signed in once; then the event bus handles every event"
    echo "- Runs: \`wrk ${WRK_ARGS[*]}\` sending \`POST /v1/payment/checkout\` for $RUN_SECONDS s, then ${GRACE_SECONDS} s more for"
    echo "  the answers on their way, with nothing more sent; each request pays a different pending order,"
    echo "  with its owner's token, by card \`$CARD\`"
    echo "  (the sandbox approves it), the customers' orders taking turns; no order is sent twice."
    echo "  $ROUNDS rounds, backends interleaved; medians shown. checkouts/s: 201 answers over the time from the"
    echo "  first request sent to the last answer; p50/p99 over every answer (wrk's)"
    echo "- Paid exactly once, checked after each run once the event bus has handled every event, in the"
    echo "  database itself (psql; on SQLite $sqlite_reader on the module files): the payments that succeeded"
    echo "  during the run equal the 201 answers wrk saw, no order has two payments that did not fail, no"
    echo "  payment is left pending, and the orders in status processing grew by the 201 answers"
    for backend in "${backends[@]}"; do
        echo
        printf '%s: %.0f checkouts/s (median of %d rounds), p50 %.3f ms, p99 %.3f ms; paid exactly once in %d of %d runs.\n' \
            "$backend" "${med_rate[$backend]}" "$ROUNDS" "${med_p50[$backend]}" "${med_p99[$backend]}" "${ok_runs[$backend]}" "$ROUNDS"
        echo
        echo "| round | checkouts/s | p50 ms | p99 ms | 201s | 409s | other answers | orders unused | payments succeeded | orders to processing | orders paid twice | payments pending | check |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        for ((round = 0; round < ROUNDS; round++)); do
            key="$backend,$round"
            if ((checked_ok[$key])); then outcome="exact"; else outcome="**mismatch**"; fi
            printf '| %d | %.0f | %.3f | %.3f | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n' $((round + 1)) "${rate[$key]}" \
                "${p50[$key]}" "${p99[$key]}" "${paid[$key]}" "${conflicts[$key]}" "${failed[$key]}" "${left[$key]}" \
                "${succeeded[$key]}" "${processing[$key]}" "${twice[$key]}" "${left_pending[$key]}" "$outcome"
        done
    done
    for problem in "${problems[@]}"; do
        echo
        echo "Check failed: $problem."
    done
    for backend in "${backends[@]}"; do
        for ((round = 0; round < ROUNDS; round++)); do
            if ((failed[$backend,$round] > 0)); then
                echo
                echo "Warning: $backend, round $((round + 1)) had ${failed[$backend,$round]} answers other than 201 and 409 (or none, or a"
                echo "socket error, or one slower than wrk's timeout); its figures are suspect."
            fi
        done
    done
    for run in "${supply_notes[@]}"; do
        echo
        echo "Warning: $run ran out of pending orders within the $RUN_SECONDS s: connections went idle before the end,"
        echo "so its checkouts/s is a lower bound (raise ORDERS_PER_ROUND)."
    done
    if [[ -n ${pg_fsync:-} && $pg_fsync != on ]]; then
        echo
        echo "Warning: PostgreSQL ran with fsync $pg_fsync: its figures overstate durable checkouts (\`make bench\` sets MERCATO_PG_FSYNC=on)."
    fi
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs): $peaks"
    echo "- Events the bus gave up on (dead letters) after the runs: $given_up"
    echo
    echo "Every order paid exactly once, checked after each of the $runs runs: $exactly_once ($bad_runs failed)."
    echo "No target for checkouts/s (the payments issue sets none): figures only."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2

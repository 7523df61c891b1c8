#!/usr/bin/env bash
# orders_place.sh: orders placed per second through POST /v1/orders on SQLite (and on PostgreSQL when
# MERCATO_TEST_PG_URL names a database) with 64 concurrent clients under wrk: over 1,000 demo products
# (contention low), over one product (contention high: every order takes the same stock row), and a
# sell-out race for the last units of that product. After every run the stock must have lost exactly
# the units of the orders wrk saw placed (201), and no stock may be below zero (zero oversell).
# Records orders/s, p50/p99, the 409s, the oversell check and whether the target is met as the
# "## Orders: placing orders" section of bench/RESULTS.md.
#
# Usage: bench/orders_place.sh BUILD_DIR   (BUILD_DIR holds mercato; `make bench` runs it beside a
#        PostgreSQL with fsync on, MERCATO_PG_FSYNC=on, as these are durable writes)
set -euo pipefail

readonly ROUNDS=3
readonly PRODUCTS=1000           # the low-contention runs buy these; one more demo product is the hot one
readonly CUSTOMERS=8            # signed in once each (Argon2id makes sign-ins slow); their tokens are spread over the orders
readonly TOPUP=1000000          # units added to every product first: the low-contention runs never run short
readonly HOT_STOCK=1000000      # the hot product's stock before each high-contention run: it never sells out
readonly SELLOUT_STOCK=200      # its stock before each sell-out run: 64 clients race for these units
readonly RUN_SECONDS=10         # sending orders, per low- and high-contention run
readonly SELLOUT_SECONDS=3      # sending orders, per sell-out run
readonly GRACE_SECONDS=2        # then wrk waits this long for the answers still on their way, sending nothing
readonly WRK_ARGS=(-t1 -c64 --latency)
readonly MIN_ORDERS_PG=1000     # target: orders/s on PostgreSQL at low contention
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@bench.example
readonly SCENARIOS=(low high sellout)

readonly bench_name=orders_place
readonly section_title="## Orders: placing orders"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

open_bench orders_place.sh "$@"
choose_backends

open_backend_run

# The wrk script (after bench/server.sh's common start). Its arguments after `--`: a data file
# returning {ids = {...}, tokens = {...}} (prepared request k buys one unit of ids[k] with tokens[k],
# both wrapping; each order is one of them at random) and the seconds to send for. After those,
# every connection waits for its last answer and sends nothing more, so each order placed is one wrk
# saw (its -d leaves time for that).
{
    wrk_lua_common
    cat <<'LUA'

function init(args)
    created, conflicts, other, sent, first_sent, last_answer = 0, 0, 0, 0, -1, -1
    local data = dofile(args[1])
    sending_seconds = tonumber(args[2])
    prepared = {}
    for k = 1, math.max(#data.ids, #data.tokens) do
        prepared[k] = order_request(data.ids[(k - 1) % #data.ids + 1], data.tokens[(k - 1) % #data.tokens + 1])
    end
    math.randomseed(os.time() * 100 + id)
end

function delay()
    return sending() and 0 or IDLE_MS
end

function request()
    if first_sent >= 0 then -- not wrk checking the script before the threads start
        sent = sent + 1
    end
    return prepared[math.random(#prepared)]
end

function response(status, headers, body)
    last_answer = now()
    if status == 201 then
        created = created + 1
    elseif status == 409 then
        conflicts = conflicts + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local c, s, o = total("created"), total("conflicts"), total("other")
    io.write(string.format("orders: created=%d conflicts=%d other=%d unanswered=%d %s seconds=%.3f\n",
        c, s, o, total("sent") - c - s - o, socket_failures(summary), span()))
end
LUA
} >"$tmp/orders.lua"

declare -A port_of admin_token hot_id seed_s topup_s

# product_stock PORT ID: the product's stock.
product_stock() {
    local stock
    stock=$(http_get "$1" "/v1/products/$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["stock"])' 2>/dev/null) || true
    [[ $stock =~ ^-?[0-9]+$ ]] || die "GET /v1/products/$2 did not answer a product"
    echo "$stock"
}

# set_hot_stock BACKEND UNITS: the hot product's stock becomes UNITS.
set_hot_stock() {
    local current
    current=$(product_stock "${port_of[$1]}" "${hot_id[$1]}")
    ((current != $2)) || return 0
    [[ $(adjust_stock "$1" "${hot_id[$1]}" $(($2 - current))) == "$2" ]] || die "$1: the stock of ${hot_id[$1]} did not become $2"
}

# start_orders_shop BACKEND DB_URL: the shop (start_shop) with PRODUCTS + 1 products, and the wrk data
# files: all products but the hot one, the first listed ($tmp/BACKEND-all.lua), and the hot one
# ($tmp/BACKEND-hot.lua).
start_orders_shop() {
    local ids tokens
    start_shop "$1" "$2" "$((PRODUCTS + 1))"
    mapfile -t ids < <(awk '{print $1}' "$tmp/products-$1.txt")
    mapfile -t tokens <"$tmp/tokens-$1.txt"
    hot_id[$1]=${ids[0]}
    # The hot product is kept out of the low-contention runs: a sell-out leaves it empty.
    lua_data "$tmp/$1-all.lua" "${#tokens[@]}" "${tokens[@]}" "${ids[@]:1}"
    lua_data "$tmp/$1-hot.lua" "${#tokens[@]}" "${tokens[@]}" "${ids[0]}"
}

# stock_state BACKEND SCENARIO: "UNITS LOWEST": the units in stock over what the scenario buys (every
# product, or the hot one) and the lowest stock among them.
stock_state() {
    if [[ $2 == low ]]; then
        product_stocks "${port_of[$1]}" | awk -v products="$PRODUCTS" -v hot="${hot_id[$1]}" '
            $1 == hot {next}
            {units += $2; n++; if (n == 1 || $2 < lowest) lowest = $2}
            END {if (n != products) exit 1; print units, lowest}' ||
            die "$1: the listing did not hold $PRODUCTS products"
    else
        local stock
        stock=$(product_stock "${port_of[$1]}" "${hot_id[$1]}")
        echo "$stock $stock"
    fi
}

mkdir "$tmp/data"
start_orders_shop sqlite "sqlite:$tmp/data"
if [[ -n $pg_url ]]; then
    make_pg_database mercato_orders_bench
    pg_fsync=$(psql -Atq "$pg_url" -c "SHOW fsync")
    pg_sync_commit=$(psql -Atq "$pg_url" -c "SHOW synchronous_commit")
    start_orders_shop postgresql "${pg_url%/*}/$pg_db"
fi

# Per run (key BACKEND,SCENARIO,ROUND): orders/s, latency, the answers, and the stock check.
declare -A rate p50 p99 created conflicts failed lost lowest checked_ok

# place_orders BACKEND SCENARIO ROUND: one wrk run of POST /v1/orders, then the stock check.
place_orders() {
    local backend=$1 scenario=$2 round=$3 key="$1,$2,$3" data send before after line out l50 l99 outcome
    case $scenario in
        low) data="$tmp/$backend-all.lua" send=$RUN_SECONDS ;;
        high) set_hot_stock "$backend" "$HOT_STOCK"; data="$tmp/$backend-hot.lua" send=$RUN_SECONDS ;;
        sellout) set_hot_stock "$backend" "$SELLOUT_STOCK"; data="$tmp/$backend-hot.lua" send=$SELLOUT_SECONDS ;;
    esac
    before=$(stock_state "$backend" "$scenario")
    out="$tmp/wrk-$backend-$scenario-$round.txt"
    wrk "${WRK_ARGS[@]}" -d"$((send + GRACE_SECONDS))s" -s "$tmp/orders.lua" "http://127.0.0.1:${port_of[$backend]}/v1/orders" \
        -- "$data" "$send" >"$out"
    read -r _ l50 l99 _ < <(wrk_summary "$out") || die "could not parse wrk output for $key: $out"
    line=$(grep -E '^orders: created=[0-9]+ conflicts=[0-9]+ other=[0-9]+ unanswered=-?[0-9]+ socket_errors=[0-9]+ timeouts=[0-9]+ seconds=[0-9.]+$' "$out") ||
        die "the wrk script's report is missing for $key: $out"
    drain_bus "$backend"
    after=$(stock_state "$backend" "$scenario")

    created[$key]=$(field "$line" created)
    conflicts[$key]=$(field "$line" conflicts)
    # Anything but 201 and 409: other answers, requests never answered, socket errors, answers slower
    # than wrk's timeout (not in its latency figures).
    failed[$key]=$(($(field "$line" other) + $(field "$line" unanswered) + $(field "$line" socket_errors) + $(field "$line" timeouts)))
    rate[$key]=$(awk -v n="${created[$key]}" -v s="$(field "$line" seconds)" 'BEGIN {printf "%.1f", (s > 0) ? n / s : 0}')
    p50[$key]=$l50
    p99[$key]=$l99
    lost[$key]=$((${before% *} - ${after% *}))
    lowest[$key]=${after#* }
    if ((lost[$key] == created[$key] && lowest[$key] >= 0)); then
        checked_ok[$key]=1 outcome=ok
    else
        checked_ok[$key]=0 outcome=OVERSOLD
    fi
    printf 'round %d/%d  %-10s %-7s %9s orders/s  p50 %.3f ms  p99 %.3f ms  409s %s  other %s  stock lost %s for %s orders, lowest %s: %s\n' \
        $((round + 1)) "$ROUNDS" "$backend" "$scenario" "${rate[$key]}" "$l50" "$l99" "${conflicts[$key]}" "${failed[$key]}" \
        "${lost[$key]}" "${created[$key]}" "${lowest[$key]}" "$outcome" >&2
}

# Every round runs every backend, starting at a different one each time, so drift (thermal,
# background load) is spread evenly. The server not under load idles.
for ((round = 0; round < ROUNDS; round++)); do
    for ((k = 0; k < ${#backends[@]}; k++)); do
        backend=${backends[(round + k) % ${#backends[@]}]}
        for scenario in "${SCENARIOS[@]}"; do
            place_orders "$backend" "$scenario" "$round"
        done
    done
done

declare -A med_rate med_p50 med_p99 med_conflicts failed_total ok_runs sold_out_runs
bad_runs=0
problems=()
for backend in "${backends[@]}"; do
    for scenario in "${SCENARIOS[@]}"; do
        s="$backend,$scenario"
        vals_rate=() vals_p50=() vals_p99=() vals_409=()
        failed_total[$s]=0 ok_runs[$s]=0 sold_out_runs[$s]=0
        for ((round = 0; round < ROUNDS; round++)); do
            key="$s,$round"
            vals_rate+=("${rate[$key]}")
            vals_p50+=("${p50[$key]}")
            vals_p99+=("${p99[$key]}")
            vals_409+=("${conflicts[$key]}")
            failed_total[$s]=$((failed_total[$s] + failed[$key]))
            if ((checked_ok[$key])); then
                ok_runs[$s]=$((ok_runs[$s] + 1))
            else
                bad_runs=$((bad_runs + 1))
                problems+=("$backend, $scenario, round $((round + 1)): the stock lost ${lost[$key]} units for ${created[$key]} orders placed (201), lowest stock ${lowest[$key]}")
            fi
            if ((lowest[$key] == 0)); then
                sold_out_runs[$s]=$((sold_out_runs[$s] + 1))
            fi
        done
        med_rate[$s]=$(median "${vals_rate[@]}")
        med_p50[$s]=$(median "${vals_p50[@]}")
        med_p99[$s]=$(median "${vals_p99[@]}")
        med_conflicts[$s]=$(median "${vals_409[@]}")
    done
done
runs=$((${#backends[@]} * ${#SCENARIOS[@]} * ROUNDS))
oversell_ok=$(verdict "$bad_runs" "<" 1)

if [[ -n $pg_url ]]; then
    target="$(verdict "${med_rate[postgresql,low]}" ">=" "$MIN_ORDERS_PG") ($(printf '%.0f' "${med_rate[postgresql,low]}") orders/s)"
else
    target="not measured (no PostgreSQL: MERCATO_TEST_PG_URL was not set)"
fi

peaks=""
given_up=""
for backend in "${backends[@]}"; do
    peaks+="${peaks:+, }$backend $(rss_mb "${mercato_pid[$backend]}" VmHWM) MB"
    letters=$(dead_letters "$backend") || letters="unknown"
    given_up+="${given_up:+, }$backend $letters"
done

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
label() {
    case $1 in
        low) echo "low: $PRODUCTS products" ;;
        high) echo "high: 1 product" ;;
        sellout) echo "sell-out: 1 product, $SELLOUT_STOCK in stock" ;;
    esac
}

section="$tmp/section.md"
{
    echo "$section_title"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Build: ${build_type:-unknown} ($build_dir)"
    echo "- Data: \`mercato seed --demo --products $((PRODUCTS + 1))\` (one of them the hot product), then $TOPUP more units on every product (one stock"
    echo "  adjustment each), into a fresh SQLite data dir (seed ${seed_s[sqlite]} s, stock ${topup_s[sqlite]} s)"
    if [[ -n ${seed_s[postgresql]:-} ]]; then
        echo "  and a fresh PostgreSQL ${pg_version:-} database with fsync $pg_fsync, synchronous_commit $pg_sync_commit"
        echo "  (seed ${seed_s[postgresql]} s, stock ${topup_s[postgresql]} s)"
    fi
    echo "- Servers: one \`mercato serve\` per backend (shipped configuration but rate limits off), running side by side"
    echo "- Orders: \`POST /v1/orders\`, one unit of one product, a German shipping address; $CUSTOMERS customers"
    echo "  signed in once, their bearer tokens spread over the orders"
    echo "- Runs: \`wrk ${WRK_ARGS[*]}\` sending for $RUN_SECONDS s (sell-out: $SELLOUT_SECONDS s), then ${GRACE_SECONDS} s more for the answers"
    echo "  on their way, with nothing more sent; low: a random product of the $PRODUCTS per order; high: the"
    echo "  first product, its stock set to $HOT_STOCK first; sell-out: that product with its stock set to $SELLOUT_STOCK."
    echo "  $ROUNDS rounds, backends interleaved; medians shown. orders/s: 201 answers over the time from"
    echo "  the first request sent to the last answer; p50/p99 over every answer (wrk's)"
    echo "- Oversell check after each run, once the event bus has handled every event: the units the stock"
    echo "  lost (summed over the $PRODUCTS products, or the one) equal the 201 answers wrk saw, and no stock is below 0"
    echo
    echo "| backend | contention | orders/s (median) | p50 ms | p99 ms | 409s (median) | other answers | stock check | sold out |"
    echo "|---|---|---:|---:|---:|---:|---:|---|---|"
    for backend in "${backends[@]}"; do
        for scenario in "${SCENARIOS[@]}"; do
            s="$backend,$scenario"
            if [[ $scenario == sellout ]]; then
                printf '| %s | %s | | | | %.0f | %d | exact in %d of %d runs | %d of %d runs |\n' "$backend" "$(label "$scenario")" \
                    "${med_conflicts[$s]}" "${failed_total[$s]}" "${ok_runs[$s]}" "$ROUNDS" "${sold_out_runs[$s]}" "$ROUNDS"
            else
                printf '| %s | %s | %.0f | %.3f | %.3f | %.0f | %d | exact in %d of %d runs | |\n' "$backend" "$(label "$scenario")" \
                    "${med_rate[$s]}" "${med_p50[$s]}" "${med_p99[$s]}" "${med_conflicts[$s]}" "${failed_total[$s]}" \
                    "${ok_runs[$s]}" "$ROUNDS"
            fi
        done
    done
    for problem in "${problems[@]}"; do
        echo
        echo "Stock check failed: $problem."
    done
    for backend in "${backends[@]}"; do
        for scenario in "${SCENARIOS[@]}"; do
            if ((failed_total[$backend,$scenario] > 0)); then
                echo
                echo "Warning: $backend, $scenario had ${failed_total[$backend,$scenario]} answers other than 201 and 409 (or none, or"
                echo "a socket error, or one slower than wrk's timeout) over $ROUNDS rounds; its figures are suspect."
            fi
        done
    done
    if [[ -n ${pg_fsync:-} && $pg_fsync != on ]]; then
        echo
        echo "Warning: PostgreSQL ran with fsync $pg_fsync: its figures overstate durable orders (\`make bench\` sets MERCATO_PG_FSYNC=on)."
    fi
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs): $peaks"
    echo "- Events the bus gave up on (dead letters) after the runs: $given_up"
    echo
    echo "Zero oversell, checked after each of the $runs runs: $oversell_ok ($bad_runs failed)."
    echo "Target: >= $MIN_ORDERS_PG orders/s on PostgreSQL at low contention: $target."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2

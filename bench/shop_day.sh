#!/usr/bin/env bash
# shop_day.sh: a day in the shop as load (issue 12), on SQLite (and on PostgreSQL when
# MERCATO_TEST_PG_URL names a database). A shop of 1,000 demo products with stock for far more than
# the runs sell, 64 registered customers who first review a few products each; then
# mercato_shop_day runs the customers, one thread and keep-alive connection each, with their own
# tokens, through a mix of browsing (70%: listing pages with filters and next pages, product pages,
# reviews, the categories), search (20%: one to three words of the catalog's names, some with
# facets and filters) and orders with payments (10%: an order of one or two lines, paid through the
# sandbox provider; one in ten first with the card it declines, a 402 as the API promises, then
# with the card it accepts) for a bounded time, several rounds with the backends interleaved.
# Records the throughput, every kind of request's p50/p99 (exact, over every answer) and errors, and
# the servers' peak RSS as the "## Shop day: mixed load" section of bench/RESULTS.md. Exits 1 when any
# request had an answer other than the one expected (or none).
#
# Usage: bench/shop_day.sh BUILD_DIR   (BUILD_DIR holds mercato and mercato_shop_day; SHOP_DAY_SECONDS
#        sets a run's length, 60 by default; `make bench` runs it beside a PostgreSQL with fsync on,
#        MERCATO_PG_FSYNC=on, as orders and payments are durable writes)
set -euo pipefail

readonly ROUNDS=3
readonly RUN_SECONDS=${SHOP_DAY_SECONDS:-60}
readonly PRODUCTS=1000
readonly CUSTOMERS=64           # a thread and a connection each
readonly TOPUP=1000000          # units added to every product first: no order of the runs finds it sold out
readonly REVIEWS_EACH=20        # products every customer reviews before the runs, so reviews pages have some
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@bench.example

readonly bench_name=shop_day
readonly section_title="## Shop day: mixed load"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

[[ $RUN_SECONDS =~ ^[1-9][0-9]*$ ]] || die "SHOP_DAY_SECONDS must be a whole number of seconds above 0"
open_bench shop_day.sh "$@"
driver_bin="$build_dir/mercato_shop_day"
[[ -x $driver_bin ]] || die "missing $driver_bin"
choose_backends

open_backend_run

declare -A port_of admin_token seed_s topup_s

# start_shop_day BACKEND DB_URL: the shop (start_shop) and the customers' reviews.
start_shop_day() {
    start_shop "$1" "$2" "$PRODUCTS"
    "$driver_bin" --port "${port_of[$1]}" --tokens "$tmp/tokens-$1.txt" --reviews-each "$REVIEWS_EACH" --seconds 0 \
        >/dev/null || die "$1: the customers could not post their reviews"
    drain_bus "$1"
}

on_each_backend start_shop_day mercato_shop_day_bench
if [[ -n $pg_url ]]; then
    pg_fsync=$(psql -Atq "$pg_url" -c "SHOW fsync")
fi

# Per run (key BACKEND,ROUND): the driver's figures and its operations per group of the mix ("mix"
# line); per kind of request in a run (key BACKEND,OP,ROUND); and per kind of request (key OP) as the
# driver names them (in ops, in its order): its group in the mix and the status that is its success.
declare -A rate ops_rate errors mix_of requests p50 p99 op_errors group_of expected_of
ops=()

# shop_day BACKEND ROUND: one run of the driver, then the bus drained so the next run starts level.
shop_day() {
    local backend=$1 round=$2 key="$1,$2" out="$tmp/run-$1-$2.txt" line op status=0
    # Fresh tokens: a run may be longer than the 15 minutes the previous ones had left.
    sign_in_customers "$backend"
    "$driver_bin" --port "${port_of[$backend]}" --tokens "$tmp/tokens-$backend.txt" --seconds "$RUN_SECONDS" \
        --seed "$((round + 1))" >"$out" 2>"$tmp/errors-$key.txt" || status=$?
    line=$(grep -E '^total ' "$out") || {
        cat "$tmp/errors-$key.txt" >&2
        die "$backend: the driver stopped without its report (exit $status)"
    }
    rate[$key]=$(field "$line" requests_per_s)
    ops_rate[$key]=$(awk -v n="$(field "$line" operations)" -v s="$(field "$line" seconds)" 'BEGIN {printf "%.1f", n / s}')
    errors[$key]=$(field "$line" errors)
    mix_of[$key]=$(sed -n 's/^mix //p' "$out")
    mapfile -t ops < <(sed -n 's/^op=\([^ ]*\) .*/\1/p' "$out")
    for op in "${ops[@]}"; do
        line=$(grep -E "^op=$op " "$out")
        requests[$backend,$op,$round]=$(field "$line" requests)
        p50[$backend,$op,$round]=$(field "$line" p50_ms)
        p99[$backend,$op,$round]=$(field "$line" p99_ms)
        op_errors[$backend,$op,$round]=$(field "$line" errors)
        group_of[$op]=$(field "$line" group)
        expected_of[$op]=$(field "$line" expected)
    done
    drain_bus "$backend"
    printf 'round %d/%d  %-10s %9s req/s  %7s operations/s  errors %s\n' $((round + 1)) "$ROUNDS" "$backend" \
        "${rate[$key]}" "${ops_rate[$key]}" "${errors[$key]}" >&2
}

interleaved_backend_rounds shop_day

total_errors=0
peaks=""
given_up=""
for backend in "${backends[@]}"; do
    for ((round = 0; round < ROUNDS; round++)); do
        total_errors=$((total_errors + errors[$backend,$round]))
    done
    peaks+="${peaks:+, }$backend $(rss_mb "${mercato_pid[$backend]}" VmHWM) MB"
    letters=$(dead_letters "$backend") || letters="unknown"
    given_up+="${given_up:+, }$backend $letters"
done

# backend_figures BACKEND: its summary line and its table, a row per kind of request: the requests
# over all rounds, their share, the medians of the rounds' p50 and p99, the errors over all rounds.
backend_figures() {
    local backend=$1 op round all=0 vals_rate=() vals_ops=() vals_p50 vals_p99 sum bad mix
    local -A op_sum
    for ((round = 0; round < ROUNDS; round++)); do
        vals_rate+=("${rate[$backend,$round]}")
        vals_ops+=("${ops_rate[$backend,$round]}")
    done
    for op in "${ops[@]}"; do
        sum=0
        for ((round = 0; round < ROUNDS; round++)); do
            sum=$((sum + requests[$backend,$op,$round]))
        done
        op_sum[$op]=$sum
        all=$((all + sum))
    done
    # The mix as run: each group's share of the operations over every round.
    mix=$(for ((round = 0; round < ROUNDS; round++)); do echo "${mix_of[$backend,$round]}"; done | awk '
        {
            for (i = 1; i <= NF; i++) {
                split($i, pair, "=")
                if (!(pair[1] in n)) names[++groups] = pair[1]
                n[pair[1]] += pair[2]
                all += pair[2]
            }
        }
        END {for (g = 1; g <= groups; g++) printf "%s%s %.1f%%", (g > 1 ? ", " : ""), names[g], 100 * n[names[g]] / all}')
    printf '%s: %.0f requests/s (median of %d runs: %s), %.0f operations/s; the mix as run: %s of the operations.\n' \
        "$backend" "$(median "${vals_rate[@]}")" "$ROUNDS" "${vals_rate[*]}" "$(median "${vals_ops[@]}")" "$mix"
    echo
    echo "| group | request | expected | requests ($ROUNDS runs) | share | p50 ms (median) | p99 ms (median) | errors |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for op in "${ops[@]}"; do
        vals_p50=() vals_p99=() bad=0
        for ((round = 0; round < ROUNDS; round++)); do
            vals_p50+=("${p50[$backend,$op,$round]}")
            vals_p99+=("${p99[$backend,$op,$round]}")
            bad=$((bad + op_errors[$backend,$op,$round]))
        done
        printf '| %s | %s | %s | %d | %.1f%% | %.3f | %.3f | %d |\n' "${group_of[$op]}" "$(describe "$op")" "${expected_of[$op]}" \
            "${op_sum[$op]}" "$(awk -v a="${op_sum[$op]}" -v n="$all" 'BEGIN {print 100 * a / n}')" \
            "$(median "${vals_p50[@]}")" "$(median "${vals_p99[@]}")" "$bad"
    done
}

# describe OP: the request a kind stands for, for the table.
describe() {
    case $1 in
        list) echo "\`GET /v1/products\` (filters, next pages)" ;;
        product) echo "\`GET /v1/products/{id}\`" ;;
        reviews) echo "\`GET /v1/products/{id}/reviews\`" ;;
        categories) echo "\`GET /v1/categories\`" ;;
        search) echo "\`GET /v1/search\` (1-3 words)" ;;
        search_faceted) echo "\`GET /v1/search\` (a word, filters, sort)" ;;
        order) echo "\`POST /v1/orders\` (1-2 lines)" ;;
        checkout) echo "\`POST /v1/payment/checkout\` (card accepted)" ;;
        checkout_declined) echo "\`POST /v1/payment/checkout\` (card declined)" ;;
    esac
}

section="$tmp/section.md"
{
    section_head "$section_title"
    echo "- Data: \`mercato seed --demo --products $PRODUCTS\`, then $TOPUP more units on every product (one stock"
    echo "  adjustment each), into a fresh SQLite data dir (seed ${seed_s[sqlite]} s, stock ${topup_s[sqlite]} s)"
    if [[ -n ${seed_s[postgresql]:-} ]]; then
        echo "  and a fresh PostgreSQL ${pg_version:-} database with fsync ${pg_fsync:-unknown}"
        echo "  (seed ${seed_s[postgresql]} s, stock ${topup_s[postgresql]} s)"
    fi
    echo "- Servers: one \`mercato serve\` per backend (shipped configuration but rate limits off), running side by side"
    echo "- Customers: $CUSTOMERS registered customers, signed in again before every run, each reviewing $REVIEWS_EACH random"
    echo "  products before the runs; \`mercato_shop_day\` runs each on a thread and keep-alive connection of its own,"
    echo "  on the same 2 cores as the server, with no pause between operations. Each picks its next operation:"
    echo "  browsing 70% (a listing page 30%: with a category, tag, stock, price band or sort at random, or half the"
    echo "  time the next page of its last listing; a product page 25%; a product's reviews 10%; the categories 5%),"
    echo "  search 20% (one to three words of the catalog's names 12%; one word with a category, stock, price band"
    echo "  and sort 8%), orders and payments 10% (an order of one or two lines of one or two units, German address,"
    echo "  then paid by card through the sandbox; one in ten tried first with the card it declines, a 402 as the"
    echo "  API promises, which leaves the order pending for the accepted card)"
    echo "- Runs: $ROUNDS rounds of $RUN_SECONDS s per backend, backends interleaved, the bus drained after each."
    echo "  requests/s: every answer over the time from the start to the last answer; p50/p99 exact over every"
    echo "  answer of a run, medians of the runs shown; errors: an answer other than the expected status, or none"
    for backend in "${backends[@]}"; do
        echo
        backend_figures "$backend"
    done
    if [[ -n ${pg_fsync:-} && $pg_fsync != on ]]; then
        echo
        echo "Warning: PostgreSQL ran with fsync $pg_fsync: its figures overstate durable orders (\`make bench\` sets MERCATO_PG_FSYNC=on)."
    fi
    if ((total_errors > 0)); then
        echo
        echo "The driver's first errors:"
        echo
        echo '```'
        cat "$tmp"/errors-*.txt | head -n 20
        echo '```'
    fi
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs): $peaks"
    echo "- Events the bus gave up on (dead letters) after the runs: $given_up"
    echo
    echo "Errors (must be none): $total_errors."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2
((total_errors == 0)) || die "$total_errors requests had an unexpected answer"

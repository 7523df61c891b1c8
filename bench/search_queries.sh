#!/usr/bin/env bash
# search_queries.sh: the search module's benchmark with 10,000 demo products loaded, on SQLite (and on
# PostgreSQL when MERCATO_TEST_PG_URL names a database). First the indexing time: the build of the
# index from the catalog when the server starts (from its log line "search index built: ... in N ms")
# and a full rebuild asked through POST /v1/search/index ("search reindex: ... in N ms"). Then
# GET /v1/search with a one-word, a three-word and a faceted query (the words taken from a demo
# product's name; the faceted one adds a category, stock and price filters and a price sort; every
# answer carries facets over the whole match set) under wrk at 64 connections in the same rounds as
# the bare Beast server (the ceiling of bench/http_ceiling.sh). Records the indexing times, req/s,
# p50/p99, the ratio to the bare server and whether the targets are met as the
# "## Search: queries over 10,000 products" section of bench/RESULTS.md.
#
# Usage: bench/search_queries.sh BUILD_DIR   (BUILD_DIR holds mercato and mercato_bare_server)
set -euo pipefail

readonly ROUNDS=3
readonly PRODUCTS=10000
readonly IO_THREADS=1   # per server, as in http_ceiling.sh: the bare server and each mercato alike
readonly WRK_ARGS=(-t1 -c64 -d8s --latency)
readonly MAX_P99_MS=15        # every search query
readonly MAX_INDEX_MS=5000    # building the index of the whole catalog when the server starts
readonly INDEX_WAIT_S=60      # how long an index build may take before the bench gives up
readonly FACETS="in_stock=true&min_price=1000&max_price=20000&sort=price"   # beside the category
readonly PASSWORD="correct horse battery staple"
readonly ADMIN_EMAIL=admin@bench.example

readonly bench_name=search_queries
readonly section_title="## Search: queries over 10,000 products"
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/results.sh
source "$bench_dir/results.sh"
# shellcheck source=bench/server.sh
source "$bench_dir/server.sh"

open_bench search_queries.sh "$@"
bare_bin="$build_dir/mercato_bare_server"
[[ -x $bare_bin ]] || die "missing $bare_bin"
choose_backends

tmp=$(mktemp -d)
bare_pid=""
pg_db=""   # the database made for this run, dropped at the end
declare -A mercato_pid=()
trap 'stop_server "bare server" "$bare_pid"; stop_backends' EXIT
trap 'exit 130' INT TERM

isolate_in "$tmp"
bench_config "$tmp/bench.toml"   # shipped defaults, rate limits off
config_set "$tmp/bench.toml" server io_threads "$IO_THREADS"   # what `mercato serve --threads` sets

# What is measured: target t is backends_of[t] and queries_of[t] at urls[t]; target 0 is the ceiling.
start_ceiling
queries_of=(/)
answers_of=("")
totals=("")
scripts=()
declare -A port_of admin_token seed_s built_ms rebuilt_ms product

# search_total PORT QUERY: the total of GET /v1/search?QUERY (empty when it answers no result).
search_total() {
    http_get "$1" "/v1/search?$2" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || true
}

# indexed_ms BACKEND WHAT: waits for the log line "WHAT: PRODUCTS products in N ms" and, with it, for
# GET /v1/search?q= to count every product; prints N.
indexed_ms() {
    local log="$tmp/mercato-$1.log" line="" i
    for ((i = 0; i < INDEX_WAIT_S * 10; i++)); do
        line=$(sed -n "s/.*$2: $PRODUCTS products in \([0-9]*\) ms.*/\1/p" "$log" | head -n 1)
        if [[ -n $line && $(search_total "${port_of[$1]}" q=) == "$PRODUCTS" ]]; then
            echo "$line"
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$log" >&2
    die "$1: no \"$2: $PRODUCTS products\" in the log with all of them found within $INDEX_WAIT_S s"
}

# start_search BACKEND DB_URL: loads the demo products into DB_URL, serves them with an admin, times the
# index's build at start and a rebuild on request, and adds the backend's three queries as targets.
start_search() {
    local backend=$1 db=$2 name slug one three query total answer
    seed_demo "$backend" "$db" "$PRODUCTS"
    serve_with_admin "$backend" "$db" "$tmp/bench.toml"
    built_ms[$backend]=$(indexed_ms "$backend" "search index built")
    answer=$(http_request_as "${admin_token[$backend]}" POST "${port_of[$backend]}" /v1/search/index)
    [[ $answer == *'"scope":"all"'* ]] || die "$backend: POST /v1/search/index answered: $answer"
    rebuilt_ms[$backend]=$(indexed_ms "$backend" "search reindex")

    # The first product of the listing with a category, stock, a price inside the faceted query's range
    # and three words of letters in its name before any comma or parenthesis.
    IFS=$'\t' read -r name slug one three < <(http_get "${port_of[$backend]}" "/v1/products?limit=100" | python3 -c '
import json, re, sys
from urllib.parse import quote_plus
for p in json.load(sys.stdin)["items"]:
    words = [w.lower() for w in re.split(r"[,(]", p["name"])[0].split() if re.fullmatch(r"[A-Za-z]{2,}", w)]
    if p.get("category") and p.get("stock", 0) > 0 and 1000 <= p["price"] <= 20000 and len(words) >= 3:
        print(p["name"], p["category"], quote_plus(words[-1]), "+".join(map(quote_plus, words[-3:])), sep="\t")
        break') || die "$backend: no product on the first page of the listing suits the queries"
    product[$backend]="\"$name\", category \`$slug\`"

    for query in "q=$one" "q=$three" "q=$one&category=$slug&$FACETS"; do
        total=$(search_total "${port_of[$backend]}" "$query")
        [[ $total =~ ^[1-9][0-9]*$ ]] || die "$backend: GET /v1/search?$query found ${total:-no answer}"
        add_target "$backend" "$query" "http://127.0.0.1:${port_of[$backend]}/v1/search?$query"
        queries_of+=("$query")
        answers_of+=(repeated)
        totals+=("$total")
        add_distinct_target "$backend" "$query" "$total"
    done
}

# add_distinct_target BACKEND QUERY TOTAL: QUERY again, but every request a search the server has not
# answered before, so none is served from its result cache: the query with max_price one higher each
# time, from far above any price (the same matches), or from the faceted query's own cap (20000, a
# few more matches as it rises).
add_distinct_target() {
    local backend=$1 query=$2 from=1000000000 script
    if [[ $query == *max_price=* ]]; then
        from=${query##*max_price=}
        from=${from%%&*}
        query=${query/max_price=$from&/}
        query=${query/&max_price=$from/}
    fi
    script="$tmp/distinct-${#targets[@]}.lua"
    cat >"$script" <<LUA
local n = 0
request = function()
    n = n + 1
    return wrk.format(nil, "/v1/search?$query&max_price=" .. ($from + n))
end
LUA
    add_target "$backend" "$2 (distinct)" "http://127.0.0.1:${port_of[$backend]}/v1/search?$2"
    scripts[${#targets[@]} - 1]=$script
    queries_of+=("$2")
    answers_of+=(distinct)
    totals+=("$3")
}

on_each_backend start_search mercato_search_bench

declare -A rps p50 p99 bad med_rps med_p50 med_p99 ratio p99_ok index_ok
interleaved_wrk_rounds
wrk_medians

missed=0
checked=0
for ((t = 1; t < ${#targets[@]}; t++)); do
    p99_ok[$t]=$(verdict "${med_p99[$t]}" "<" "$MAX_P99_MS")
    checked=$((checked + 1))
    [[ ${p99_ok[$t]} == met ]] || missed=$((missed + 1))
done
peaks=""
for backend in "${backends[@]}"; do
    index_ok[$backend]=$(verdict "${built_ms[$backend]}" "<" "$MAX_INDEX_MS")
    checked=$((checked + 1))
    [[ ${index_ok[$backend]} == met ]] || missed=$((missed + 1))
    peaks+="${peaks:+, }$backend $(rss_mb "${mercato_pid[$backend]}" VmHWM) MB"
done
if ((missed == 0)); then
    summary="all $checked met"
else
    summary="$missed of $checked missed"
fi

section="$tmp/section.md"
{
    section_head "$section_title"
    seed_lines "$PRODUCTS"
    echo "- Servers: the bare Beast server and one \`mercato serve\` per backend with io_threads = $IO_THREADS (as"
    echo "  \`--threads $IO_THREADS\`; shipped configuration but rate limits off), all running side by side; the"
    echo "  search index on SQLite in the data dir, built at the first start; on PostgreSQL a temporary one"
    echo "- Indexing: the build at start as the server logs it (\`search index built: $PRODUCTS products in N ms\`,"
    echo "  awaited until \`GET /v1/search?q=\` counts all $PRODUCTS); then a full rebuild asked by an admin"
    echo "  through \`POST /v1/search/index\` (\`search reindex: $PRODUCTS products in N ms\`), before any query"
    echo "- Requests: \`GET /v1/search?{query}\`, the words taken from the first listed product with a category,"
    echo "  stock and a price in the faceted range: one-word, its last word; three-word, its last three;"
    echo "  faceted, the one word with its category and \`$FACETS\`."
    echo "  Every answer carries facets (category, tags, price ranges) over the whole match set; total: its matches."
    echo "  Answers: repeated, the same URL every time, so after the first request the server answers from"
    echo "  its result cache (kept until the index's next commit); distinct, every request a search not asked"
    echo "  before (\`max_price\` one higher each time: from 1000000000, which changes no match, or from the"
    echo "  faceted query's 20000), so every one runs the full Xapian match, facets included"
    for backend in "${backends[@]}"; do
        echo "  ($backend: ${product[$backend]})"
    done
    echo "- Command: \`wrk ${WRK_ARGS[*]} <url>\`, $ROUNDS rounds with all targets interleaved; medians shown;"
    echo "  ratio: req/s over the bare server's in the same rounds"
    echo
    echo "| backend | index built at start ms | < $MAX_INDEX_MS ms | full rebuild on request ms |"
    echo "|---|---:|---|---:|"
    for backend in "${backends[@]}"; do
        echo "| $backend | ${built_ms[$backend]} | ${index_ok[$backend]} | ${rebuilt_ms[$backend]} |"
    done
    echo
    echo "| backend | query | answers | total | req/s (median) | p50 ms | p99 ms | ratio to bare | p99 < $MAX_P99_MS ms |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---|"
    printf '| bare server | / | | | %.0f | %.3f | %.3f | 1.00 | |\n' "${med_rps[0]}" "${med_p50[0]}" "${med_p99[0]}"
    for ((t = 1; t < ${#targets[@]}; t++)); do
        printf '| %s | %s | %s | %s | %.0f | %.3f | %.3f | %.2f | %s |\n' "${backends_of[t]}" "\`${queries_of[t]}\`" \
            "${answers_of[t]}" "${totals[t]}" "${med_rps[$t]}" "${med_p50[$t]}" "${med_p99[$t]}" "${ratio[$t]}" "${p99_ok[$t]}"
    done
    wrk_warnings
    echo
    echo "- Peak RSS of mercato (VmHWM after the runs, indexing included): $peaks"
    echo
    echo "Targets: p99 < $MAX_P99_MS ms on every query at 64 connections, the index of all $PRODUCTS products built"
    echo "at start in < $MAX_INDEX_MS ms on each backend: $summary."
} >"$section"

write_section "$section_title" "$section" "$bench_dir/RESULTS.md"
cat "$section"
echo "(written to $bench_dir/RESULTS.md)" >&2

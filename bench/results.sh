# Shared by the bench scripts (sourced): medians, reading the tools' reports, verdicts on targets, the machine's
# description, and writing one section of bench/RESULTS.md in place.

median() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1}
        END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# field LINE NAME: the value of NAME=value in a tool's one-line report.
field() {
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

# verdict VALUE OP LIMIT: "met" when VALUE >= LIMIT (OP ">=") or VALUE < LIMIT (OP "<"), else "missed".
verdict() {
    awk -v v="$1" -v lim="$3" -v op="$2" 'BEGIN {
        ok = (op == ">=") ? (v >= lim) : (v < lim)
        print ok ? "met" : "missed"
    }'
}

machine_line() {
    local cpu_model mem_total
    cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    mem_total=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
    echo "- Machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, $mem_total RAM"
}

# section_head HEADING: the start of a section: its heading, the date, the machine, and the build type
# and folder of the caller's build_dir.
section_head() {
    local build_type
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
    echo "$1"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    machine_line
    echo "- Build: ${build_type:-unknown} ($build_dir)"
}

# write_section HEADING SECTION_FILE RESULTS_FILE: replaces the section that starts with the exact
# heading line (up to the next "## " heading), keeps every other section, appends when absent.
write_section() {
    local heading=$1 section=$2 results=$3 out
    out=$(mktemp)
    [[ -f $results ]] || : >"$results"
    awk -v section="$section" -v heading="$heading" '
        function emit(  line) {
            while ((getline line < section) > 0) print line
            close(section)
            done = 1
        }
        $0 == heading {if (!done) emit(); skip = 1; next}
        skip && /^## / {skip = 0; print ""}
        !skip {print; last = $0}
        END {
            if (!done) {
                if (NR > 0 && last != "") print ""
                emit()
            }
        }' "$results" >"$out"
    cat "$out" >"$results"
    rm -f "$out"
}

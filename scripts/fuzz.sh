#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang under AddressSanitizer and UndefinedBehaviorSanitizer
# in build-fuzz (unless these sources were built before, see below), then runs each for SECONDS (default 20) from a copy of its corpus, so runs never
# change the repository. Fails when any target finds a crash, a leak, a timeout or a broken rule;
# the input is then left in build-fuzz/findings/, to keep in fuzz/regressions/<target>/ once fixed.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail

seconds=${1:-20}
shift $(( $# > 0 ? 1 : 0 ))
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_http_request fuzz_json_bodies fuzz_jwt fuzz_webhook_signature fuzz_search_query)

# The targets are built only when what they are built from changed: each build's binaries are kept
# under MERCATO_FUZZ_CACHE (~/.cache/mercato/fuzz), named by a digest of the compiler and every file
# that goes into them, so another clone of the same code (CI's) runs them instead of compiling the
# whole project again under sanitizers. The corpus and the regressions are inputs of runs, not builds.
cache=${MERCATO_FUZZ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mercato/fuzz}
digest=$( { clang++ --version
            cd "$root" && find CMakeLists.txt cmake src fuzz migrations config openapi/openapi.json -type f \
              -not -path 'fuzz/corpus/*' -not -path 'fuzz/regressions/*' -print0 | sort -z | xargs -0 sha256sum
          } | sha256sum | cut -c1-16)
kept=$cache/$digest
to_build=()
for target in "${targets[@]}"; do
  [ -x "$kept/$target" ] || to_build+=("$target")
done
if [ ${#to_build[@]} -gt 0 ]; then
  # The lock keeps builds of several trees on one machine from running at once.
  locked() { flock /tmp/mercato-build.lock "$@"; }
  if [ ! -f "$build/build.ninja" ]; then
    locked cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DMERCATO_FUZZ=ON
  fi
  locked cmake --build "$build" -j "${JOBS:-2}" --target "${to_build[@]}"
  mkdir -p "$kept"
  for target in "${to_build[@]}"; do cp "$build/fuzz/$target" "$kept/"; done
  # Two builds are kept: this one and the one before it.
  find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
    xargs -r rm -rf
else
  echo "fuzz: the targets of these sources are built already ($kept)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/findings"
failed=()
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  # Seeds and the inputs of crashes already fixed, which must stay fixed.
  for dir in "$root/fuzz/corpus/$target" "$root/fuzz/regressions/$target"; do
    [ -d "$dir" ] && cp "$dir"/* "$corpus"/ 2>/dev/null || true
  done
  # A shop's background threads allocate during every input, which sets off libFuzzer's per-input
  # leak check each time (15 times slower); LeakSanitizer still checks those targets when they exit.
  case $target in
    fuzz_jwt|fuzz_webhook_signature) per_input_leaks=1 ;;
    *) per_input_leaks=0 ;;
  esac
  echo "== $target: ${seconds} s"
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$kept/$target" "$corpus" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
        -max_len=8192 -detect_leaks="$per_input_leaks" -print_final_stats=1 \
        -artifact_prefix="$build/findings/$target-" 2>&1 | tail -n 40); then
    failed+=("$target")
  fi
done

echo "fuzz: $(( ${#targets[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi

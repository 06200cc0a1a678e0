#!/usr/bin/env bash
# Builds the libFuzzer targets (ASan + UBSan) and runs each for N seconds.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
#       SECONDS_PER_TARGET  default 60
#       TARGET              line_parser attributes dialect input_decoder gffdb_open ingest fasta (default: all)
#
# Environment:
#   GFFBASE_FUZZ_BUILD       build directory (default: <repo>/build-fuzz)
#   CC / CXX                 compilers (default: clang-14 / clang++-14)
#   GFFBASE_FUZZ_SKIP_KNOWN  1 = targets skip inputs hitting already reported bugs (see RELIABILITY.md)
#   FUZZ_EXTRA_ARGS          extra libFuzzer flags, e.g. "-jobs=4 -workers=4" for a long campaign
#
# Corpora live in fuzz/corpus-<target>/ (gitignored; created by fuzz/make_seeds.sh
# on first use, grown by every run).  Logs and crash/timeout/oom inputs go to
# $GFFBASE_FUZZ_BUILD/fuzz-logs and $GFFBASE_FUZZ_BUILD/fuzz-artifacts.
# Prints executions per target; exits non-zero when any target crashed, hung,
# ran out of memory or failed to build.
set -uo pipefail

secs="${1:-60}"
shift || true
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GFFBASE_FUZZ_BUILD:-$repo/build-fuzz}"
all_targets=(line_parser attributes dialect input_decoder gffdb_open ingest fasta)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

max_len_of() {
  case "$1" in
    attributes) echo 4096 ;;
    dialect) echo 8192 ;;
    input_decoder) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]" >&2
  exit 2
fi

# --- build --------------------------------------------------------------------
if [ ! -f "$build/build.ninja" ]; then
  CC="${CC:-clang-14}" CXX="${CXX:-clang++-14}" cmake -S "$repo" -B "$build" -G Ninja \
    -DGFFBASE_BUILD_FUZZERS=ON -DGFFBASE_BUILD_TESTS=OFF -DGFFBASE_BUILD_CLI=OFF \
    -DGFFBASE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || {
    echo "fuzz.sh: cmake configure failed" >&2
    exit 1
  }
fi
if ! ninja -C "$build" "${targets[@]/#/fuzz_}"; then
  echo "fuzz.sh: build failed" >&2
  exit 1
fi

# --- seeds --------------------------------------------------------------------
for t in "${targets[@]}"; do
  if [ ! -d "$repo/fuzz/corpus-$t" ]; then
    bash "$repo/fuzz/make_seeds.sh"
    break
  fi
done

# --- run ----------------------------------------------------------------------
logs="$build/fuzz-logs"
artifacts="$build/fuzz-artifacts"
mkdir -p "$logs" "$artifacts"
status=0
summary=()
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  echo "== fuzz_$t: ${secs}s, -max_len=$(max_len_of "$t")"
  # shellcheck disable=SC2086
  timeout --kill-after=30 $((secs + 300)) "$build/fuzz/fuzz_$t" "$repo/fuzz/corpus-$t" \
    -max_total_time="$secs" -max_len="$(max_len_of "$t")" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" ${FUZZ_EXTRA_ARGS:-} >"$log" 2>&1
  rc=$?
  execs="$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')"
  rate="$(grep -h 'stat::average_exec_per_sec' "$log" | tail -1 | awk '{print $2}')"
  corpus="$(ls "$repo/fuzz/corpus-$t" | wc -l)"
  if [ "$rc" -eq 0 ]; then
    result="ok"
  else
    status=1
    result="FAILED (exit $rc)"
    grep -hE 'ERROR:|SUMMARY:|fuzz property violated|Test unit written' "$log" | head -8 | sed 's/^/   /'
  fi
  printf '   %s: %s executions (%s/s), corpus %s files: %s\n' "$t" "$execs" "${rate:-?}" "$corpus" "$result"
  summary+=("$(printf '%-14s %12s  %s' "$t" "$execs" "$result")")
done

echo
echo "target         executions  result   (${secs}s each; logs in $logs)"
printf '%s\n' "${summary[@]}"
exit "$status"

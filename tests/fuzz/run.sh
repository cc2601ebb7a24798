#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [HARNESS...] — build the libFuzzer harnesses
# (clang, AddressSanitizer + UndefinedBehaviorSanitizer) and run each for
# SECONDS seconds, seeded with the project's fixtures. With no HARNESS,
# all of them: fuzz_read_{text,html,xml,sgml,jsonl,auto}, fuzz_extract,
# fuzz_query, fuzz_manifest.
#
#   tests/fuzz/run.sh 5          # CI: a few seconds each
#   tests/fuzz/run.sh 600 fuzz_read_html
#
# The build folder is $CDX_FUZZ_BUILD (default build-fuzz/ at the top of
# the tree). Each harness keeps the inputs it found in
# BUILD/fuzz-corpus/NAME (reused by later runs); a crash is saved in
# BUILD/fuzz-artifacts/NAME/ and the script exits 1 naming it. Turn every
# crash into a regression test (tests/test_robust*.c) before fixing it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: tests/fuzz/run.sh SECONDS [HARNESS...]}
shift
build=${CDX_FUZZ_BUILD:-$root/build-fuzz}
all=(fuzz_read_text fuzz_read_html fuzz_read_xml fuzz_read_sgml
     fuzz_read_jsonl fuzz_read_auto fuzz_extract fuzz_query fuzz_manifest)
[ $# -gt 0 ] && all=("$@")

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$root" -Dfuzz=true -Dbuildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >/dev/null
fi
ninja -C "$build" "${all[@]/#/tests/fuzz/}" >/dev/null

# seeds NAME: the fixture files that suit a harness, one per line.
seeds() {
  local d=$root/tests/data s=$root/corpus/samples r=$root/tests/data/robust
  case $1 in
    fuzz_read_text|fuzz_extract)
      ls "$d"/corpus/*.txt "$d"/cli/*.txt "$s"/*.txt "$r"/*.txt ;;
    fuzz_read_html) ls "$d"/corpus/*.html "$d"/cli/*.html "$s"/*.html \
                       "$r"/*.html ;;
    fuzz_read_xml) ls "$d"/corpus/*.xml "$d"/corpus/*.rss \
                      "$d"/corpus/*.atom "$r"/*.xml "$r"/*.rss "$r"/*.atom ;;
    fuzz_read_sgml) ls "$d"/corpus/*.sgm "$r"/*.sgm ;;
    fuzz_read_jsonl) ls "$d"/corpus/*.jsonl "$r"/*.jsonl ;;
    fuzz_read_auto) ls "$d"/corpus/* "$d"/cli/* "$r"/* ;;
    fuzz_query) ls "$root"/tests/fuzz/seeds/query/* ;;
    fuzz_manifest) ls "$root"/tests/fuzz/seeds/manifest/* ;;
  esac 2>/dev/null || true
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for h in "${all[@]}"; do
  corpus=$build/fuzz-corpus/$h art=$build/fuzz-artifacts/$h
  seed=$build/fuzz-seeds/$h
  rm -rf "$seed"
  mkdir -p "$corpus" "$art" "$seed"
  seeds "$h" | while read -r f; do
    if [ -f "$f" ] && [ -s "$f" ]; then cp "$f" "$seed/"; fi
  done
  dict=()
  [ -f "$root/tests/fuzz/$h.dict" ] && dict=(-dict="$root/tests/fuzz/$h.dict")
  log=$build/fuzz-$h.log
  if "$build/tests/fuzz/$h" "$corpus" "$seed" "${dict[@]}" \
      -max_total_time="$secs" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$art/" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$h: ok, ${runs:-?} runs in ${secs}s"
  else
    echo "$h: FAILED, see $log; input saved in $art/" >&2
    grep -m3 -E 'ERROR|runtime error|Assertion' "$log" >&2 || true
    status=1
  fi
done
exit $status

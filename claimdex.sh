#!/usr/bin/env bash
# claimdex.sh — set-up, build, demo and tests in one place, so that the
# README's two commands and CI run exactly the same steps.
#
#   ./claimdex.sh demo    install what is missing, build (release), ingest
#                         corpus/samples into a fresh index, print its
#                         claims grouped by entity and a search
#   ./claimdex.sh test    install, build, run every test; then build with
#                         AddressSanitizer + UndefinedBehaviorSanitizer and
#                         run every test again; run each libFuzzer harness
#                         for a few seconds; print "N passed, N failed"
#   ./claimdex.sh build   install and build only
#
# Idempotent: packages already present are not reinstalled, existing build
# folders are reused.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(gcc libc6-dev pkg-config meson ninja-build python3
          libpcre2-dev libxml2-dev liblmdb-dev check libsubunit-dev
          libutf8proc-dev libstemmer-dev lmdb-utils
          clang libclang-rt-14-dev valgrind time python3-xapian)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "claimdex.sh: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR [meson options...]
build() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" >/dev/null
}

# run_tests DIR LABEL: meson test, then add up Check's per-suite summaries
# ("100%: Checks: N, Failures: F, Errors: E") from the test log.
run_tests() {
  local dir=$1 label=$2 rc=0
  meson test -C "$dir" --print-errorlogs --num-processes 2 || rc=$?
  python3 - "$dir/meson-logs/testlog.json" "$label" <<'PY' >> "$COUNTS"
import json, re, sys
passed = failed = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get("stdout", "") or ""
    m = re.search(r"(\d+)%: Checks: (\d+), Failures: (\d+), Errors: (\d+)", out)
    ok = t.get("result") == "OK"
    if m:
        n, f, e = int(m.group(2)), int(m.group(3)), int(m.group(4))
        bad = f + e if (f + e) or ok else max(1, f + e)
        passed += n - min(n, bad)
        failed += bad
    else:  # a plain executable (no Check summary): one test
        passed += ok
        failed += not ok
    print(f"  {sys.argv[2]}: {t['name']}: {t.get('result')}", file=sys.stderr)
print(passed, failed)
PY
  return $rc
}

cmd=${1:-}
case "$cmd" in
  build)
    install_deps
    build build --buildtype=release
    echo "built build/claimdex"
    ;;
  demo)
    install_deps
    build build --buildtype=release
    db=build/demo.db
    rm -rf "$db"
    echo "== ingest corpus/samples into $db"
    build/claimdex --db "$db" ingest corpus/samples
    echo
    echo "== entities the claims are about (top 15)"
    build/claimdex --db "$db" entities | head -n 15
    echo
    echo "== percentages found, grouped by entity (the same figure in several documents on one line)"
    build/claimdex --db "$db" claims --kind percent
    echo
    echo "== tonnages about China (--entity Beijing: aliases resolve to China)"
    build/claimdex --db "$db" claims --entity Beijing --kind mass
    echo
    echo "== search: rare earth reserves"
    build/claimdex --db "$db" search --limit 3 rare earth reserves
    echo
    echo "Try: build/claimdex --db $db claims --json --entity cobalt | head"
    ;;
  test)
    install_deps
    COUNTS=$(mktemp)
    trap 'rm -f "$COUNTS"' EXIT
    status=0
    build build --buildtype=release
    run_tests build release || status=1
    # memory stays bounded on a 100 MB text file and a 60 MB page (about a
    # minute; release build only, sanitizers are too slow for it)
    if CLAIMDEX_BIN=build/claimdex tests/crash/memory.sh; then
      echo "1 0" >> "$COUNTS"
    else
      echo "0 1" >> "$COUNTS"; status=1
    fi
    # valgrind memcheck on the CLI end-to-end suite, every claimdex process
    # it spawns included (about 6 minutes)
    meson test -C build --setup valgrind cli --print-errorlogs \
      --num-processes 2 || status=1
    python3 - "build/meson-logs/testlog-valgrind.json" valgrind <<'PY' >> "$COUNTS"
import json, re, sys
p = f = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    m = re.search(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)", t.get("stdout") or "")
    n, bad = (int(m.group(1)), int(m.group(2)) + int(m.group(3))) if m else (1, 0)
    if t.get("result") != "OK":
        bad = max(bad, 1)
    p += n - min(n, bad); f += bad
print(p, f)
PY
    build build-san --buildtype=debug -Db_sanitize=address,undefined \
      -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_tests build-san sanitizers || status=1
    # libFuzzer: every harness a few seconds on the fixtures (tests/fuzz);
    # a crash fails the run and is counted as one failed test.
    fuzzlog=$(mktemp)
    tests/fuzz/run.sh "${CDX_FUZZ_SECONDS:-5}" 2>&1 | tee "$fuzzlog" || status=1
    echo "$(grep -c ': ok,' "$fuzzlog") $(grep -c ': FAILED' "$fuzzlog")" >> "$COUNTS"
    rm -f "$fuzzlog"
    read -r p f < <(awk '{p+=$1; f+=$2} END {print p+0, f+0}' "$COUNTS")
    [ "$f" -eq 0 ] || status=1
    echo "$p passed, $f failed"
    exit $status
    ;;
  *)
    echo "usage: $0 demo|test|build" >&2
    exit 2
    ;;
esac

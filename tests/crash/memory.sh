#!/usr/bin/env bash
# tests/crash/memory.sh [TEXT_MB] [HTML_MB] — peak memory of `claimdex
# ingest` and `claimdex extract` on large inputs stays under the bounds
# stated in docs/errors.md ("Memory"), whatever the input size.
#
# Generates a plain-text file of TEXT_MB (default 100) MB and an HTML page
# of HTML_MB (default 60) MB, runs ingest and extract on each under
# /usr/bin/time -f %M, prints the peak resident size of each run and fails
# when one is over its bound (measured on 2 cores, release build, the same
# with --threads 16):
#   plain text (read in 4 MiB parts):  ingest 224 MiB (measured 185),
#     extract 96 MiB (measured 53; 67 with 16 threads)
#   HTML (libxml2 needs the whole page): 6.5 x the page size (measured
#     5.4 x: 323 MiB ingest, 324 MiB extract for 60 MB)
# The text ingest's peak is at close, when compaction reads the whole
# index (about 160 MB here) through LMDB's map: those file pages count in
# the resident size. extract reads at most 64 MiB per file unless it has
# --max-size, so the text it gets is cut to 60 MB when it has not.
#
# The binary is $CLAIMDEX_BIN (default build/claimdex). About 2 minutes
# on 2 cores with a release build; far too slow under sanitizers.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CLAIMDEX_BIN:-$root/build/claimdex}
text_mb=${1:-100}
html_mb=${2:-60}
tmp=$(mktemp -d /tmp/cdx-memory-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

[ -x /usr/bin/time ] || { echo "memory test: needs /usr/bin/time (package time)" >&2; exit 1; }

python3 - "$tmp" "$text_mb" "$html_mb" <<'PY'
import os, random, sys
out, text_mb, html_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
metals = ["copper", "cobalt", "lithium", "nickel", "zinc", "tin", "graphite"]
lands = ["Chile", "Peru", "Australia", "Indonesia", "Congo", "China", "Canada"]
words = ("the market output mine smelter demand supply report analysts said "
         "year quarter prices exports imports production capacity").split()
def para():
    s = []
    for _ in range(rnd.randint(2, 6)):
        m, c, r = rnd.choice(metals), rnd.choice(lands), rnd.random()
        if r < 0.3:
            s.append("%s produced %d%% of the world's %s in %d." %
                     (c, rnd.randint(1, 90), m, rnd.randint(1990, 2024)))
        elif r < 0.5:
            s.append("Output of %s reached %d,%03d tonnes, analysts said." %
                     (m, rnd.randint(1, 900), rnd.randint(0, 999)))
        elif r < 0.6:
            s.append("Exports from %s rose by $%d million over the year." %
                     (c, rnd.randint(1, 900)))
        else:
            s.append(" ".join(rnd.choice(words) for _ in
                              range(rnd.randint(8, 20))).capitalize() + ".")
    return " ".join(s)
def write(path, size, html):
    with open(path, "w") as f:
        n = 0
        if html:
            f.write("<!DOCTYPE html>\n<html><head><title>Generated report"
                    "</title></head><body>\n")
        while n < size:
            p = ("<p>%s</p>\n" if html else "%s\n\n") % para()
            f.write(p)
            n += len(p)
        if html:
            f.write("</body></html>\n")
write(os.path.join(out, "big.txt"), text_mb * 1000000, False)
write(os.path.join(out, "big.html"), html_mb * 1000000, True)
PY
head -c 60000000 "$tmp/big.txt" > "$tmp/cut.txt"
extract_text=$tmp/cut.txt
extract_opts=()
if "$bin" extract --help 2>&1 | grep -q -- --max-size; then
  extract_text=$tmp/big.txt
  extract_opts=(--max-size 2G)
fi

# run LABEL BOUND_KB COMMAND...: peak RSS of COMMAND against BOUND_KB
run() {
  local label=$1 bound=$2; shift 2
  local t0=$SECONDS
  /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err"
  local rc=$? kb
  kb=$(tail -1 "$tmp/rss")
  if [ $rc -ne 0 ]; then
    echo "memory test: FAILED: $label exited $rc: $(grep -v '^Command' "$tmp/err" | tail -1)" >&2
    fail=1
    return
  fi
  printf '%-34s peak %5d MiB (bound %4d MiB) %3d s\n' "$label" \
    $((kb / 1024)) $((bound / 1024)) $((SECONDS - t0))
  if [ "$kb" -gt "$bound" ]; then
    echo "memory test: FAILED: $label peak $((kb / 1024)) MiB is over $((bound / 1024)) MiB" >&2
    fail=1
  fi
}

html_kb=$(( $(stat -c %s "$tmp/big.html") * 13 / 2 / 1024 ))
run "ingest ${text_mb} MB text" $((224 * 1024)) \
  "$bin" --db "$tmp/db1" ingest --max-size 2G "$tmp/big.txt"
run "extract $(( $(stat -c %s "$extract_text") / 1000000 )) MB text" $((96 * 1024)) \
  "$bin" extract "${extract_opts[@]}" "$extract_text"
run "ingest ${html_mb} MB HTML" "$html_kb" \
  "$bin" --db "$tmp/db2" ingest --max-size 2G "$tmp/big.html"
run "extract ${html_mb} MB HTML" "$html_kb" \
  "$bin" extract "$tmp/big.html"
[ $fail -eq 0 ] && echo "memory test: ok"
exit $fail

#!/usr/bin/env bash
# tests/crash/run.sh [DOCS] [KILLS] — crash safety of `claimdex ingest`.
#
# Generates DOCS small documents (default 3000, plus 60 exact copies of
# some of them under other names), then KILLS times (default 6) starts an
# ingest of them into one index and kills it with SIGKILL after a random
# delay within the time a whole ingest takes. After every kill:
#   - `claimdex check` passes (the index opens and is consistent);
#   - the index holds no fewer documents than before the kill (committed
#     batches are never lost) and every document it holds is whole (its
#     stored text is the file's text);
# and at the end the same ingest, run to completion, exits 0 and leaves
# exactly the distinct-content count of documents (no duplicates), and
# one more run adds nothing.
#
# The binary is $CLAIMDEX_BIN (default build/claimdex). Prints one line
# per kill and "crash test: ok" or the first failure; exit status 0 or 1.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CLAIMDEX_BIN:-$root/build/claimdex}
ndocs=${1:-3000}
kills=${2:-6}
tmp=$(mktemp -d /tmp/cdx-crash-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
corpus=$tmp/corpus db=$tmp/db
mkdir -p "$corpus"

fail() { echo "crash test: FAILED: $*" >&2; exit 1; }

# The documents: unique texts with claims, in a few folders.
python3 - "$corpus" "$ndocs" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
metals = ["copper", "cobalt", "lithium", "nickel", "zinc", "tin", "graphite"]
lands = ["Chile", "Peru", "Australia", "Indonesia", "Congo", "China"]
for i in range(n):
    d = os.path.join(out, "part%02d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    m, c = rnd.choice(metals), rnd.choice(lands)
    text = ("Report %d on %s\n\n%s produced %d%% of the world's %s in %d, "
            "about %d,000 tonnes. Prices rose by $%d million over the year.\n"
            % (i, m, c, rnd.randint(1, 90), m, rnd.randint(1990, 2024),
               rnd.randint(1, 900), rnd.randint(1, 500)))
    open(os.path.join(d, "doc%05d.txt" % i), "w").write(text)
# exact copies under other names: the index keeps one of each
dup = os.path.join(out, "zz-copies")
os.makedirs(dup)
for i in range(0, min(n, 60)):
    src = os.path.join(out, "part%02d" % (i % 10), "doc%05d.txt" % i)
    open(os.path.join(dup, "copy%05d.txt" % i), "w").write(open(src).read())
PY
distinct=$ndocs

docs_in() { # number of documents in the index
  "$bin" --db "$db" stats --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["documents"])'
}

# every document the index holds is whole: a sample of them shows the
# title and the last sentence of its file
whole() {
  local f out title last
  for f in $(ls "$corpus"/part0*/doc*.txt | shuf -n 30); do
    out=$("$bin" --db "$db" show "$f" 2>/dev/null) || continue
    title=$(head -1 "$f")
    last=$(sed -n 3p "$f" | sed 's/.*Prices rose/Prices rose/' | cut -c1-14)
    grep -qF -- "$title" <<<"$out" && grep -qF -- "$last" <<<"$out" \
      || fail "document $f is not whole after a kill"
  done
}

# How long a whole ingest takes, to spread the kills across it.
t0=$(date +%s%N)
"$bin" --db "$tmp/probe" --quiet ingest "$corpus" >/dev/null 2>&1
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rm -rf "$tmp/probe"
[ "$full_ms" -gt 0 ] || full_ms=1

prev=0
for k in $(seq 1 "$kills"); do
  delay_ms=$(( (RANDOM % (full_ms * 9 / 10 + 1)) + 5 ))
  "$bin" --db "$db" --quiet ingest "$corpus" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN{printf "%.3f", ms/1000}')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ ! -e "$db/data.mdb" ]; then  # killed before LMDB made its file
    echo "kill $k after ${delay_ms} ms: before the index was created"
    continue
  fi
  "$bin" --db "$db" check >"$tmp/check.out" 2>&1 \
    || fail "check after kill $k: $(cat "$tmp/check.out")"
  n=$(docs_in) || fail "stats after kill $k"
  [ "$n" -ge "$prev" ] || fail "kill $k: $n documents, $prev before"
  whole
  echo "kill $k after ${delay_ms} ms of ~${full_ms}: check ok, $n documents"
  prev=$n
done

"$bin" --db "$db" --quiet ingest "$corpus" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "final ingest exit $rc: $(head -3 "$tmp/err")"
"$bin" --db "$db" check >/dev/null 2>&1 || fail "check after final ingest"
n=$(docs_in)
[ "$n" -eq "$distinct" ] || fail "$n documents, expected $distinct distinct"
out=$("$bin" --db "$db" ingest "$corpus" 2>/dev/null)
grep -q " 0 new, 0 replaced" <<<"$out" || fail "re-ingest changed: $out"
echo "crash test: ok ($kills kills, $n documents, ${full_ms} ms per ingest)"

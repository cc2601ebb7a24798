#!/usr/bin/env bash
# bench/index_size.sh [--bin build/claimdex] [--corpora ../shared/corpora]
#                     [--keep DIR] [--dbs]
#
# Index size against the text it indexes, on BBC news (the folder) and
# Reuters-21578 (its .sgm files only, passed one by one: the folder also
# holds .txt lists). For each corpus, a fresh index:
#
#   raw MB        the text claimdex stored (stats text_bytes): the articles'
#                 own text, titles and bodies (a title the body opens with
#                 counted once, as it is stored once), which is what "% of
#                 raw" is measured against; bench_index.py's raw is title +
#                 body too
#   file MB       data.mdb after the ingest
#   text MB       the stored text (raw; its pages are in the file)
#   w/o text %    (file - stored text) / raw: the goal is <= 55 %
#   free MB       LMDB free pages left in the file (mdb_stat -ef)
#   3x growth     data.mdb after re-ingesting everything three more times
#                 / data.mdb after the first ingest (goal <= 1.3)
#
# --dbs adds the pages of each LMDB database (mdb_stat -a) per corpus.
# Needs mdb_stat (Debian package lmdb-utils). Sizes, not times: the
# numbers do not depend on the machine's load.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/claimdex
corpora=$root/../shared/corpora
keep= dbs=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --corpora) corpora=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --dbs) dbs=1; shift ;;
    *) echo "usage: $0 [--bin B] [--corpora D] [--keep DIR] [--dbs]" >&2
       exit 2 ;;
  esac
done
command -v mdb_stat >/dev/null || { echo "needs mdb_stat (lmdb-utils)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
tmp=${keep:-$(mktemp -d /tmp/cdx-size-XXXXXX)}
mkdir -p "$tmp"
[ -n "$keep" ] || trap 'rm -rf "$tmp"' EXIT

mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
fsize() { stat -c %s "$1/data.mdb"; }
free_bytes() {
  mdb_stat -ef "$1" | awk '/Page size/ {ps = $3} /Free pages/ {fp = $3}
                           END {print fp * ps}'
}
text_bytes() {
  "$bin" --db "$1" stats --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["text_bytes"])'
}

printf "%-8s %8s %8s %8s %11s %8s %10s\n" corpus "raw MB" "file MB" \
  "text MB" "w/o text %" "free MB" "3x growth"
run() { # name, then the ingest arguments
  local name=$1 db=$tmp/$1.cdx file text free first
  shift
  rm -rf "$db"
  "$bin" --db "$db" --quiet ingest "$@" >/dev/null
  file=$(fsize "$db") text=$(text_bytes "$db") free=$(free_bytes "$db")
  first=$file
  for _ in 1 2 3; do
    "$bin" --db "$db" --quiet ingest "$@" >/dev/null
  done
  printf "%-8s %8s %8s %8s %10.1f%% %8s %10.3f\n" "$name" "$(mb "$text")" \
    "$(mb "$file")" "$(mb "$text")" \
    "$(awk -v f="$file" -v t="$text" 'BEGIN { print 100 * (f - t) / t }')" \
    "$(mb "$free")" \
    "$(awk -v a="$(fsize "$db")" -v b="$first" 'BEGIN { print a / b }')"
  if [ "$dbs" = 1 ]; then
    mdb_stat -a "$db" | awk '/^Status of/ {n = $3}
      /Branch pages/ {b = $3} /Leaf pages/ {l = $3}
      /Overflow pages/ {if (b + l + $3 > 0)
        printf "    %-10s %8.2f MB\n", n, (b + l + $3) * 4096 / 1e6}'
  fi
}
run bbc "$corpora/bbc-news"
run reuters "$corpora"/reuters21578/*.sgm

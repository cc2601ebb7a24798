#!/usr/bin/env bash
# bench/syscalls.sh --peer P [--bin B] [--corpora D] [--threads N]
#
# The system overhead of an ingest, counted, against a peer binary P
# (an older claimdex build) measured in the same run: system calls by name (strace -f -c: the
# calls column, not its times), minor page faults and voluntary context
# switches (/usr/bin/time), on BBC news (the folder: 2,225 files) and
# Reuters-21578 (its 22 .sgm files). Counts, not times: they do not
# depend on the machine's load, so they compare on a busy machine.
# Prints each count for the peer and the binary and their ratio.
#
# Needs strace and /usr/bin/time (Debian packages strace, time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/claimdex
peer=
corpora=$root/../shared/corpora
threads=1
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --peer) peer=$2; shift 2 ;;
    --corpora) corpora=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 --peer P [--bin B] [--corpora D] [--threads N]" >&2
       exit 2 ;;
  esac
done
command -v strace >/dev/null || { echo "needs strace" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 2; }
[ -n "$peer" ] || { echo "usage: $0 --peer P [--bin B] [--corpora D] [--threads N]: P is the claimdex binary to compare with (an older build)" >&2; exit 2; }
for b in "$bin" "$peer"; do
  [ -x "$b" ] || { echo "no binary at $b" >&2; exit 2; }
done
tmp=$(mktemp -d /tmp/cdx-syscalls-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
calls="futex read newfstatat openat close madvise brk mmap munmap total"

# count TAG BIN ARGS...: tmp/TAG.calls (name count lines), tmp/TAG.time
count() {
  local tag=$1 b=$2
  shift 2
  rm -rf "$tmp/db"
  strace -f -c -o "$tmp/$tag.strace" "$b" --db "$tmp/db" --quiet ingest \
    --threads "$threads" "$@" >/dev/null
  awk 'NF >= 5 && $NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ {print $NF, $4}' \
    "$tmp/$tag.strace" > "$tmp/$tag.calls"
  rm -rf "$tmp/db"
  /usr/bin/time -f "minflt %R\nctxsw %w" -o "$tmp/$tag.time" "$b" \
    --db "$tmp/db" --quiet ingest --threads "$threads" "$@" >/dev/null
}

get() { awk -v n="$2" '$1 == n {print $2; f = 1} END {if (!f) print 0}' "$1"; }

report() { # corpus name, then the ingest arguments
  local name=$1
  shift
  count peer "$peer" "$@"
  count bin "$bin" "$@"
  printf "%-8s %-11s %9s %9s %7s\n" "$name" count peer bin ratio
  for c in $calls minflt ctxsw; do
    local f=calls
    case $c in minflt|ctxsw) f=time ;; esac
    local a b
    a=$(get "$tmp/peer.$f" "$c") b=$(get "$tmp/bin.$f" "$c")
    printf "%-8s %-11s %9s %9s %7s\n" "" "$c" "$a" "$b" \
      "$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "-" }')"
  done
}

echo "threads $threads; bin $bin; peer $peer"
report bbc "$corpora/bbc-news"
report reuters "$corpora"/reuters21578/*.sgm

#!/usr/bin/env bash
# bench/reingest.sh --peer P [--bin B] [--corpora D] [--rounds N]
#
# A re-ingest of an unchanged folder (the cron job "claimdex ingest
# ~/articles" every few minutes), claimdex against a peer binary P (an
# older build) in the same run, on BBC news (2,225 files) and
# Reuters-21578 (22 .sgm files). Each binary first builds its own index
# of the folder; then the second ingests of both run interleaved, N rounds
# (default 5), and the medians of their wall times and their ratio (peer
# / binary: above 1 is faster) are printed, with each one's system calls
# (strace -f -c, the calls column) and instructions (callgrind, --threads
# 1) of one re-ingest: counts that do not depend on the load.
#
# Needs strace and valgrind (Debian packages strace, valgrind).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/claimdex
peer=
corpora=$root/../shared/corpora
rounds=5
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --peer) peer=$2; shift 2 ;;
    --corpora) corpora=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 --peer P [--bin B] [--corpora D] [--rounds N]" >&2
       exit 2 ;;
  esac
done
[ -n "$peer" ] || { echo "usage: $0 --peer P [--bin B]" >&2; exit 2; }
[ -d "$corpora" ] || { echo "no corpora at $corpora: skipped" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
wall() { # wall seconds of: $@
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
syscalls() { # total system calls of: $@
  strace -f -c -o "$tmp/strace" "$@" >/dev/null 2>&1
  awk '$NF == "total" {print $(NF-2)}' "$tmp/strace"
}
instr() { # instructions of: $@
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" \
    >/dev/null 2>"$tmp/cg.err"
  sed -n 's/.*Collected : //p' "$tmp/cg.err"
}

for c in bbc-news reuters21578; do
  [ -d "$corpora/$c" ] || continue
  for who in peer bin; do
    b=${!who}
    "$b" --db "$tmp/$who-$c" ingest -q "$corpora/$c" >/dev/null
  done
  : > "$tmp/w-peer"; : > "$tmp/w-bin"
  for ((i = 0; i < rounds; i++)); do
    for who in peer bin; do
      b=${!who}
      wall "$b" --db "$tmp/$who-$c" ingest -q "$corpora/$c" >> "$tmp/w-$who"
    done
  done
  wp=$(median < "$tmp/w-peer"); wb=$(median < "$tmp/w-bin")
  printf '%s re-ingest: wall median %.3f s peer, %.3f s claimdex: %.1fx\n' \
    "$c" "$wp" "$wb" "$(echo "$wp / $wb" | bc -l)"
  sp=$(syscalls "$peer" --db "$tmp/peer-$c" ingest -q "$corpora/$c")
  sb=$(syscalls "$bin" --db "$tmp/bin-$c" ingest -q "$corpora/$c")
  printf '%s re-ingest: system calls %s peer, %s claimdex: %.1fx\n' \
    "$c" "$sp" "$sb" "$(echo "$sp / $sb" | bc -l)"
  ip=$(instr "$peer" --db "$tmp/peer-$c" ingest -q --threads 1 "$corpora/$c")
  ib=$(instr "$bin" --db "$tmp/bin-$c" ingest -q --threads 1 "$corpora/$c")
  printf '%s re-ingest: instructions %s peer, %s claimdex: %.1fx\n' \
    "$c" "$ip" "$ib" "$(echo "$ip / $ib" | bc -l)"
done

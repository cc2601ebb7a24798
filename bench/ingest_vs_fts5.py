#!/usr/bin/env python3
"""Ingest speed and index size of claimdex beside SQLite FTS5, in one run.

Usage: bench/ingest_vs_fts5.py [CORPUS_DIR] [--bin build/claimdex] [--runs 3]

CORPUS_DIR defaults to ../shared/corpora/bbc-news (plain text files). For
each run, claimdex ingests the folder into a fresh index (with claim
extraction), and SQLite FTS5 (tokenize='porter unicode61', one transaction,
stored text) indexes the same files. Prints the median times, MB/s and the
ratio claimdex/FTS5 speed, since this machine is noisy and only ratios from
one run compare.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def files_under(root):
    out = []
    for d, _, fs in os.walk(root):
        for f in sorted(fs):
            if f.endswith(".txt") and not f.startswith("README"):
                out.append(os.path.join(d, f))
    return sorted(out)


def fts5(paths, dbfile):
    t0 = time.perf_counter()
    con = sqlite3.connect(dbfile)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(source, body, "
                "tokenize='porter unicode61')")
    with con:
        for p in paths:
            with open(p, encoding="utf-8", errors="replace") as f:
                con.execute("INSERT INTO docs VALUES (?, ?)", (p, f.read()))
    con.close()
    return time.perf_counter() - t0


def claimdex(binary, root, db):
    t0 = time.perf_counter()
    subprocess.run([binary, "--db", db, "--quiet", "ingest", root], check=True)
    return time.perf_counter() - t0


def du(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f))
               for d, _, fs in os.walk(path) for f in fs)


def main():
    args = sys.argv[1:]
    binary, runs = "build/claimdex", 3
    if "--bin" in args:
        i = args.index("--bin"); binary = args[i + 1]; del args[i:i + 2]
    if "--runs" in args:
        i = args.index("--runs"); runs = int(args[i + 1]); del args[i:i + 2]
    root = args[0] if args else "../shared/corpora/bbc-news"
    paths = files_under(root)
    raw = sum(os.path.getsize(p) for p in paths)
    tc, tf, sc, sf = [], [], 0, 0
    for _ in range(runs):
        tmp = tempfile.mkdtemp(prefix="cdx-bench-")
        try:
            tc.append(claimdex(binary, root, os.path.join(tmp, "c.db")))
            tf.append(fts5(paths, os.path.join(tmp, "f.sqlite")))
            sc = du(os.path.join(tmp, "c.db"))
            sf = du(os.path.join(tmp, "f.sqlite"))
        finally:
            shutil.rmtree(tmp)
    mc, mf = statistics.median(tc), statistics.median(tf)
    print(f"corpus: {root}: {len(paths)} files, {raw / 1e6:.2f} MB")
    print(f"{'engine':24} {'median s':>9} {'MB/s':>8} {'index MB':>9} {'% raw':>6}")
    print(f"{'claimdex (+claims)':24} {mc:9.3f} {raw / 1e6 / mc:8.2f} {sc / 1e6:9.2f} {100 * sc / raw:6.0f}")
    print(f"{'sqlite fts5 porter':24} {mf:9.3f} {raw / 1e6 / mf:8.2f} {sf / 1e6:9.2f} {100 * sf / raw:6.0f}")
    print(f"build speed ratio claimdex/fts5: {mf / mc:.2f}x")


if __name__ == "__main__":
    main()

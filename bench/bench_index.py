#!/usr/bin/python3
"""claimdex beside SQLite FTS5 and Xapian, in one run, on the same texts.

Usage: bench/bench_index.py [--bin build/claimdex] [--corpus reuters,bbc]
                            [--runs 3] [--queries 500] [--seed 4]
                            [--corpora ../shared/corpora] [--baseline BIN]

For each corpus (Reuters-21578: the articles that have a body; BBC news: the
.txt files of its five category folders) it measures, per engine:

  build MB/s       raw text MB / median build seconds over --runs builds.
                   claimdex: `ingest` with claim extraction, reading the
                   .sgm / .txt files itself; FTS5 (Python sqlite3,
                   tokenize='porter unicode61', title + body columns, one
                   transaction) and Xapian (python3-xapian, English
                   stemmer) index the same article texts, extracted with
                   Python, each in a child process of its own.
  size %           index size / raw text, with stored text; "w/o text":
                   FTS5 contentless (content=''), Xapian without document
                   data, built once more; claimdex: stats file_bytes minus
                   the stored text bytes it reports.
  query median/p95 over a deterministic mixed query set (words, AND,
                   phrases, prefixes, OR in equal parts, from the corpus
                   vocabulary with --seed), top 10 hits, after one warm-up
                   pass. claimdex: `search --queries FILE --json` and its
                   took_us when the binary has it, else one process per
                   query (start-up included: the output says so).
  peak MB          maximum resident set of the building process
                   (GNU time's %M; needs the Debian package `time`).
  2 vs 1 thread    claimdex `--threads 2` build speed / `--threads 1`.
  CPU s            user + system seconds of the build (GNU time): what the
                   build costs whatever else loads the machine.

--baseline BIN adds the rows of another claimdex binary (an older build),
built interleaved with --bin's in the same run, to compare the two.

Only ratios from the same run compare: the machine is shared and noisy.
The load average is printed before and after.
"""
import argparse
import html
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "corpora")

try:
    import xapian
except ImportError:  # the Debian package is for the system python
    xapian = None


# ------------------------------------------------------------ corpora

REUTERS_RE = re.compile(r"<REUTERS[^>]*>(.*?)</REUTERS>", re.S)
TITLE_RE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
BODY_RE = re.compile(r"<BODY>(.*?)</BODY>", re.S)
CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sgml_text(s):
    return CTRL_RE.sub(" ", html.unescape(s)).strip()


def reuters(root):
    """(files claimdex reads, [(source, title, body)])"""
    files = sorted(os.path.join(root, f) for f in os.listdir(root)
                   if f.endswith(".sgm"))
    docs = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            data = f.read()
        for i, m in enumerate(REUTERS_RE.finditer(data)):
            body = BODY_RE.search(m.group(1))
            if not body:
                continue
            title = TITLE_RE.search(m.group(1))
            docs.append((f"{path}#{i}", sgml_text(title.group(1)) if title
                         else "", sgml_text(body.group(1))))
    return files, docs


def bbc(root):
    files = []
    for cat in ("business", "entertainment", "politics", "sport", "tech"):
        d = os.path.join(root, cat)
        files += sorted(os.path.join(d, f) for f in os.listdir(d)
                        if f.endswith(".txt"))
    docs = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            title, _, body = f.read().partition("\n")
        docs.append((path, title.strip(), body.strip()))
    return files, docs


# ------------------------------------------------------------ queries

def make_queries(docs, n, seed):
    """n queries, a fifth of each kind, the same for a given corpus+seed."""
    rng = random.Random(seed)
    toks = [re.findall(r"[a-z]{3,15}", (t + " " + b).lower())
            for _, t, b in docs]
    df = {}
    for ws in toks:
        for w in set(ws):
            df[w] = df.get(w, 0) + 1
    vocab = sorted((w for w, c in df.items() if c >= 2),
                   key=lambda w: (-df[w], w))
    third = max(1, len(vocab) // 100)
    strata = [vocab[:third], vocab[third:len(vocab) // 5],
              vocab[len(vocab) // 5:]]
    long_words = [w for w in vocab[:len(vocab) // 3] if len(w) >= 6]

    def word():
        return rng.choice(strata[rng.randrange(3)])

    def doc_tokens():
        while True:
            ws = toks[rng.randrange(len(toks))]
            if len(ws) >= 8:
                return ws

    def phrase(k):
        """k words in a row in some document, letters only, with no
        punctuation but after the last (what every engine reads as a
        phrase, apostrophes and hyphens being read differently)."""
        while True:
            _, t, body = docs[rng.randrange(len(docs))]
            ws = body.split()
            if len(ws) < k + 1:
                continue
            j = rng.randrange(len(ws) - k)
            run = ws[j:j + k]
            if all(re.fullmatch(r"[A-Za-z]{2,}", w) for w in run[:-1]) and \
                    re.fullmatch(r"[A-Za-z]{2,}[,.;:]?", run[-1]):
                return [w.lower().rstrip(",.;:") for w in run]

    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            q = word()
        elif kind == 1:  # AND of words of one document: has hits
            ws = doc_tokens()
            q = " ".join(rng.sample(sorted(set(ws)), 2))
        elif kind == 2:
            q = '"' + " ".join(phrase(rng.choice((2, 3)))) + '"'
        elif kind == 3:
            w = rng.choice(long_words)
            q = w[:rng.choice((3, 4, 5))] + "*"
        else:
            q = word() + " OR " + word()
        out.append(q)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


# ------------------------------------------------------------ processes

TIME = "/usr/bin/time"  # GNU time (Debian package `time`)


def run_measured(cmd, out_path=None):
    """Run cmd; return (wall seconds, peak RSS MB, exit status, CPU
    seconds). The peak comes from GNU time, which forks from a small
    process: a child forked from this (large) Python process would inherit
    its high-water mark."""
    out = open(out_path or os.devnull, "w")
    fd, rss_file = tempfile.mkstemp(prefix="cdx-rss-")
    os.close(fd)
    t0 = time.perf_counter()
    r = subprocess.run([TIME, "-f", "%U %S %M", "-o", rss_file] + cmd,
                       stdout=out,
                       stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    out.close()
    with open(rss_file) as f:
        lines = f.read().split()
    os.unlink(rss_file)
    if len(lines) < 3:
        return dt, float("nan"), r.returncode, float("nan")
    return (dt, int(lines[-1]) / 1024, r.returncode,
            float(lines[-3]) + float(lines[-2]))


def du(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f))
               for d, _, fs in os.walk(path) for f in fs)


def child_build(engine, jsonl, db, store):
    """In a child process: build one index from the JSONL texts; print
    the seconds it took (reading the input included)."""
    t0 = time.perf_counter()
    if engine == "fts5":
        con = sqlite3.connect(db)
        content = "" if store else ", content=''"
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, "
                    f"tokenize='porter unicode61'{content})")
        with con, open(jsonl) as f:
            for i, line in enumerate(f, 1):
                d = json.loads(line)
                con.execute("INSERT INTO docs(rowid, title, body) "
                            "VALUES (?, ?, ?)", (i, d["title"], d["text"]))
        con.close()
    else:
        wdb = xapian.WritableDatabase(db, xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_stemmer(xapian.Stem("english"))
        tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
        with open(jsonl) as f:
            for line in f:
                d = json.loads(line)
                doc = xapian.Document()
                tg.set_document(doc)
                tg.index_text(d["title"])
                tg.increase_termpos()
                tg.index_text(d["text"])
                if store:
                    doc.set_data(d["title"] + "\n\n" + d["text"])
                wdb.add_document(doc)
        wdb.commit()
        wdb.close()
    print(time.perf_counter() - t0)


def engine_build(engine, jsonl, db, store):
    tmp = db + ".secs"
    _, peak, rc, _ = run_measured([sys.executable, os.path.abspath(__file__),
                                "--_build", engine, jsonl, db,
                                "1" if store else "0"], tmp)
    if rc != 0:
        sys.exit(f"bench: {engine} build failed")
    with open(tmp) as f:
        secs = float(f.read())
    os.unlink(tmp)
    return secs, peak


# ------------------------------------------------------------ engines

def claimdex_build(binary, files, db, threads):
    shutil.rmtree(db, ignore_errors=True)
    secs, peak, rc, cpu = run_measured([binary, "--db", db, "--quiet",
                                        "ingest", "--threads", str(threads)]
                                       + files)
    if rc not in (0, 1):  # 1: a file rejected, the rest indexed
        sys.exit(f"bench: claimdex ingest failed ({rc})")
    return secs, peak, cpu


def claimdex_has_batch(binary):
    h = subprocess.run([binary, "search", "--help"], capture_output=True,
                       text=True).stdout
    return "--queries" in h


def claimdex_queries(binary, db, queries, tmp):
    """Per-query seconds and hit flags; batch mode when available."""
    if claimdex_has_batch(binary):
        qf = os.path.join(tmp, "queries.txt")
        with open(qf, "w") as f:
            f.write("\n".join(queries) + "\n")
        # ids and scores only, as FTS5 and Xapian are asked for below:
        # like for like (snippets would add claimdex's text reads)
        cmd = [binary, "--db", db, "search", "--queries", qf, "--json",
               "--limit", "10"]
        if "--no-snippets" in subprocess.run(
                [binary, "search", "--help"], capture_output=True,
                text=True).stdout:
            cmd.append("--no-snippets")
        subprocess.run(cmd, capture_output=True, check=True)  # warm-up
        out = subprocess.run(cmd, capture_output=True, text=True,
                             check=True).stdout
        recs = [json.loads(line) for line in out.splitlines() if line]
        return ([r["took_us"] / 1e6 for r in recs],
                [bool(r["hits"]) for r in recs], "in-process took_us")
    times, hits = [], []
    for warm in (True, False):
        for q in queries:
            t0 = time.perf_counter()
            r = subprocess.run([binary, "--db", db, "search", "--json",
                                "--limit", "10", q], capture_output=True)
            if not warm:
                times.append(time.perf_counter() - t0)
                hits.append(bool(r.stdout.strip()))
    return times, hits, "ONE PROCESS PER QUERY (start-up included)"


def fts5_queries(db, queries):
    con = sqlite3.connect(db)
    times, hits = [], []
    for warm in (True, False):
        for q in queries:
            t0 = time.perf_counter()
            try:
                rows = con.execute("SELECT rowid FROM docs WHERE docs "
                                   "MATCH ? ORDER BY rank LIMIT 10",
                                   (q,)).fetchall()
            except sqlite3.OperationalError:
                rows = []
            if not warm:
                times.append(time.perf_counter() - t0)
                hits.append(bool(rows))
    con.close()
    return times, hits


def xapian_queries(db, queries):
    rdb = xapian.Database(db)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(rdb)
    qp.set_default_op(xapian.Query.OP_AND)
    flags = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN
             | xapian.QueryParser.FLAG_WILDCARD
             | xapian.QueryParser.FLAG_LOVEHATE)
    times, hits = [], []
    for warm in (True, False):
        for q in queries:
            t0 = time.perf_counter()
            enq = xapian.Enquire(rdb)
            enq.set_query(qp.parse_query(q, flags))
            mset = enq.get_mset(0, 10)
            n = mset.size()
            if not warm:
                times.append(time.perf_counter() - t0)
                hits.append(n > 0)
    return times, hits


# ------------------------------------------------------------ report

def bench_corpus(name, files, docs, args, tmp):
    raw = sum(len(t.encode()) + len(b.encode()) for _, t, b in docs)
    mb = raw / 1e6
    jsonl = os.path.join(tmp, f"{name}.jsonl")
    with open(jsonl, "w") as f:
        for src, t, b in docs:
            f.write(json.dumps({"source": src, "title": t, "text": b}) + "\n")
    queries = make_queries(docs, args.queries, args.seed)
    rows = {}

    # claimdex, one and two threads, --runs builds each, interleaved so
    # that a burst of load elsewhere hits both alike (and the baseline
    # binary's builds between them when given)
    bins = [("claimdex", args.bin)]
    if args.baseline:
        bins.append(("baseline", args.baseline))
    builds = {(who, t): [] for who, _ in bins for t in (1, 2)}
    for _ in range(args.runs):
        for threads in (1, 2):
            for who, binary in bins:
                db = os.path.join(tmp, f"{name}.{who}.cdx")
                builds[(who, threads)].append(
                    claimdex_build(binary, files, db, threads))
    for (who, threads), bs in builds.items():
        rows[f"{who} --threads {threads}"] = {
            "secs": statistics.median(b[0] for b in bs),
            "peak": max(b[1] for b in bs),
            "cpu": statistics.median(b[2] for b in bs)}
    how = ""
    for who, binary in bins:
        db = os.path.join(tmp, f"{name}.{who}.cdx")
        st = json.loads(subprocess.run([binary, "--db", db, "stats",
                                        "--json"], capture_output=True,
                                       text=True, check=True).stdout)
        size = du(os.path.join(db, "data.mdb"))
        stored = st.get("stored_text_bytes", st.get("text_bytes", 0))
        qt, qh, how1 = claimdex_queries(binary, db, queries, tmp)
        how = how or how1
        for threads in (1, 2):
            rows[f"{who} --threads {threads}"].update(
                size=size, size_bare=size - stored, q=qt, hits=qh)

    engines = ["fts5"] + (["xapian"] if xapian else [])
    for eng in engines:
        path = os.path.join(tmp, f"{name}.{eng}")
        bare = path + ".bare"
        builds = []
        for _ in range(args.runs):
            for p in (path, bare):
                shutil.rmtree(p, ignore_errors=True)
                if os.path.exists(p):
                    os.unlink(p)
            builds.append(engine_build(eng, jsonl, path, True))
        engine_build(eng, jsonl, bare, False)
        qt2, qh2 = (fts5_queries(path, queries) if eng == "fts5"
                    else xapian_queries(path, queries))
        rows["sqlite fts5" if eng == "fts5" else "xapian"] = {
            "secs": statistics.median(b[0] for b in builds),
            "peak": max(b[1] for b in builds),
            "size": du(path), "size_bare": du(bare), "q": qt2, "hits": qh2}

    print(f"\n== {name}: {len(docs)} articles, {mb:.2f} MB raw text "
          f"(title + body, UTF-8); claimdex reads {len(files)} files "
          f"itself; {len(queries)} queries (seed {args.seed})")
    print(f"claimdex queries timed by: {how}")
    print(f"{'engine':22} {'build s':>8} {'CPU s':>6} {'MB/s':>7} "
          f"{'peak MB':>8} {'size %':>7} {'w/o text %':>10} "
          f"{'q med ms':>9} {'q p95 ms':>9} {'hits %':>7}")
    for k, r in rows.items():
        r["mbs"] = mb / r["secs"]
        r["med"] = statistics.median(r["q"]) * 1e3
        r["p95"] = pct(r["q"], 95) * 1e3
        cpu = f"{r['cpu']:6.2f}" if "cpu" in r else f"{'-':>6}"
        print(f"{k:22} {r['secs']:8.2f} {cpu} {r['mbs']:7.2f} "
              f"{r['peak']:8.1f} "
              f"{100 * r['size'] / raw:7.0f} {100 * r['size_bare'] / raw:10.0f} "
              f"{r['med']:9.3f} {r['p95']:9.3f} "
              f"{100 * sum(r['hits']) / len(r['hits']):7.0f}")
    f = rows["sqlite fts5"]
    for k, r in rows.items():
        if k == "sqlite fts5":
            continue
        print(f"{k} vs fts5: build {r['mbs'] / f['mbs']:.2f}x speed, "
              f"query median {r['med'] / f['med']:.2f}x, "
              f"p95 {r['p95'] / f['p95']:.2f}x, "
              f"size w/o text {r['size_bare'] / f['size_bare']:.2f}x")
    if "xapian" in rows:
        x, c = rows["xapian"], rows["claimdex --threads 2"]
        print(f"claimdex --threads 2 vs xapian: query median "
              f"{c['med'] / x['med']:.2f}x, p95 {c['p95'] / x['p95']:.2f}x")
    else:
        print("xapian: not measured (python3-xapian missing; run with "
              "/usr/bin/python3)")
    for who, _ in bins:
        c1, c2 = rows[f"{who} --threads 1"], rows[f"{who} --threads 2"]
        print(f"{who} two threads vs one: {c1['secs'] / c2['secs']:.2f}x "
              f"({c1['secs']:.2f} s -> {c2['secs']:.2f} s wall; CPU "
              f"{c1['cpu']:.2f} s -> {c2['cpu']:.2f} s)")
    if args.baseline:
        for t in (1, 2):
            c, b = rows[f"claimdex --threads {t}"], rows[f"baseline --threads {t}"]
            print(f"claimdex vs baseline, --threads {t}: build "
                  f"{b['secs'] / c['secs']:.2f}x speed, CPU "
                  f"{b['cpu'] / c['cpu']:.2f}x less, size w/o text "
                  f"{c['size_bare'] / b['size_bare']:.2f}x")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--_build":
        eng, jsonl, db, store = sys.argv[2:6]
        child_build(eng, jsonl, db, store == "1")
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "claimdex"))
    ap.add_argument("--corpus", default="reuters,bbc")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--corpora", default=SHARED)
    ap.add_argument("--baseline", default=None,
                    help="another claimdex binary to compare with")
    args = ap.parse_args()
    if not os.access(TIME, os.X_OK):
        sys.exit("bench: needs GNU time at /usr/bin/time (apt-get install "
                 "time)")
    print(f"load average at start: {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} CPUs); claimdex: {args.bin}")
    tmp = tempfile.mkdtemp(prefix="cdx-bench-")
    try:
        for name in args.corpus.split(","):
            if name == "reuters":
                files, docs = reuters(os.path.join(args.corpora,
                                                   "reuters21578"))
            elif name == "bbc":
                files, docs = bbc(os.path.join(args.corpora, "bbc-news"))
            else:
                sys.exit(f"bench: unknown corpus '{name}'")
            bench_corpus(name, files, docs, args, tmp)
    finally:
        shutil.rmtree(tmp)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

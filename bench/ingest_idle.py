#!/usr/bin/python3
"""Where a multi-threaded ingest leaves a core idle, build beside build.

Usage: bench/ingest_idle.py [--threads 2] [--runs 5] [--corpus DIR|FILES]
                            BIN [BIN...]

Wall-clock ratios need a quiet machine; this one is shared. What does
not depend much on the load is *why* a core would idle: each run is
recorded with `perf record` (cpu-clock samples plus the scheduler's
switch and wakeup events of the ingest's own threads), and from the
events it follows which of those threads could run at each moment.
Per build, medians over --runs runs, interleaved with the other builds:

  cpu s        CPU time sampled (all threads)
  serial ms    CPU time sampled while only one of the ingest's threads
               could run: on an idle two-core machine the other core
               would have waited (start-up, commits' tails, the close)
  ingest-1 ms  wall time, before the first worker exits, with at most
               one thread runnable (a worker run dry, a blocked reader)
  worker ms    time the first worker thread slept (nothing to claim)
               before it exits
  end ms       wall time from the first worker's exit to the end: the
               last commit, the close merge, repack and compaction

and each figure's ratio to the first BIN's. Needs perf with access to
sched tracepoints (root); the Debian package is linux-perf.
Default corpus: ../shared/corpora/reuters21578/*.sgm.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

EVENTS = ['-e', 'cpu-clock', '-F', '4000', '-e', 'sched:sched_switch',
          '-e', 'sched:sched_wakeup', '-e', 'sched:sched_wakeup_new',
          '-e', 'sched:sched_process_exit']
HZ = 4000.0
LINE = re.compile(r'\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)')


def first_worker(lines):
    """The first extraction worker: of the threads the ingest starts, the
    first one to live at least half as long as the longest (before it,
    the thread that loads the extractor comes and goes; the encoding
    helpers of commits and merges are short too)."""
    born, died, order = {}, {}, []
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        t, ev = float(m[2]), m[3]
        if ev == 'sched:sched_wakeup_new':
            pm = re.search(r'(?:^| )pid=(\d+)', m[4])
            if pm and int(pm[1]) not in born:
                born[int(pm[1])] = t
                order.append(int(pm[1]))
        elif ev == 'sched:sched_process_exit':
            died[int(m[1])] = t
    if not order:
        return None
    end = max(list(died.values()) + list(born.values()))
    life = {p: died.get(p, end) - born[p] for p in order}
    longest = max(life.values())
    return next(p for p in order if life[p] * 2 >= longest)


def profile(data):
    """The figures of one perf.data file (see the module comment)."""
    out = subprocess.run(['perf', 'script', '-i', data, '-F',
                          'tid,time,event,trace,ip,sym'],
                         capture_output=True, text=True).stdout
    run = {}
    ours = set()
    t0 = last = None
    worker = first_worker(out.splitlines())
    worker_exit = None
    asleep = {}
    f = {'cpu': 0.0, 'serial': 0.0, 'ing1': 0.0, 'worker': 0.0}
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        tid, t, ev, rest = int(m[1]), float(m[2]), m[3], m[4]
        if t0 is None:
            t0 = last = t
            ours.add(tid)
            run[tid] = True
        n = sum(1 for v in run.values() if v)
        if worker_exit is None and n <= 1:
            f['ing1'] += t - last
        last = t
        if ev == 'cpu-clock':
            run[tid] = True
            f['cpu'] += 1 / HZ
            if sum(1 for v in run.values() if v) == 1:
                f['serial'] += 1 / HZ
        elif ev == 'sched:sched_switch':
            pm = re.search(r'prev_pid=(\d+).*prev_state=(\S+)', rest)
            if pm and int(pm[1]) in ours:
                p = int(pm[1])
                run[p] = pm[2].startswith('R')
                if p == worker and not run[p] and worker_exit is None:
                    asleep[p] = t
        elif ev in ('sched:sched_wakeup', 'sched:sched_wakeup_new'):
            pm = re.search(r'(?:^| )pid=(\d+)', rest)
            if not pm:
                continue
            p = int(pm[1])
            if ev.endswith('_new'):
                ours.add(p)
            if p in ours:
                run[p] = True
                if p in asleep and worker_exit is None:
                    f['worker'] += t - asleep.pop(p)
        elif ev == 'sched:sched_process_exit':
            run[tid] = False
            if tid == worker and worker_exit is None:
                worker_exit = t
    f['end'] = (last - worker_exit) if worker_exit else 0.0
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('bins', nargs='+')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--corpus', nargs='*')
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = a.corpus or sorted(glob.glob(os.path.join(
        here, '..', '..', 'shared', 'corpora', 'reuters21578', '*.sgm')))
    if not corpus:
        sys.exit('no corpus (--corpus)')
    if shutil.which('perf') is None:
        sys.exit('perf not found (Debian: linux-perf)')
    tmp = tempfile.mkdtemp(prefix='cdx-idle-')
    res = {b: [] for b in a.bins}
    print('load before: %s' % open('/proc/loadavg').read().strip())
    try:
        for r in range(a.runs):
            for b in a.bins:
                db = os.path.join(tmp, 'db')
                data = os.path.join(tmp, 'perf.data')
                shutil.rmtree(db, ignore_errors=True)
                subprocess.run(['perf', 'record', '-q', '-o', data] + EVENTS +
                               [b, '--db', db, '--quiet', 'ingest',
                                '--threads', str(a.threads)] + corpus,
                               check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                res[b].append(profile(data))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('load after:  %s' % open('/proc/loadavg').read().strip())
    keys = [('cpu', 'cpu s', 1), ('serial', 'serial ms', 1000),
            ('ing1', 'ingest-1 ms', 1000), ('worker', 'worker ms', 1000),
            ('end', 'end ms', 1000)]
    first = None
    print('%-40s' % 'build' + ''.join('%14s' % k[1] for k in keys))
    for b in a.bins:
        med = {k: statistics.median(x[k] for x in res[b]) for k, _, _ in keys}
        first = first or med
        print('%-40s' % b[-40:] + ''.join(
            '%14.3f' % med[k] if s == 1 else '%14.1f' % (med[k] * s)
            for k, _, s in keys))
        print('%-40s' % '  ratio to first' + ''.join(
            '%14.2f' % (med[k] / first[k] if first[k] else 0)
            for k, _, _ in keys))


if __name__ == '__main__':
    main()

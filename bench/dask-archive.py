"""bench/dask-archive.py: an archive coded through khaldun.dask on a local Dask cluster
against `khaldun code -j W --db`, stage by stage (issue 15). Nothing is asserted.

    /usr/bin/python3 bench/dask-archive.py [--runs R] [--shards N] [--workers W] [--bin KHALDUN]
                                   [CORPUS.jsonl]

CORPUS defaults to $KHALDUN_SHARED/corpora/reuters21578/reuters21578.jsonl
(KHALDUN_SHARED: ../shared). A LocalCluster(n_workers=W, threads_per_worker=1)
is started once and warmed (imports and images loaded in every worker: the
cluster's start-up, not counted). Each of R runs then times, one right after
the other so that both see the same load:
  cli   `KHALDUN code -j W --quiet --db X.db CORPUS`: wall, and CPU (user+system
        of the child, getrusage)
  dask  khaldun.dask.code_archive(["CORPUS@1/N", ..., "CORPUS@N/N"], client, OUT):
        wall from the first submission to the merged store; each task's CPU (its
        worker process) and wall; the wait for the last task; the merge's CPU and
        wall (in this process) after it.
Prints one line per run and the medians; `ratio` is the dask wall over the cli wall.
On a shared machine the walls are noisy: read the CPU columns, and the ratio of
runs made close together.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "python"))


def cli_run(binary, corpus, db, workers):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    subprocess.run([binary, "code", "-j", str(workers), "--quiet", "--db", db, corpus],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def dask_run(client, corpus, out, shards):
    import khaldun.dask
    shutil.rmtree(out + ".shards", ignore_errors=True)  # every shard coded again
    if os.path.exists(out):
        os.remove(out)
    specs = ["%s@%d/%d" % (corpus, i, shards) for i in range(1, shards + 1)]
    r = khaldun.dask.code_archive(specs, client, out)
    t0, m = r["submitted"], r["merged"]
    tasks = sorted(r["tasks"], key=lambda t: t["start"])
    return {"wall": m["end"] - t0, "tasks_cpu": [t["cpu"] for t in tasks],
            "tasks_wall": [t["end"] - t["start"] for t in tasks],
            "first_start": tasks[0]["start"] - t0, "last_end": max(t["end"] for t in tasks) - t0,
            "gathered": m["start"] - t0, "merge_cpu": m["cpu"], "merge_wall": m["end"] - m["start"],
            "counts": (m.get("stories"), m.get("events"), m.get("mentions"))}


def warm(client):
    def load():
        import khaldun.dask
        khaldun.dask._coder(None, None)
        return os.getpid()
    return client.run(load)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bin", default=os.path.join(REPO, "khaldun"))
    a = ap.parse_args()
    shared = os.environ.get("KHALDUN_SHARED") or os.path.join(os.path.dirname(REPO), "shared")
    corpus = os.path.abspath(a.corpus or os.path.join(shared, "corpora", "reuters21578",
                                                      "reuters21578.jsonl"))
    if not os.path.exists(corpus):
        print("dask: skip (no %s)" % corpus)
        return 0
    try:
        import distributed
        import khaldun.dask  # noqa: F401
    except ImportError as e:  # no python3-distributed, or no libkhaldun.so (make lib)
        print("dask: skip (%s)" % e)
        return 0
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (os.path.join(REPO, "python"), os.environ.get("PYTHONPATH")) if p)
    tmp = tempfile.mkdtemp(prefix="khaldun-bench-dask-")
    cluster = distributed.LocalCluster(n_workers=a.workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        warm(client)
        rows = []
        for k in range(a.runs):
            db = os.path.join(tmp, "cli.db")
            for p in (db, db + "-wal", db + "-shm"):
                if os.path.exists(p):
                    os.remove(p)
            cw, cc = cli_run(a.bin, corpus, db, a.workers)
            d = dask_run(client, corpus, os.path.join(tmp, "dask.db"), a.shards)
            rows.append((cw, cc, d))
            print("dask: run %d: cli -j %d wall %.2f s cpu %.2f s | dask wall %.2f s (ratio %.2f):"
                  " tasks cpu %s wall %s, first start %.2f, last end %.2f, merge cpu %.2f wall "
                  "%.2f; load %.1f" % (
                      k + 1, a.workers, cw, cc, d["wall"], d["wall"] / cw,
                      "+".join("%.2f" % x for x in d["tasks_cpu"]),
                      "/".join("%.2f" % x for x in d["tasks_wall"]), d["first_start"],
                      d["last_end"], d["merge_cpu"], d["merge_wall"], os.getloadavg()[0]),
                  flush=True)
        med = statistics.median
        print("dask: median of %d: cli -j %d --db wall %.2f s, cpu %.2f s; dask %d shards on %d "
              "workers wall %.2f s, tasks cpu %.2f s, merge cpu %.2f s; wall ratio %.2f "
              "(stories, events, mentions %s)" % (
                  a.runs, a.workers, med(r[0] for r in rows), med(r[1] for r in rows), a.shards,
                  a.workers, med(r[2]["wall"] for r in rows),
                  med(sum(r[2]["tasks_cpu"]) for r in rows),
                  med(r[2]["merge_cpu"] for r in rows),
                  med(r[2]["wall"] / r[0] for r in rows), rows[-1][2]["counts"]))
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

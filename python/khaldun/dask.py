"""khaldun.dask: code an archive on a Dask cluster.

    from distributed import Client
    import khaldun.dask
    client = Client("tcp://scheduler:8786")          # or LocalCluster()
    khaldun.dask.code_archive(["2015.jsonl", "2016.jsonl", ("big.jsonl", 1, 8), ...],
                              client, "archive.db")

One task per shard: a file, or (file, I, N) for shard I of N of a file (the
stories `khaldun code --shard I/N` takes). Each worker process loads the
images once (memory-mapped, shared by its threads' coders) and writes one
store per shard under OUT.shards/; the client then merges them into OUT with
the library's kh_store_merge (`khaldun merge`). A failed task is retried
(`retries`); a shard whose store is complete is skipped when the same call
is run again, and a shard whose worker was killed is coded again from its
start (shard stores are written as scratch, cheaper, see code_shard: more
shards make a retry cheaper). Progress is what Dask shows: the
dashboard's task stream, and with progress=True distributed's progress bar.
OUT.shards/ must be on a file system every worker sees (one host: any folder).
"""
import hashlib
import os
import shutil
import subprocess
import threading
import time
import warnings

from ._coder import Coder, _check
from ._errors import KhaldunError
from ._lib import ffi, has, lib

_local = threading.local()


def _coder(dictionary, lexicon):
    """This worker thread's coder; the images are loaded once per process."""
    key = (dictionary, lexicon)
    coders = getattr(_local, "coders", None)
    if coders is None:
        coders = _local.coders = {}
    if key not in coders:
        coders[key] = Coder(dictionary, lexicon)
    return coders[key]


def _spec(spec):
    """(path, I, N) from a path, (path, I, N) or "path@I/N"."""
    if isinstance(spec, (tuple, list)):
        path, i, n = spec
    else:
        path, i, n = os.fspath(spec), 1, 1
        if "@" in path and not os.path.exists(path):
            path, _, s = path.rpartition("@")
            i, n = (int(x) for x in s.split("/"))
    path = os.path.abspath(os.fspath(path))
    if not (1 <= int(i) <= int(n)):
        raise ValueError("shard %s/%s of %s: I must be 1..N" % (i, n, path))
    return path, int(i), int(n)


def shard_path(shards_dir, spec):
    path, i, n = spec
    tag = hashlib.sha256(("%s\0%d\0%d" % spec).encode()).hexdigest()[:12]
    return os.path.join(shards_dir, "%s-%d-of-%d-%s.db" % (os.path.basename(path), i, n, tag))


def code_shard(spec, db, dictionary=None, lexicon=None, date=None, format=None):
    """Codes one shard into the store `db` (what each task runs). The store is
    written as db + ".part" and renamed when complete; an existing .part (a
    killed task's) is written again. The shard store is written as scratch
    (KH_STORE_SCRATCH: no journal on disk, no syncs), since only the merge
    reads it. Returns the coding counts, with the task's CPU seconds (`cpu`:
    this worker process's) and its start and end (`start`, `end`: time.time())."""
    if os.path.exists(db):
        return {"skipped": True}
    start, cpu = time.time(), time.process_time()
    path, i, n = spec
    part = db + ".part"
    for p in (part, part + "-wal", part + "-shm", part + "-journal"):
        if os.path.exists(p):  # a killed task's: written as scratch (below), maybe damaged
            os.remove(p)
    with warnings.catch_warnings(record=True) as warned:  # counted, not printed by every worker
        warnings.simplefilter("always")
        counts = _coder(dictionary, lexicon).code_to_store(
            path, part, date=date, format=format, shard=(i, n) if n > 1 else None,
            raise_rejected=False, scratch=True)
    counts["warnings"] = len(warned)
    os.replace(part, db)
    counts.update(cpu=time.process_time() - cpu, start=start, end=time.time())
    return counts


def merge(out, inputs, khaldun="khaldun"):
    """Merges shard stores into the new store `out` with the library's
    kh_store_merge, else with the `khaldun merge` command; `out` is replaced."""
    tmp = out + ".merging"
    for p in (tmp, tmp + "-wal", tmp + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    if has("kh_store_merge"):
        keep = [ffi.new("char[]", os.fsencode(p)) for p in inputs]
        arr = ffi.new("const char *[]", keep)
        err = ffi.new("kh_error *")
        counts = ffi.new("kh_store_merge_counts *")
        _check(lib.kh_store_merge(os.fsencode(tmp), arr, len(keep), 0, counts, err), file=tmp,
               err=err)
        result = {"stories": counts.stories, "events": counts.events, "mentions": counts.mentions}
    else:
        exe = shutil.which(khaldun) or khaldun
        r = subprocess.run([exe, "merge", tmp] + list(inputs), capture_output=True, text=True)
        if r.returncode != 0:
            raise KhaldunError("merge failed (this libkhaldun has no kh_store_merge; `%s merge`: "
                               "%s)" % (exe, r.stderr.strip() or "exit %d" % r.returncode),
                               file=out, code="KH_ERR_INVALID")
        result = {}
    os.replace(tmp, out)
    return result


def code_archive(paths, client, out, dictionary=None, lexicon=None, date=None, format=None,
                 retries=2, progress=False, shards_dir=None):
    """Codes `paths` (files or shard specs, above) on the Dask `client` into
    the event store `out`. Returns a dict: shards, coded (the shards coded in
    this call), skipped, rejected ((file, line, message) of every record the
    readers rejected in this call, as the CLI's messages; the rest of the
    file is coded), merged (the merged store's counts; the merge's CPU
    seconds, start and end), submitted (time.time() at the first
    submission) and tasks (each coded shard's counts and times, code_shard)."""
    specs = [_spec(p) for p in paths]
    if not specs:
        raise ValueError("no input files")
    out = os.path.abspath(os.fspath(out))
    shards_dir = os.path.abspath(shards_dir or out + ".shards")
    os.makedirs(shards_dir, exist_ok=True)
    abs_or_none = [os.path.abspath(os.fspath(p)) if p else None for p in (dictionary, lexicon)]
    dbs = [shard_path(shards_dir, s) for s in specs]
    todo = [(s, db) for s, db in zip(specs, dbs) if not os.path.exists(db)]
    submitted = time.time()
    futures = [client.submit(code_shard, s, db, abs_or_none[0], abs_or_none[1], date, format,
                             key="khaldun-shard-" + os.path.basename(db)[:-3], retries=retries,
                             pure=False)
               for s, db in todo]
    if progress and futures:
        from distributed import progress as show
        show(futures)
    results = client.gather(futures)
    gathered = time.time()
    missing = [db for db in dbs if not os.path.exists(db)]
    if missing:
        raise KhaldunError("%d shard stores missing after coding (is %s on a file system every "
                           "worker sees?)" % (len(missing), shards_dir), file=missing[0])
    merge_cpu = time.process_time()
    merged = merge(out, dbs)
    merged.update(cpu=time.process_time() - merge_cpu, start=gathered, end=time.time())
    rejected = [r for res in results for r in res.get("rejected", ())]
    return {"shards": len(specs), "coded": len([r for r in results if not r.get("skipped")]),
            "skipped": len(specs) - len(todo), "rejected": rejected, "merged": merged,
            "submitted": submitted, "tasks": results}

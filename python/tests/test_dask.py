"""khaldun.dask on a real LocalCluster (2 worker processes, 1 thread each):
the merged store equals one `khaldun code --db` run; re-running skips the
finished shards; a worker killed mid-run is recovered from. Heavy: run by
the plain `make check` only (tests/sh/python.sh)."""
import json
import os
import shutil
import signal
import subprocess
import threading
import time

import pytest

distributed = pytest.importorskip("distributed", reason="no python3-distributed")
import khaldun  # noqa: E402
import khaldun.dask  # noqa: E402
from khaldun import store  # noqa: E402
from khaldun._lib import has  # noqa: E402
from conftest import REPO, SEED, SEED_DATE, cli, reuters  # noqa: E402


def _can_merge():
    if has("kh_store_merge"):
        return True
    return subprocess.run([cli(), "merge", "--help"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _can_merge() or not has("kh_story_shard"),
                                reason="this libkhaldun has no kh_store_merge/kh_story_shard "
                                       "(issue 17's merge and shards)")


@pytest.fixture(scope="module")
def client():
    env = {"PYTHONPATH": os.pathsep.join(p for p in (os.path.join(REPO, "python"),
                                                     os.environ.get("PYTHONPATH")) if p)}
    os.environ.update(env)  # the worker processes import khaldun from this tree
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The seed and a larger input: a Reuters slice, or without ../shared
    stories made from the seed's paragraphs."""
    d = tmp_path_factory.mktemp("archive")
    big = d / "big.jsonl"
    src = reuters()
    if os.path.exists(src):
        with open(src, "rb") as f, open(big, "wb") as o:
            for i, line in enumerate(f):
                if i == 1500:
                    break
                o.write(line)
    else:
        paras = [p for p in open(SEED, encoding="utf-8").read().split("\n\n") if p.strip()]
        with open(big, "w", encoding="utf-8") as o:
            for i in range(600):
                o.write(json.dumps({"id": "gen-%d" % i, "date": "2024-04-%02d" % (1 + i % 28),
                                    "text": paras[i % len(paras)]}) + "\n")
    return d, [SEED, str(big)]


def _single(d, inputs):
    db = str(d / "single.db")
    if not os.path.exists(db):
        subprocess.run([cli(), "code", "--quiet", "--date", SEED_DATE, "--db", db] + inputs,
                       check=True, stderr=subprocess.DEVNULL)
    return db


def _same_store(a, b):
    with store.open(a) as x, store.open(b) as y:
        assert x.counts() == y.counts()
        # `text` is the first mention of the event's first story, which a merge
        # keeps; only the row ids differ.
        ea = x.events().drop(columns=["id"])
        eb = y.events().drop(columns=["id"])
        key = ["date", "source", "target", "code"]
        ea = ea.sort_values(key, na_position="first").reset_index(drop=True)
        eb = eb.sort_values(key, na_position="first").reset_index(drop=True)
        assert ea.equals(eb), (ea.compare(eb) if ea.shape == eb.shape else (ea.shape, eb.shape))


def _specs(inputs, n=3):
    return [inputs[0]] + [(inputs[1], i, n) for i in range(1, n + 1)]


def test_merged_equals_single(client, archive):
    d, inputs = archive
    out = str(d / "dask.db")
    r = khaldun.dask.code_archive(_specs(inputs), client, out, date=SEED_DATE)
    assert r["shards"] == 4 and r["coded"] == 4 and r["skipped"] == 0
    _same_store(out, _single(d, inputs))
    again = khaldun.dask.code_archive(_specs(inputs), client, out, date=SEED_DATE)
    assert again["coded"] == 0 and again["skipped"] == 4
    _same_store(out, _single(d, inputs))


def test_worker_killed_mid_run(client, archive):
    d, inputs = archive
    out = str(d / "killed.db")
    shards = out + ".shards"
    shutil.rmtree(shards, ignore_errors=True)
    pids = set(client.run(os.getpid).values())
    result, errors = [], []

    def run():
        try:
            result.append(khaldun.dask.code_archive(_specs(inputs, 2), client, out,
                                                    date=SEED_DATE, retries=3))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    t = threading.Thread(target=run)
    t.start()
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and t.is_alive() and time.monotonic() < deadline:
        parts = [f for f in os.listdir(shards)] if os.path.isdir(shards) else []
        if any(f.startswith("big.jsonl") and f.endswith(".db.part") for f in parts):
            # A shard of the big input is being written: kill a worker process.
            killed = sorted(pids)[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.02)
    t.join(600)
    assert killed is not None, "no shard store appeared to kill a worker in"
    assert not errors, errors
    assert result and result[0]["shards"] == 3
    assert killed not in set(client.run(os.getpid).values())  # the nanny started another
    _same_store(out, _single(d, inputs))


def test_shard_store_is_scratch(tmp_path, archive):
    """code_shard writes its store as scratch (KH_STORE_SCRATCH): the same rows
    as a normal store, no WAL left, and a damaged .part (a killed task's) is
    written again rather than resumed."""
    d, inputs = archive
    normal, shard = str(tmp_path / "normal.db"), str(tmp_path / "shard.db")
    khaldun.Coder().code_to_store(inputs[1], normal, shard=(1, 2), raise_rejected=False)
    with open(shard + ".part", "wb") as f:
        f.write(b"SQLite format 3\0" + b"\xff" * 4000)  # what a kill mid-batch may leave
    r = khaldun.dask.code_shard((inputs[1], 1, 2), shard)
    assert r["stories"] > 0 and r["known"] == 0
    _same_store(normal, shard)
    assert not os.path.exists(shard + ".part") and not os.path.exists(shard + "-wal")
    with open(shard, "rb") as f:
        assert f.read(20)[18:20] == b"\x01\x01"  # a rollback-journal file, not WAL
    with open(normal, "rb") as f:
        assert f.read(20)[18:20] == b"\x02\x02"

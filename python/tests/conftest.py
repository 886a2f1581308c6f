"""Fixtures for the binding's tests (run by tests/sh/python.sh).

Environment: KHALDUN_BIN (the CLI to compare with), KHALDUN_SHARED (../shared),
KHALDUN_PY_INSTALLED (a prefix: the package must be imported from there, so
the installed copy is what is tested; else python/ of this tree is used).
"""
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTALLED = os.environ.get("KHALDUN_PY_INSTALLED")
if not INSTALLED:
    sys.path.insert(0, os.path.join(REPO, "python"))

SEED = os.path.join(REPO, "examples", "seed-2024.txt")
SEED_DATE = "2024-04-24"


def shared_dir():
    return os.environ.get("KHALDUN_SHARED") or os.path.join(os.path.dirname(REPO), "shared")


def reuters():
    return os.path.join(shared_dir(), "corpora", "reuters21578", "reuters21578.jsonl")


def need_shared():
    if not os.path.exists(reuters()):
        pytest.skip("no shared")


def cli():
    b = os.environ.get("KHALDUN_BIN") or os.path.join(REPO, "khaldun")
    return b


def cli_events(*args):
    """`khaldun code --quiet ARGS` as a list of records."""
    r = subprocess.run([cli(), "code", "--quiet"] + list(args), capture_output=True, check=False)
    assert r.returncode in (0, 1), r.stderr.decode()
    return [json.loads(line) for line in r.stdout.decode().splitlines() if line]


@pytest.fixture
def reuters_slice(tmp_path):
    """The first 300 records of Reuters-21578 (read at run time from ../shared)."""
    need_shared()
    out = tmp_path / "reuters-300.jsonl"
    with open(reuters(), "rb") as f, open(out, "wb") as o:
        for i, line in enumerate(f):
            if i == 300:
                break
            o.write(line)
    return str(out)


@pytest.fixture(scope="session")
def coder():
    import khaldun
    return khaldun.Coder()

"""The binding against the CLI: same events, same errors."""
import json
import os
import subprocess
import threading

import pytest

import khaldun
from khaldun import store
from conftest import INSTALLED, SEED, SEED_DATE, cli, cli_events

SENTENCE = "Iran's foreign minister met Iraq's prime minister in Baghdad on Sunday."


def test_imported_from_expected_place():
    where = os.path.dirname(khaldun.__file__)
    if INSTALLED:
        assert where.startswith(INSTALLED), where
        from khaldun import _lib
        assert _lib.LIB_PATH.startswith(INSTALLED), _lib.LIB_PATH
    else:
        assert where.endswith(os.path.join("python", "khaldun")), where


def test_seed_matches_cli(coder):
    got = list(coder.code_file(SEED, date=SEED_DATE))
    want = cli_events("--date", SEED_DATE, SEED)
    assert len(want) > 5
    assert got == want  # dicts: same fields and values, key order aside


def test_reuters_matches_cli(coder, reuters_slice):
    got = list(coder.code_file(reuters_slice))
    want = cli_events(reuters_slice)
    assert len(want) > 20
    assert got == want


def test_code_one_story_matches_cli(coder, tmp_path):
    p = tmp_path / "one.jsonl"
    p.write_text(json.dumps({"id": "s1", "date": "2024-04-21", "text": SENTENCE}) + "\n")
    want = cli_events(str(p))
    got = coder.code(SENTENCE, date="2024-04-21", id="s1")
    assert want and got == want
    assert coder.code(SENTENCE.encode(), date="2024-04-21", id="s1") == want


def test_code_hostile_bytes(coder):
    evs = coder.code(b"\xff\xfe Israel struck \x00 Gaza.\n" * 50)
    json.dumps(evs)  # plain data


def test_explain(coder):
    text = coder.explain("Israel struck Gaza.")
    assert "pattern" in text and "events after merging (1):" in text and "190" in text


def test_bad_date(coder):
    with pytest.raises(khaldun.KhaldunError, match="bad date"):
        coder.code(SENTENCE, date="2024-13-45")


def test_missing_image(tmp_path):
    with pytest.raises(khaldun.KhaldunError) as e:
        khaldun.Coder(dictionary=str(tmp_path / "nope.dict"))
    assert "nope.dict" in str(e.value)


def test_corrupt_image(tmp_path):
    bad = tmp_path / "bad.dict"
    bad.write_bytes(b"not an image\n" * 100)
    with pytest.raises(khaldun.KhaldunError) as e:
        khaldun.Coder(dictionary=str(bad))
    assert e.value.file == str(bad) and e.value.code in ("KH_ERR_CORRUPT", "KH_ERR_FORMAT",
                                                         "KH_ERR_VERSION")


def test_missing_input(coder, tmp_path):
    with pytest.raises(khaldun.KhaldunError) as e:
        list(coder.code_file(tmp_path / "absent.txt"))
    assert e.value.file.endswith("absent.txt") and e.value.code == "KH_ERR_IO"


def test_rejected_record(coder, tmp_path):
    p = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "a", "date": "2024-04-21", "text": SENTENCE})
    p.write_text(good + "\n" + '{"id": "b", "text": "Israel struck' + "\n" +
                 json.dumps({"id": "c", "date": "2024-04-22", "text": SENTENCE}) + "\n")
    got = []
    with pytest.raises(khaldun.KhaldunError) as e:
        for ev in coder.code_file(p):
            got.append(ev)
    assert e.value.file == str(p) and e.value.line == 2
    assert "%s:2: " % p in str(e.value)
    assert [ev["story"] for ev in got] == ["a", "c"]  # nothing good lost
    r = subprocess.run([cli(), "code", "--quiet", str(p)], capture_output=True, text=True)
    assert r.returncode != 0 and e.value.message in r.stderr


def test_threads(coder):
    want = list(coder.code_file(SEED, date=SEED_DATE))
    results, errors = [], []

    def run(c):
        try:
            results.append(list(c.code_file(SEED, date=SEED_DATE)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=run, args=(c,))
               for c in [coder, coder, khaldun.Coder(), khaldun.Coder()]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 4
    assert all(r == want for r in results)


def _events(path):
    with store.open(path) as s:
        return s.events().drop(columns=["id"]), s.counts()


def test_store_dataframes(tmp_path):
    db = str(tmp_path / "seed.db")
    r = subprocess.run([cli(), "code", "--quiet", "--date", SEED_DATE, "--db", db, SEED],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with store.open(db) as s:
        ev, counts = s.events(), s.counts()
        assert len(ev) == counts["events"] > 5
        assert list(ev["date"]) == sorted(ev["date"])
        g = s.events(gdelt=True)
        for col in ("GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor2Code", "EventCode",
                    "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions"):
            assert col in g.columns
        d = s.dyads(period="month")
        assert d["events"].sum() == counts["events"]
        assert abs(d["goldstein"].sum() - ev["goldstein"].sum()) < 1e-6
        assert len(s.events(actor="IRN*")) == sum(
            1 for a, b in zip(ev["source"], ev["target"])
            if (a or "").startswith("IRN") or (b or "").startswith("IRN"))
        assert s.stats(by="code")["events"].sum() == counts["events"]
        since = s.events(start="2024-01-01", end="2024-12-31")
        assert 0 < len(since) == sum(1 for d in ev["date"] if d.year == 2024) < len(ev)
        assert len(s.events(limit=2)) == 2


def test_store_refuses_other_files(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("not a store\n")
    with pytest.raises(khaldun.KhaldunError) as e:
        store.open(p)
    assert str(p) in str(e.value)
    assert p.read_text() == "not a store\n"


def test_code_to_store_equals_cli(coder, tmp_path):
    mine, theirs = str(tmp_path / "py.db"), str(tmp_path / "cli.db")
    n = coder.code_to_store(SEED, mine, date=SEED_DATE)
    assert n["stories"] > 0
    subprocess.run([cli(), "code", "--quiet", "--date", SEED_DATE, "--db", theirs, SEED],
                   check=True)
    a, ca = _events(mine)
    b, cb = _events(theirs)
    assert ca == cb
    assert a.drop(columns=["first_story"]).equals(b.drop(columns=["first_story"]))
    again = coder.code_to_store(SEED, mine, date=SEED_DATE)
    assert again["known"] == n["stories"] and _events(mine)[1] == ca

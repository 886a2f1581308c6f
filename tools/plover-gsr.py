#!/usr/bin/env python3
"""plover-gsr.py: PLOVER event-type agreement on the PLOVER GSR sentences.

    python3 tools/plover-gsr.py [--khaldun BIN] [--gsr FILE] [--floor PCT] [--show N]

Reads ../shared/reference/plover/PLOVER_GSR_CAMEO.txt ($KHALDUN_SHARED
overrides ../shared): 322 sentences of the CAMEO manual, each coded with one
event in PLOVER 0.5b1. Runs `khaldun code --format plover` on the sentences
(JSON Lines input, one story each, read at run time and never stored),
maps that file's event types to today's with the crosswalk below, and
prints, over the sentences:

  covered   sentences for which khaldun writes at least one PLOVER record
  agree     sentences where one of khaldun's records has the gold type
            (the figure of merit; also given per gold type)
  first     sentences where khaldun's first record has the gold type

With --floor, exits 1 when `agree` is below PCT percent (tests/sh/plover.sh).

Crosswalk, PLOVER 0.5b1 (the GSR file) -> PLOVER 2021 (data/plover.txt),
from the 2021 manual's type list and CAMEO table: DEMAND -> REQUEST,
DISAPPROVE -> ACCUSE, INVESTIGATE -> ACCUSE (mode investigate),
FIGHT -> ASSAULT (2021 folds CAMEO 19/20 into ASSAULT); AGREE, CONSULT,
SUPPORT, COOPERATE, AID, CONCEDE, RETREAT, REJECT, THREATEN, PROTEST,
MOBILIZE, SANCTION, COERCE, ASSAULT are unchanged. DOCUMENT records (the
file's own notes) are skipped.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

CROSSWALK = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
             "FIGHT": "ASSAULT"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    shared = os.environ.get("KHALDUN_SHARED") or "../shared"
    ap.add_argument("--khaldun", default=os.environ.get("KHALDUN_BIN", "./khaldun"))
    ap.add_argument("--gsr", default=os.path.join(shared, "reference/plover/PLOVER_GSR_CAMEO.txt"))
    ap.add_argument("--floor", type=float)
    ap.add_argument("--show", type=int, default=0, help="print N disagreements")
    a = ap.parse_args()
    try:
        with open(a.gsr, encoding="utf-8") as f:
            gsr = [r for r in json.load(f) if r.get("event") != "DOCUMENT"]
    except (OSError, ValueError) as e:
        sys.exit("plover-gsr: %s: %s" % (a.gsr, e))
    gold = {}
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as tmp:
        for i, r in enumerate(gsr):
            sid = "gsr%03d" % i
            gold[sid] = (CROSSWALK.get(r["event"], r["event"]), r["event"], r["text"])
            tmp.write(json.dumps({"id": sid, "date": r.get("date") or "2000-01-01",
                                  "text": r["text"]}) + "\n")
    try:
        out = subprocess.run([a.khaldun, "code", "--quiet", "--format", "plover", "--input",
                              "jsonl", tmp.name], stdout=subprocess.PIPE, check=False)
    finally:
        os.unlink(tmp.name)
    if out.returncode not in (0, 1):
        sys.exit("plover-gsr: khaldun failed (exit %d)" % out.returncode)
    found = collections.defaultdict(list)
    for line in out.stdout.decode("utf-8").splitlines():
        rec = json.loads(line)
        found[rec["story_id"]].append(rec["event_type"])
    n = len(gold)
    covered = agree = first = 0
    per = collections.defaultdict(lambda: [0, 0])
    misses = []
    for sid, (want, old, text) in gold.items():
        types = found.get(sid, [])
        per[old][1] += 1
        covered += bool(types)
        if want in types:
            agree += 1
            per[old][0] += 1
        elif len(misses) < a.show:
            misses.append("  %s want %s, got %s: %s" % (sid, want, ",".join(types) or "-", text))
        first += bool(types) and types[0] == want
    pct = lambda k: 100.0 * k / n if n else 0.0
    print("plover-gsr: %d sentences, covered %.1f%%, agree %.1f%%, first %.1f%%"
          % (n, pct(covered), pct(agree), pct(first)))
    print("by gold type (0.5b1 -> 2021): " + ", ".join(
        "%s%s %d/%d" % (t, "->" + CROSSWALK[t] if t in CROSSWALK else "", k, m)
        for t, (k, m) in sorted(per.items())))
    for m in misses:
        print(m)
    if a.floor is not None and pct(agree) < a.floor:
        print("plover-gsr: agreement %.1f%% is below the floor %.1f%%" % (pct(agree), a.floor))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""tabari-agreement.py: how khaldun's events agree with TABARI's own.

Usage: tools/tabari-agreement.py TABARI.evt KHALDUN [--examples N]

TABARI.evt is TABARI's output (date, source, target, code, name, record id,
tab-separated: ../shared/reference/peer-outputs/tabari-reuters/events.evt).
KHALDUN is `khaldun code --format tabari` output (the same columns) or its
JSON Lines output (story = record id). Events are compared as distinct
(record, source, target, code); prints precision, recall and F1, then every
class of disagreement with its count and example records, so each class can
be traced to a rule of TABARI's (manual, options) rather than fitted.
"""
import json
import sys
from collections import defaultdict


def read_tabari(path):
    ev = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 6:
                ev.add((p[5], p[1], p[2], p[3]))
    return ev


def read_khaldun(path):
    ev = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line[0] == "{":
                o = json.loads(line)
                ev.add((o["story"], o["source"] or "---", o.get("target") or "---", o["code"]))
            else:
                p = line.split("\t")
                if len(p) >= 6:
                    ev.add((p[5], p[1], p[2], p[3]))
    return ev


def by_record(ev):
    r = defaultdict(set)
    for e in ev:
        r[e[0]].add(e[1:])
    return r


def classify(rec, t, k):
    """The class of one record's disagreement: t, k are its (src, tgt, code) sets."""
    if not k:
        return "missed: TABARI codes the record, khaldun codes nothing"
    if not t:
        return "extra: khaldun codes a record TABARI leaves uncoded"
    tc = {c for _, _, c in t}
    kc = {c for _, _, c in k}
    td = {(s, g) for s, g, _ in t}
    kd = {(s, g) for s, g, _ in k}
    if td == kd:
        if {c[:2] for c in tc} == {c[:2] for c in kc}:
            return "code: same dyad, same root, another subcode (pattern precedence)"
        return "code: same dyad, another root (another pattern or verb)"
    if tc == kc:
        ts = {s for s, _ in td}
        ks = {s for s, _ in kd}
        if ts == ks:
            return "target: same source and code, another target"
        tt = {g for _, g in td}
        kt = {g for _, g in kd}
        if tt == kt:
            return "source: same target and code, another source"
        if {(g, s) for s, g in td} == kd:
            return "roles: source and target swapped"
        # Same actors up to a prefix: agents or compound members.
        return "actors: same code, other source and target"
    if len(t) != len(k):
        return "count: a different number of events in the record"
    return "both: other actors and another code"


def subclass(cls, t, k):
    """A finer class for the two largest ones: whether the events at issue
    all pair an actor with itself under another agent ("USAGOV -> USA", as
    a pronoun coded without its referent's agent gives), involve a compound
    (more than two events), or are a plain dyad."""
    ev = k if cls.startswith("extra") else t
    if not cls.startswith(("missed", "extra")):
        return None
    self_dyad = all(s[:3] == g[:3] for s, g, _ in ev)
    if self_dyad:
        return "one actor with and without an agent"
    if len(ev) > 2:
        return "several events (compounds, paired codes)"
    return "other dyads"


def main():
    args = sys.argv[1:]
    n_ex = 2
    if "--examples" in args:
        i = args.index("--examples")
        n_ex = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    tab = read_tabari(args[0])
    kh = read_khaldun(args[1])
    both = tab & kh
    p = len(both) / len(kh) if kh else 0.0
    r = len(both) / len(tab) if tab else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"events (distinct record, source, target, code): TABARI {len(tab)}, "
          f"khaldun {len(kh)}, both {len(both)}")
    print(f"precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    tr, kr = by_record(tab), by_record(kh)
    recs = set(tr) | set(kr)
    print(f"records coded: TABARI {len(tr)}, khaldun {len(kr)}, both {len(set(tr) & set(kr))}")
    classes = defaultdict(list)
    subs = defaultdict(lambda: defaultdict(list))
    for rec in sorted(recs):
        t, k = tr.get(rec, set()), kr.get(rec, set())
        if t != k:
            cls = classify(rec, t, k)
            classes[cls].append(rec)
            sub = subclass(cls, t, k)
            if sub:
                subs[cls][sub].append(rec)
    print("disagreements by class (records; examples: TABARI | khaldun):")
    for cls, rs in sorted(classes.items(), key=lambda x: -len(x[1])):
        print(f"  {len(rs):6d}  {cls}")
        for rec in rs[:n_ex]:
            t = " ".join("/".join(e) for e in sorted(tr.get(rec, ())))
            k = " ".join("/".join(e) for e in sorted(kr.get(rec, ())))
            print(f"          {rec}: {t or '-'} | {k or '-'}")
        for sub, srs in sorted(subs[cls].items(), key=lambda x: -len(x[1])):
            print(f"          {len(srs):6d}  {sub} (e.g. {srs[0]})")


if __name__ == "__main__":
    main()

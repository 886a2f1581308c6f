#!/usr/bin/env python3
"""gold-agreement.py: agreement between two readers of the same gold units.

    python3 tools/gold-agreement.py SECOND.jsonl FIRST.jsonl...

Units are matched by (corpus, record, off, len). For the units both readers
coded, prints: how often they agree that a unit holds an event (and Cohen's
kappa for it), and the F1 between their event sets per unit at the three
levels khaldun is scored at (docs/annotation.md section 10): root + dyad at
country level, and full code + full actors. A developer's aid; the tests do
not run it.
"""
import json
import sys


def key(u):
    return (u["corpus"], u["record"], u["off"], u["len"])


def ctry(a):
    return a[:3] if a else None


def level(e, full):
    if full:
        return (e.get("source"), e.get("target"), e["code"])
    return (ctry(e.get("source")), ctry(e.get("target")), e["code"][:2])


def main(argv):
    second = {key(json.loads(l)): json.loads(l) for l in open(argv[0]) if l.strip()}
    first = {}
    for path in argv[1:]:
        for l in open(path):
            if l.strip():
                u = json.loads(l)
                first[key(u)] = u
    both = [k for k in second if k in first]
    a = b = c = d = 0  # event in (first, second): yes/yes, yes/no, no/yes, no/no
    for k in both:
        x, y = bool(first[k]["events"]), bool(second[k]["events"])
        a += x and y
        b += x and not y
        c += y and not x
        d += not x and not y
    n = len(both)
    po = (a + d) / n
    pe = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
    kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
    print(f"units coded by both readers: {n}")
    print(f"event / no event: agreement {po:.3f}, Cohen's kappa {kappa:.3f} "
          f"(both {a}, first only {b}, second only {c}, neither {d})")
    for full, name in ((False, "root+dyad (country level)"), (True, "full code + actors")):
        tp = n1 = n2 = 0
        for k in both:
            s1 = {level(e, full) for e in first[k]["events"]}
            s2 = {level(e, full) for e in second[k]["events"]}
            tp += len(s1 & s2)
            n1 += len(s1)
            n2 += len(s2)
        f1 = 2 * tp / (n1 + n2) if n1 + n2 else 1.0
        print(f"{name}: F1 {f1:.3f} ({tp} shared of {n1} first, {n2} second)")


if __name__ == "__main__":
    main(sys.argv[1:])

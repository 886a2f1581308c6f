"""Binding overhead against the C coder, in CPU seconds (never wall time).

    /usr/bin/python3 python/bench.py FILE.jsonl [KHALDUN_BINARY]

code_file: CPU of Coder.code_file over FILE against `khaldun code -j 1 FILE`
(each less its start-up: image loading, and Python's imports); code: the
same stories' texts through Coder.code one at a time against the CLI coding
them as one-record-a-line JSON Lines. Prints one line per figure.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
import khaldun  # noqa: E402


def cli_cpu(binary, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, "code", "--quiet", "-j", "1", path], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    path = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else "./khaldun"
    tmp = tempfile.mkdtemp()
    empty = os.path.join(tmp, "empty.jsonl")
    open(empty, "w").close()
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            t = r.get("text") or r.get("body")
            if t:
                texts.append(t)
    one = os.path.join(tmp, "texts.jsonl")
    with open(one, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": "t%d" % i, "text": t}) + "\n")
    start = min(cli_cpu(binary, empty) for _ in range(3))
    c0 = time.process_time()
    coder = khaldun.Coder()
    load = time.process_time() - c0
    for label, src in (("code_file", path), ("code", one)):
        base = min(cli_cpu(binary, src) for _ in range(2)) - start
        best = None
        for _ in range(2):
            c0 = time.process_time()
            if label == "code_file":
                n = sum(1 for _ in coder.code_file(src))
            else:
                n = sum(len(coder.code(t, id="t%d" % i)) for i, t in enumerate(texts))
            cpu = time.process_time() - c0
            best = cpu if best is None else min(best, cpu)
        print("%-9s %d stories, %d events: C coder %.2f s CPU, binding %.2f s CPU, overhead %.1f%%"
              % (label, len(texts), n, base, best, 100.0 * (best - base) / base))
    print("startup   CLI %.3f s CPU; Coder() image loading %.3f s CPU" % (start, load))


if __name__ == "__main__":
    main()

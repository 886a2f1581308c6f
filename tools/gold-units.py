#!/usr/bin/env python3
"""gold-units.py: show the annotation units of corpus records, for writing gold.

A developer's aid for writing khaldun's real-news gold (docs/annotation.md);
nothing in the build or the tests runs it. It builds each record's story as
`khaldun eval --gold` does, reads it with `khaldun read`, and prints one JSON
line per sentence: corpus, record, off and len (bytes into the story text as
khaldun reads it), sha (first 8 hex digits of the SHA-256 of those bytes),
split (dev or test, fixed per story), kind and the text to read.

    python3 tools/gold-units.py CORPUS RECORD...      sentences of records
    python3 tools/gold-units.py --story CORPUS RECORD the whole story text
    python3 tools/gold-units.py --span CORPUS RECORD START_TEXT END_TEXT
                                  off/len/sha of the unit running from the
                                  first START_TEXT to the END_TEXT after it
    python3 tools/gold-units.py --list CORPUS          candidate record ids

CORPUS is reuters (record = newid), agnews (record = 1-based data row of
test.csv), or satp (record = id). The corpora come from $KHALDUN_SHARED
(default ../shared). The gold never holds corpus text, only these addresses.
"""
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("KHALDUN_SHARED", os.path.join(ROOT, "..", "shared"))
BIN = os.environ.get("KHALDUN_BIN", os.path.join(ROOT, "khaldun"))

POLITICAL = re.compile(
    r"\b(minister|government|president|troops|rebels?|guerrillas?|talks|sanctions|"
    r"embassy|police|army|military|killed|attack(ed)?|war|parliament|opposition|"
    r"diplomat\w*|protest\w*|arrest\w*|accus\w*|warn\w*|negotiat\w*)\b", re.I)


def split_of(corpus, record):
    h = hashlib.sha256(f"{corpus}:{record}".encode()).hexdigest()
    return "test" if h[0] in "01234" else "dev"


def story_json(corpus, record):
    """The JSON Lines story khaldun reads for a record (as eval builds it)."""
    if corpus == "reuters":
        with open(os.path.join(SHARED, "corpora/reuters21578/reuters21578.jsonl")) as f:
            for line in f:
                if f'"newid": "{record}"' in line:
                    return line.rstrip("\n")
    elif corpus == "satp":
        with open(os.path.join(SHARED, "corpora/satp/satp.jsonl")) as f:
            for line in f:
                if f'"id": "{record}"' in line:
                    return line.rstrip("\n")
    elif corpus == "agnews":
        with open(os.path.join(SHARED, "corpora/ag_news_subset/test.csv"), newline="") as f:
            rows = list(csv.reader(f))
        row = rows[int(record)]
        return json.dumps({"id": f"agnews-{record}", "title": row[1], "body": row[2]})
    sys.exit(f"gold-units: no record {record} in {corpus}")


def read_story(corpus, record):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as t:
        t.write(story_json(corpus, record) + "\n")
        name = t.name
    try:
        out = subprocess.run([BIN, "read", "--no-tokens", name], capture_output=True,
                             text=True, check=True).stdout
    finally:
        os.unlink(name)
    return json.loads(out.splitlines()[0])


def story_bytes(story):
    """Rebuild the story text bytes from its sentences (gaps as spaces)."""
    end = max(s["off"] + len(s["text"].encode()) for s in story["sentences"])
    buf = bytearray(b" " * end)
    for s in story["sentences"]:
        b = s["text"].encode()
        buf[s["off"]:s["off"] + len(b)] = b
    return bytes(buf)


def unit(corpus, record, off, data, kind):
    return {"corpus": corpus, "record": record, "off": off, "len": len(data),
            "sha": hashlib.sha256(data).hexdigest()[:8], "split": split_of(corpus, record),
            "kind": kind, "text": data.decode(errors="replace")}


def main(argv):
    if len(argv) >= 2 and argv[0] == "--list":
        corpus = argv[1]
        if corpus == "agnews":
            with open(os.path.join(SHARED, "corpora/ag_news_subset/test.csv"), newline="") as f:
                rows = list(csv.reader(f))
            print(" ".join(str(i) for i in range(1, len(rows)) if rows[i][0] == "1"))
        elif corpus == "reuters":
            ids = []
            with open(os.path.join(SHARED, "corpora/reuters21578/reuters21578.jsonl")) as f:
                for line in f:
                    r = json.loads(line)
                    text = (r.get("title") or "") + " " + (r.get("body") or "")
                    if len(POLITICAL.findall(text)) >= 4 and len(text) < 3000:
                        ids.append(r["newid"])
            print(" ".join(ids))
        elif corpus == "satp":
            with open(os.path.join(SHARED, "corpora/satp/satp.jsonl")) as f:
                print(" ".join(json.loads(l)["id"] for l in f if len(json.loads(l)["text"]) < 1500))
        return
    if len(argv) == 3 and argv[0] == "--story":
        st = read_story(argv[1], argv[2])
        sys.stdout.write(story_bytes(st).decode(errors="replace") + "\n")
        return
    if len(argv) == 5 and argv[0] == "--span":
        corpus, record, a, b = argv[1:]
        data = story_bytes(read_story(corpus, record))
        start = data.find(a.encode())
        end = data.find(b.encode(), start) if start >= 0 else -1
        if start < 0 or end < 0:
            sys.exit("gold-units: text not found in the story")
        print(json.dumps(unit(corpus, record, start, data[start:end + len(b.encode())], "span")))
        return
    if len(argv) < 2:
        sys.exit(__doc__)
    corpus = argv[0]
    for record in argv[1:]:
        st = read_story(corpus, record)
        for s in st["sentences"]:
            print(json.dumps(unit(corpus, record, s["off"], s["text"].encode(), s["kind"]),
                             ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""promcheck.py FILE: check a Prometheus text exposition (format 0.0.4).

A stand-in for `promtool check metrics`: the line grammar, names, label
syntax, values, one TYPE per family before its samples, no duplicate
series, and for histograms cumulative buckets ending in +Inf == _count.
Exits 1 with one line per problem."""
import math, re, sys
from collections import defaultdict

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{((?:{LABEL})(?:,{LABEL})*)?,?\}})? (\S+)(?: -?\d+)?$")
problems, types, seen = [], {}, set()
hist = defaultdict(dict)

def family(name):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name

for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        if not re.match(rf"^# HELP {NAME} ", line):
            problems.append(f"{n}: bad HELP")
        continue
    if line.startswith("# TYPE "):
        m = re.match(rf"^# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)$", line)
        if not m:
            problems.append(f"{n}: bad TYPE: {line}")
        elif m[1] in types:
            problems.append(f"{n}: second TYPE for {m[1]}")
        else:
            types[m[1]] = m[2]
        continue
    if line.startswith("#") or not line:
        continue
    m = SAMPLE.match(line)
    if not m:
        problems.append(f"{n}: not a sample: {line}")
        continue
    name, labels, value = m[1], m[2] or "", m[3]
    try:
        v = float(value)
    except ValueError:
        problems.append(f"{n}: bad value {value}")
        continue
    fam = family(name)
    if fam not in types:
        problems.append(f"{n}: {name} before its TYPE")
    if (name, labels) in seen:
        problems.append(f"{n}: duplicate series {name}{{{labels}}}")
    seen.add((name, labels))
    if types.get(fam) == "counter" and (v < 0 or math.isnan(v)):
        problems.append(f"{n}: negative counter {name}")
    if types.get(fam) == "histogram":
        pairs = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels))
        le = pairs.pop("le", None)
        key = (fam, tuple(sorted(pairs.items())))
        if name.endswith("_bucket"):
            if le is None:
                problems.append(f"{n}: bucket without le")
            else:
                hist[key].setdefault("buckets", []).append((float(le), v))
        elif name.endswith("_count"):
            hist[key]["count"] = v

for key, h in hist.items():
    b = h.get("buckets", [])
    if not b or b[-1][0] != math.inf:
        problems.append(f"{key}: no +Inf bucket last")
    if any(b[i][0] >= b[i + 1][0] or b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
        problems.append(f"{key}: buckets not increasing and cumulative")
    if b and h.get("count") != b[-1][1]:
        problems.append(f"{key}: _count {h.get('count')} != +Inf bucket {b[-1][1]}")

for p in problems:
    print("promcheck:", p)
sys.exit(1 if problems else 0)

#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""promcheck.py FILE: check a Prometheus text exposition (format 0.0.4).

The text is read by the reference client's own parser (Debian's
python3-prometheus-client), which refuses what it cannot parse.  Then what
a parser leaves unchecked: every sample's family has one TYPE, given before
its samples; no series twice; counters not negative; histograms' buckets
increasing, cumulative, ending in +Inf, that bucket equal to _count.
Exits 1 with one line per problem.  Run it with Debian's python3."""
import math
import re
import sys
from collections import defaultdict

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
problems = []
try:
    families = list(text_string_to_metric_families(text))
except Exception as e:  # the parser's own refusal, whatever its type
    print(f"promcheck: the Prometheus parser refuses it: {e!r}")
    sys.exit(1)

# TYPE lines: one per family, before its first sample.
typed, seen_samples = {}, set()
for n, line in enumerate(text.splitlines(), 1):
    m = re.match(r"^# TYPE (\S+) (\S+)$", line)
    if m:
        if m[1] in typed:
            problems.append(f"{n}: second TYPE for {m[1]}")
        typed[m[1]] = m[2]
    elif line and not line.startswith("#"):
        seen_samples.add(re.match(r"^[^{ ]+", line)[0])
for fam in families:
    # The client names a counter family without its "_total".
    if fam.name not in typed and fam.name + "_total" not in typed and fam.type != "unknown":
        problems.append(f"{fam.name}: no TYPE line")
    if fam.type == "unknown":
        problems.append(f"{fam.name}: samples without a TYPE")

series = set()
for fam in families:
    hist = defaultdict(lambda: {"buckets": [], "count": None})
    for s in fam.samples:
        key = (s.name, tuple(sorted(s.labels.items())))
        if key in series:
            problems.append(f"duplicate series {s.name}{dict(s.labels)}")
        series.add(key)
        if fam.type == "counter" and (s.value < 0 or math.isnan(s.value)):
            problems.append(f"negative counter {s.name}")
        if fam.type == "histogram":
            labels = {k: v for k, v in s.labels.items() if k != "le"}
            h = hist[tuple(sorted(labels.items()))]
            if s.name.endswith("_bucket"):
                h["buckets"].append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_count"):
                h["count"] = s.value
    for labels, h in hist.items():
        b = h["buckets"]
        where = f"{fam.name}{dict(labels)}"
        if not b or b[-1][0] != math.inf:
            problems.append(f"{where}: no +Inf bucket last")
        if any(b[i][0] >= b[i + 1][0] or b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
            problems.append(f"{where}: buckets not increasing and cumulative")
        if b and h["count"] != b[-1][1]:
            problems.append(f"{where}: _count {h['count']} != +Inf bucket {b[-1][1]}")

for p in problems:
    print("promcheck:", p)
sys.exit(1 if problems else 0)

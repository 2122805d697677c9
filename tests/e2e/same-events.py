# SPDX-License-Identifier: MIT
"""same-events.py NFQUEUE_OUT OTHER_OUT SOURCE [KEY...]: the JSON events
another source wrote (OTHER_OUT, "source" SOURCE) are NFQUEUE's (the
same SYNs, matched by source port) field for field, but for source, id,
ts and each KEY named (what the other source numbers its own way).
Exits 1 naming the first field that differs."""
import json
import sys


def events(path):
    out = {}
    for line in open(path):
        e = json.loads(line)
        out[e["sport"]] = e
    return out


q, o = events(sys.argv[1]), events(sys.argv[2])
source, ignored = sys.argv[3], ("source", "id", "ts", *sys.argv[4:])
assert q.keys() == o.keys(), (sorted(q), sorted(o))
for sport in q:
    a, b = dict(q[sport]), dict(o[sport])
    assert a["source"] == "nfqueue" and b["source"] == source, (a, b)
    for k in ignored:
        a.pop(k), b.pop(k)
    assert a == b, ("sport", sport, {k: (a.get(k), b.get(k))
                                     for k in set(a) | set(b) if a.get(k) != b.get(k)})
print(f"  {len(q)} events alike")

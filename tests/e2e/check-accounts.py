# SPDX-License-Identifier: MIT
"""check-accounts.py: a final stats line (stdin) adds up, for every sink,
as doc/delivery.md says:

    seen + spool_start = delivered + failed + dropped_buffer + dropped_spool
                         + spool_corrupt + pending + spooled
    seen + dropped_ring = the events every queue (or NFLOG group) made

(at most those after a reload: a sink it opened saw only the events since;
tests/e2e/reload.sh counts those exactly)

and for every NFLOG group and ebpf ring, events + decode errors <=
received (equal but for the retransmits --dedup drops); for every ebpf
ring, what its program counted is every record read or counted lost:
seen = received + lost.

Prints each sink's figures; exits 1 naming the sink that does not add up.
"""
import json
import sys

stats = json.loads(sys.stdin.read())["stats"]
assert stats["final"] is True, "not the final stats line"
groups = stats.get("groups", [])
rings = stats.get("rings", [])
made = sum(q["events"] for q in stats["queues"] + groups + rings)
bad = 0
for g in groups + rings:
    name = f"group {g['group']}" if "group" in g else f"ring {g['ring']}"
    undecoded = sum(g["decode_errors"].values())
    if g["received"] < g["events"] + undecoded:
        print(f"{name}: received {g['received']} < events {g['events']}"
              f" + decode errors {undecoded}")
        bad += 1
for r in rings:
    if r["seen"] != r["received"] + r["lost"]:
        print(f"ring {r['ring']}: the program saw {r['seen']} != received {r['received']}"
              f" + lost {r['lost']}")
        bad += 1
for i, s in enumerate(stats["sinks"]):
    left = s["seen"] + s["spool_start"]
    right = (s["delivered"] + s["failed"] + s["dropped_buffer"] + s["dropped_spool"]
             + s["spool_corrupt"] + s["pending"] + s["spooled"])
    if left != right:
        print(f"sink {i} ({s['sink']}): seen {s['seen']} + spool_start {s['spool_start']} = {left}"
              f" != {right} = delivered {s['delivered']} + failed {s['failed']}"
              f" + dropped_buffer {s['dropped_buffer']} + dropped_spool {s['dropped_spool']}"
              f" + spool_corrupt {s['spool_corrupt']} + pending {s['pending']} + spooled {s['spooled']}")
        bad += 1
    offered = s["seen"] + s["dropped_ring"]
    if offered != made and not (stats.get("reloads") and offered < made):
        print(f"sink {i} ({s['sink']}): seen {s['seen']} + dropped_ring {s['dropped_ring']}"
              f" != {made} events made by the queues")
        bad += 1
    if s["dropped"] != s["dropped_ring"] + s["dropped_buffer"] + s["dropped_spool"]:
        print(f"sink {i} ({s['sink']}): dropped {s['dropped']} is not the sum of its reasons")
        bad += 1
sys.exit(1 if bad else 0)

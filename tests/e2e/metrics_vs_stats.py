#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""metrics_vs_stats.py STATS_LINE_FILE METRICS_FILE: the stats line and
/metrics, taken with no traffic in between, say the same thing.

Every counter of every queue in the stats line (the scalar ones, the
decode errors by kind, the latency buckets) must be in /metrics with the
same value, and every sink's core and plugin counters.
A key of the stats line that /metrics lacks fails the test: the two
outputs cannot drift apart unseen.  Run it with Debian's python3."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

stats = json.loads(open(sys.argv[1]).read())["stats"]
samples = {}
for fam in text_string_to_metric_families(open(sys.argv[2]).read()):
    for s in fam.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value


def metric(name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


problems, compared = [], 0


def same(what, want, got):
    global compared
    compared += 1
    if got is None:
        problems.append(f"{what}: in the stats line ({want}), not in /metrics")
    elif got != want:
        problems.append(f"{what}: stats line {want}, /metrics {got}")


same("log_dropped", stats["log_dropped"], metric("synsink_log_dropped_total"))
same("reloads", stats["reloads"], metric("synsink_reloads_total"))
same("reload_errors", stats["reload_errors"], metric("synsink_reload_errors_total"))
same("sink_flush_failures", stats["sink_flush_failures"],
     metric("synsink_sink_flush_failures_total"))

# The per-queue scalar counters: found by value under synsink_*_total.
NAMES = {"received": "synsink_packets_received_total", "retx": "synsink_retransmits_total"}
for q in stats["queues"]:
    qn = str(q["queue"])
    for key, val in q.items():
        if key in ("queue", "decode_errors", "verdict_latency_us", "kernel"):
            continue
        same(f"queue {qn} {key}", val, metric(NAMES.get(key, f"synsink_{key}_total"), queue=qn))
    for kind, val in q["decode_errors"].items():
        same(f"queue {qn} decode_errors.{kind}", val,
             metric("synsink_decode_errors_total", queue=qn, kind=kind))
    buckets = {float(k[1][[n for n, _ in k[1]].index("le")][1]): v
               for k, v in samples.items()
               if k[0] == "synsink_verdict_latency_seconds_bucket" and ("queue", qn) in k[1]}
    acc = 0
    for key, val in q["verdict_latency_us"].items():
        if key == "sum_ns":
            continue
        acc += val    # the stats line's buckets are not cumulative
        le = float("inf") if key == "inf" else int(key[3:]) / 1e6
        same(f"queue {qn} latency {key}", acc, buckets.get(le))
    if q["kernel"]:
        for by in ("queue", "user"):
            same(f"queue {qn} kernel {by}_dropped", q["kernel"][f"{by}_dropped"],
                 metric("synsink_kernel_queue_dropped_total", queue=qn, by=by))
for s in stats["sinks"]:
    # Every core counter of the sink, totals and levels alike.
    for key, val in s.items():
        if key in ("sink", "flush_failed", "spool", "plugin"):
            continue
        total = metric("synsink_sink_events_total", sink=s["sink"], outcome=key)
        level = metric("synsink_sink_events", sink=s["sink"], state=key)
        same(f"sink {s['sink']} {key}", val, total if total is not None else level)
    same(f"sink {s['sink']} flush_failed", int(s["flush_failed"]),
         metric("synsink_sink_flush_failed", sink=s["sink"]))
    if "spool" in s:
        same(f"sink {s['sink']} spool bytes", s["spool"]["bytes"],
             metric("synsink_sink_spool_bytes", sink=s["sink"]))
        same(f"sink {s['sink']} spool max_bytes", s["spool"]["max_bytes"],
             metric("synsink_sink_spool_max_bytes", sink=s["sink"]))
    for key, val in s.get("plugin", {}).items():
        same(f"sink {s['sink']} plugin {key}", val,
             metric("synsink_sink_plugin_value", sink=s["sink"], counter=key))

for p in problems:
    print("metrics_vs_stats:", p)
print(f"metrics_vs_stats: {compared} values compared, {len(problems)} differ")
sys.exit(1 if problems else 0)

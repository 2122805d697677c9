#!/usr/bin/env bash
# The Kafka sink against a real Apache Kafka broker (KRaft): N connections
# per family -> exactly 2N messages, keyed as configured, JSON that parses,
# the schema header; a second instance writes text keyed by the 4-tuple
# and folds librdkafka's statistics into the counters.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=15
e2e_init
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink kafka:topic=syn \
	--sink kafka:topic=syntext,key=flow,format=text,rdkafka.statistics.interval.ms=100
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 3
connect $LAB_V6_SRV 22 $N -c 3
lab_busywait 30000 kafka_count_is syn $((2 * N)) || e2e_fail "topic syn"
lab_busywait 30000 kafka_count_is syntext $((2 * N)) || e2e_fail "topic syntext"
ss_stop
for i in 0 1; do
	[ "$(ss_stat sinks.$i.plugin.delivered)" = $((2 * N)) ] || e2e_fail "sink $i delivered"
	[ "$(ss_stat sinks.$i.plugin.failed)" = 0 ] || e2e_fail "sink $i failed"
	[ "$(ss_stat sinks.$i.plugin.in_flight)" = 0 ] || e2e_fail "sink $i in flight"
done
# librdkafka's own statistics, folded into ours
[ "$(ss_stat sinks.1.plugin.rdkafka_tx)" -gt 0 ] || e2e_fail "no librdkafka statistics"
kafka_dump syn "$E2E_TMP/syn"
kafka_dump syntext "$E2E_TMP/syntext"
python3 - "$E2E_TMP/syn" "$E2E_TMP/syntext" "$E2E_TMP/made" <<'PY' || e2e_fail "topic contents"
import json, re, sys
made = set()
for l in open(sys.argv[3]):
    m = re.match(r"ok \[?([^\]]+?)\]?:(\d+) -> \[?([^\]]+?)\]?:(\d+)$", l.strip())
    made.add((m[1], int(m[2]), m[3], int(m[4])))
syn = [json.loads(l) for l in open(sys.argv[1])]
ev = [json.loads(m["payload"]) for m in syn]
assert len(ev) == len(made) and {(e["src"], e["sport"], e["dst"], e["dport"]) for e in ev} == made
for m, e in zip(syn, ev):
    assert m["key"] == e["src"], (m["key"], e["src"])
    assert m["headers"][:3] == ["synsink-schema", "1", "synsink-host"], m["headers"]
    assert m["headers"][3] == e["host"], (m["headers"], e["host"])
assert sum(e["family"] == "ipv6" for e in ev) == len(made) // 2
# one source, one partition: its events keep their order
by_src = {}
for m, e in zip(syn, ev):
    by_src.setdefault(e["src"], set()).add(m["partition"])
assert all(len(p) == 1 for p in by_src.values()), by_src
text = [json.loads(l) for l in open(sys.argv[2])]
pre = "A new tcp connection will be established: "
flows = set()
for m in text:
    assert m["payload"].startswith(pre), m
    src, sport, dst, dport = m["key"].split(" ")
    flows.add((src, int(sport), dst, int(dport)))
assert flows == made
PY
e2e_pass "$((2 * N)) JSON messages keyed by source, $((2 * N)) text keyed by flow"

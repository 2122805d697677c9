#!/usr/bin/env bash
# Java-compatible partitioning: synsink's Kafka sink (key=src) and the
# Java client (kafka-clients, default partitioner) write the same keys
# into one 3-partition topic; every key lands in one partition, whoever
# produced it.  With librdkafka's own default (CRC32), some would not:
# PARTITIONER=consistent_random bash tests/e2e/kafka_partition.sh fails.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=400 K=16
e2e_init
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "kafka:topic=part${PARTITIONER:+,rdkafka.partitioner=$PARTITIONER}"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k $K -p 9 -n $N -r 2000 -t 10 >/dev/null ||
	e2e_fail "syngen raw"
lab_busywait 30000 live_stat_ge sinks.0.delivered $N || e2e_fail "delivered $(ss_live_stat sinks.0.delivered)"
ss_stop
kafka_dump part "$E2E_TMP/synsink.json"
python3 -c '
import json, sys
print("\n".join(sorted({json.loads(l)["key"] for l in open(sys.argv[1])})))' \
	"$E2E_TMP/synsink.json" >"$E2E_TMP/keys"
[ "$(wc -l <"$E2E_TMP/keys")" = $K ] || e2e_fail "$(wc -l <"$E2E_TMP/keys") keys, not $K"
kafka_client produce part "$E2E_TMP/keys" >"$E2E_TMP/java.out" 2>"$E2E_TMP/java.err" ||
	e2e_fail "java: $(tail -n 5 "$E2E_TMP/java.err")"
kafka_dump part "$E2E_TMP/all.json"
python3 - "$E2E_TMP/all.json" $N $K <<'PY' || e2e_fail "a key in two partitions"
import collections, json, sys
parts, who = collections.defaultdict(set), collections.Counter()
for l in open(sys.argv[1]):
    m = json.loads(l)
    src = "java" if m["payload"] == "java" else "synsink"
    who[src] += 1
    parts[m["key"]].add((src, m["partition"]))
assert who == {"synsink": int(sys.argv[2]), "java": int(sys.argv[3])}, who
split = {k: v for k, v in parts.items() if len({p for _, p in v}) > 1}
assert not split, split
used = {p for v in parts.values() for _, p in v}
assert len(used) > 1, used      # the keys spread: the test can tell
print(len(parts), "keys,", len(used), "partitions")
PY
kafka_stop
e2e_pass "$K keys from synsink ($N events) and from the Java client: each key in one partition"

#!/usr/bin/env bash
# The broker stopped for about 10 s mid-run and started again: synsink
# stays up, librdkafka holds and retries, and every event the sink accepted
# before, during and after is delivered exactly once (idempotent producer)
# or counted as failed: delivered + failed = accepted, no duplicates.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=10 M=10 K=10
OUTAGE_S=10
e2e_init
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink kafka:topic=syn
listen_start 22 $((N + M + K))
connect $LAB_V4_SRV 22 $N
lab_busywait 30000 live_stat_ge sinks.0.plugin.delivered $N || e2e_fail "phase 1"

kafka_stop
down_at=$(date +%s)
connect $LAB_V6_SRV 22 $M
lab_busywait 10000 live_stat_ge sinks.0.plugin.accepted $((N + M)) || e2e_fail "phase 2"
kill -0 "$SS_PID" || e2e_fail "synsink died with the broker"
# The outage itself: the broker stays down this long, on purpose.
sleep $((OUTAGE_S - ($(date +%s) - down_at)))
[ "$(ss_live_stat sinks.0.plugin.delivered)" = $N ] || e2e_fail "delivered while down?"
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker restart"
connect $LAB_V4_SRV 22 $K
lab_busywait 60000 live_stat_ge sinks.0.plugin.delivered $((N + M + K)) ||
	e2e_fail "after the restart: $(ss_live_stat sinks.0.plugin.delivered) delivered"
ss_stop
accepted=$(ss_stat sinks.0.plugin.accepted)
delivered=$(ss_stat sinks.0.plugin.delivered)
failed=$(ss_stat sinks.0.plugin.failed)
[ "$(ss_stat sinks.0.seen)" = $((N + M + K)) ] || e2e_fail "seen"
[ "$accepted" = $((N + M + K)) ] || e2e_fail "accepted $accepted"
[ $((delivered + failed)) = "$accepted" ] || e2e_fail "delivered $delivered + failed $failed != accepted $accepted"
kafka_dump syn "$E2E_TMP/syn"
python3 - "$E2E_TMP/syn" "$delivered" <<'PY' || e2e_fail "topic: duplicates or a wrong count"
import json, sys
ids = [json.loads(json.loads(l)["payload"])["id"] for l in open(sys.argv[1])]
assert len(ids) == int(sys.argv[2]), (len(ids), sys.argv[2])
assert len(set(ids)) == len(ids), "duplicates"
PY
kafka_stop
e2e_pass "${OUTAGE_S}s outage: accepted $accepted = delivered $delivered + failed $failed; no duplicates; stderr $(grep -vc stats "$SS_ERR") lines"

#!/usr/bin/env bash
# Every sink at once (stdout, redis, syslog, kafka): four plugins loaded
# side by side, N connections per family -> exactly 2N events in each.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=10 SENSOR=edge-7.lab
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6392 || e2e_fail "redis-server"
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5534 5535 || e2e_fail "rsyslogd"
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sensor "$SENSOR" \
	--sink stdout:format=json --sink redis:port=6392,key=s \
	--sink syslog:target=tcp:127.0.0.1:5535 --sink kafka:topic=syn
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 2
connect $LAB_V6_SRV 22 $N -c 2
wait_lines "$E2E_TMP/out" $((2 * N))
lab_busywait 10000 redis_len_is x s $((2 * N)) || e2e_fail "redis: $(rcli xlen s)"
lab_busywait 10000 rsyslog_count_is imtcp $((2 * N)) || e2e_fail "rsyslog"
lab_busywait 30000 kafka_count_is syn $((2 * N)) || e2e_fail "kafka"
ss_stop
names=$(for i in 0 1 2 3; do ss_stat sinks.$i.sink; done | tr '\n' ' ')
[ "$names" = "stdout redis syslog kafka " ] || e2e_fail "sinks: $names"
for i in 0 1 2 3; do
	[ "$(ss_stat sinks.$i.delivered)" = $((2 * N)) ] || e2e_fail "sink $i delivered"
	[ "$(ss_stat sinks.$i.dropped)" = 0 ] || e2e_fail "sink $i dropped"
done
# --sensor in every event of every sink: the JSON "host" (stdout, the
# Redis stream's field, the Kafka value), syslog's HOSTNAME, and Kafka's
# synsink-host header.
python3 - "$E2E_TMP/out" "$SENSOR" <<'PY' || e2e_fail "stdout: host"
import json, sys
hosts = {json.loads(l)["host"] for l in open(sys.argv[1])}
assert hosts == {sys.argv[2]}, hosts
PY
rcli xrange s - + | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from xrange import entries
hosts = [e["host"] for e in entries(sys.stdin.read().splitlines())]
assert len(hosts) == int(sys.argv[3]) and set(hosts) == {sys.argv[2]}, hosts' \
	"$E2E_DIR" "$SENSOR" $((2 * N)) || e2e_fail "redis: host"
[ "$(awk '$1 == "imtcp" && $5 == "'"$SENSOR"'"' "$E2E_TMP/rs/out.log" | wc -l)" = $((2 * N)) ] ||
	e2e_fail "syslog HOSTNAME: $(awk '{print $5}' "$E2E_TMP/rs/out.log" | sort | uniq -c)"
kafka_dump syn "$E2E_TMP/syn"
python3 - "$E2E_TMP/syn" "$SENSOR" $((2 * N)) <<'PY' || e2e_fail "kafka: host"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert len(msgs) == int(sys.argv[3]), len(msgs)
for m in msgs:
    assert json.loads(m["payload"])["host"] == sys.argv[2], m
    h = m.get("headers") or []
    hdr = dict(zip(h[0::2], h[1::2]))
    assert hdr.get("synsink-host") == sys.argv[2], m
PY
e2e_pass "$((2 * N)) events in each of stdout, redis, syslog and kafka; host $SENSOR in every one"

#!/usr/bin/env bash
# SIGTERM with events still in librdkafka's queue (linger 5 s): the clean
# stop flushes, and every one of them is in the topic before synsink exits.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=20
e2e_init
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink kafka:topic=syn,rdkafka.linger.ms=5000 --flush-timeout 20000
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 4
lab_busywait 10000 live_stat_ge sinks.0.plugin.accepted $N || e2e_fail "accepted"
[ "$(ss_live_stat sinks.0.plugin.delivered)" = 0 ] || e2e_fail "delivered before the stop: linger too short"
ss_stop
[ "$(ss_stat sinks.0.plugin.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.plugin.delivered)"
[ "$(ss_stat sinks.0.flush_failed)" = False ] || e2e_fail "flush failed"
kafka_count_is syn $N || e2e_fail "the topic lacks events"
kafka_stop
e2e_pass "$N events in flight at SIGTERM, all $N in the topic"

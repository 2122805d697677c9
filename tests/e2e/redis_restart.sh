#!/usr/bin/env bash
# redis-server stopped mid-run (while synsink fails to reconnect three
# times, about 0.7 s of backoff) and started again: synsink stays up, holds
# what it can (buffer=B), drops and counts the rest, reconnects, delivers
# what came after; delivered + dropped + failed = events seen, exactly, and
# the stream holds exactly what was delivered.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=10 M=12 K=10 B=5
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6391 || e2e_fail "redis-server"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "redis:port=6391,key=s,buffer=$B"
listen_start 22 $((N + M + K))
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 redis_len_is x s $N || e2e_fail "phase 1: XLEN $(rcli xlen s)"

redis_stop
# One SYN first, so the sink finds Redis gone before the rest come (as in
# syslog_restart.sh): then every later one is held or dropped, never
# taken by a plugin that still thinks it is connected.
connect $LAB_V6_SRV 22 1
lab_busywait 5000 grep -q "connection lost" "$SS_ERR" || e2e_fail "loss not noticed"
connect $LAB_V6_SRV 22 $((M - 1))
lab_busywait 10000 live_stat_ge sinks.0.plugin.connect_errors 3 ||
	e2e_fail "no failed reconnects while Redis was down"
lab_busywait 10000 live_stat_ge sinks.0.dropped_buffer $((M - B)) ||
	e2e_fail "the outage's events not all taken: $(ss_live_stat sinks.0.seen) seen"
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6391 || e2e_fail "redis-server restart"
lab_busywait 10000 grep -q "reconnected" "$SS_ERR" || e2e_fail "no reconnect"
connect $LAB_V4_SRV 22 $K
lab_busywait 10000 redis_len_is x s $((N + B + K)) || e2e_fail "XLEN $(rcli xlen s)"
ss_stop

after_outage $((N + M + K)) $((M - B)) "$(rcli xlen s)"
[ "$(ss_stat sinks.0.plugin.reconnects)" -ge 1 ] || e2e_fail "reconnects"
redis_stop
e2e_pass "$OUTAGE_SAID; XLEN = delivered"

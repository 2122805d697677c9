#!/usr/bin/env bash
# SIGKILL during an outage, with a spool: after the restart every event
# whose record was complete is delivered, each once.  What is lost is what
# was in memory at the kill (the ring and the queue, buffer=), and the
# test says how much that was.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=20000 B=1000 R=1024
e2e_init
SPOOL=$E2E_TMP/spool
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6396 || e2e_fail "redis-server"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "redis:port=6396,key=s,ring=$R,buffer=$B,spool=$SPOOL"
redis_stop
rm -rf "$E2E_TMP/redis"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r 5000 -t 30 >/dev/null ||
	e2e_fail "syngen raw"
# Everything captured has moved on from the ring: the counters stand still.
moved() {
	local line
	line=$(lab_stats_live "$SS_PID" "$SS_ERR" 2000) || return 1
	[ "$(lab_stats_get queues.0.events <<<"$line")" = $N ] &&
		[ "$(lab_stats_get sinks.0.seen <<<"$line")" = $N ]
}
lab_busywait 10000 moved || e2e_fail "not every event moved on"
line=$(lab_stats_live "$SS_PID" "$SS_ERR" 2000) || e2e_fail "no stats"
appended=$(lab_stats_get sinks.0.spool.appended <<<"$line")
inmem=$(lab_stats_get sinks.0.pending <<<"$line")
kill -KILL "$SS_PID"
wait "$SS_PID" 2>/dev/null || true	# 137: the SIGKILL
SS_PID=""
[ $((appended + inmem)) = $N ] || e2e_fail "spooled $appended + in memory $inmem != $N"
[ "$inmem" -le $((B + R)) ] || e2e_fail "$inmem in memory, more than buffer + ring"

redis_start "$LAB_SRV" "$E2E_TMP/redis" 6396 || e2e_fail "redis-server again"
ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --queue 1 --sink "redis:port=6396,key=s,spool=$SPOOL"
lab_busywait 30000 redis_len_is x s "$appended" || e2e_fail "XLEN $(rcli xlen s) of $appended"
lab_busywait 10000 not live_stat_ge sinks.0.spooled 1 || e2e_fail "spool not empty"
ss_stop
[ "$(rcli xlen s)" = "$appended" ] || e2e_fail "XLEN $(rcli xlen s) != $appended"
[ "$(ss_stat sinks.0.delivered)" = "$appended" ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$(ss_stat sinks.0.spool_corrupt)" = 0 ] || e2e_fail "corrupt $(ss_stat sinks.0.spool_corrupt)"
redis_stop
e2e_pass "SIGKILL with $N captured: all $appended spooled records delivered once; $inmem in memory lost (bound: buffer $B + ring $R)"

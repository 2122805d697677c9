#!/usr/bin/env bash
# Redis away while 100 000 SYNs arrive (raw, ~5k/s), with a ring and a
# memory buffer far smaller than that.  With spool=DIR every event reaches
# the stream once Redis is back: XLEN = events, each once, 0 drops.  The
# same run without a spool keeps the oldest `buffer` events and drops the
# rest, exactly as its counters say: XLEN = delivered, and delivered +
# dropped = events.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=${SPOOL_N:-100000} RATE=${SPOOL_RATE:-5000} B=1000
e2e_init
lab_rules_add --queue 1

# run SPOOL_ARG: Redis goes away, N events come, Redis comes back (with
# an empty stream); sets T_BACK to when.
run() {
	rm -rf "$E2E_TMP/redis"
	redis_start "$LAB_SRV" "$E2E_TMP/redis" 6394 || e2e_fail "redis-server"
	ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
		--sink "redis:port=6394,key=s,ring=1024,buffer=$B$1"
	redis_stop
	rm -rf "$E2E_TMP/redis"
	lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r $RATE -t 60 \
		>/dev/null || e2e_fail "syngen raw"
	lab_busywait 10000 live_stat_ge queues.0.events $N || e2e_fail "events: $(ss_live_stat queues.0.events)"
	T_BACK=$(date +%s%N)
	redis_start "$LAB_SRV" "$E2E_TMP/redis" 6394 || e2e_fail "redis-server"
}

# all_settled: nothing pending in memory or on disk.
all_settled() {
	local line
	line=$(lab_stats_live "$SS_PID" "$SS_ERR" 2000) || return 1
	[ "$(lab_stats_get sinks.0.pending <<<"$line")" = 0 ] &&
		[ "$(lab_stats_get sinks.0.spooled <<<"$line")" = 0 ]
}

run ",spool=$E2E_TMP/spool"
[ "$(stat -c %a "$E2E_TMP/spool")" = 700 ] || e2e_fail "spool mode $(stat -c %a "$E2E_TMP/spool")"
lab_busywait 60000 redis_len_is x s $N || e2e_fail "XLEN $(rcli xlen s) of $N"
replay_ms=$(( ($(date +%s%N) - T_BACK) / 1000000 ))
lab_busywait 10000 all_settled || e2e_fail "not settled"
ss_stop
for k in seen delivered; do
	[ "$(ss_stat sinks.0.$k)" = $N ] || e2e_fail "$k $(ss_stat sinks.0.$k)"
done
for k in dropped failed pending spooled spool_corrupt; do
	[ "$(ss_stat sinks.0.$k)" = 0 ] || e2e_fail "$k $(ss_stat sinks.0.$k)"
done
spooled=$(ss_stat sinks.0.spool.appended)
[ "$spooled" -ge $((N - 2 * B - 1024)) ] || e2e_fail "only $spooled went through the spool"
rcli xrange s - + | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from xrange import entries
ids = [e["id"] for e in entries(sys.stdin.read().splitlines())]
assert len(ids) == len(set(ids)) == int(sys.argv[2]), (len(ids), len(set(ids)))
' "$E2E_DIR" $N || e2e_fail "the stream does not hold each event once"
[ -z "$(ls "$E2E_TMP/spool"/*.seg 2>/dev/null)" ] || e2e_fail "segments left: $(ls "$E2E_TMP/spool")"
redis_stop
with="$N of $N through the spool ($spooled spooled, in Redis $replay_ms ms after it was back), each once, 0 drops"

run ""
lab_busywait 30000 all_settled || e2e_fail "not settled"
ss_stop
delivered=$(ss_stat sinks.0.delivered) dropped=$(ss_stat sinks.0.dropped)
[ "$(rcli xlen s)" = "$delivered" ] || e2e_fail "XLEN $(rcli xlen s) != delivered $delivered"
[ $((delivered + dropped)) = $N ] || e2e_fail "delivered $delivered + dropped $dropped != $N"
[ "$(ss_stat sinks.0.dropped_buffer)" -gt 0 ] || e2e_fail "no buffer drops"
[ "$delivered" -ge $B ] || e2e_fail "delivered $delivered < buffer $B"
redis_stop
e2e_pass "$with; without a spool: $delivered delivered + $dropped dropped = $N"

#!/usr/bin/env bash
# redis-server hung (SIGSTOP: connects still succeed, nothing answers)
# while 20 000 SYNs arrive at 10k/s, behind a small ring.  The sink never
# waits on Redis longer than its write() slice, so it keeps moving events
# from the ring into its buffer: no ring drop, stats answer at once.
# Once Redis runs again every event is in the stream.  Only the commands
# in flight on the connection that hung can be there twice (Redis runs
# them when it resumes): at most two chunks, and the test says how many.
# (Before: each reconnect blocked the sink thread for command_timeout;
# 22 676 ring drops at 10k/s.)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=20000
e2e_init
REDIS_AOF=no redis_start "$LAB_SRV" "$E2E_TMP/redis" 6393 || e2e_fail "redis-server"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "redis:port=6393,key=s,ring=1024"
kill -STOP "$REDIS_PID"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r 10000 -t 20 >/dev/null ||
	{ kill -CONT "$REDIS_PID"; e2e_fail "syngen raw"; }
t0=$(date +%s%N)
lab_stats_live "$SS_PID" "$SS_ERR" 2000 >/dev/null || { kill -CONT "$REDIS_PID"; e2e_fail "no stats while Redis hangs"; }
stats_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
lab_busywait 5000 live_stat_ge sinks.0.seen $N || { kill -CONT "$REDIS_PID"; e2e_fail "events did not reach the sink"; }
kill -CONT "$REDIS_PID"
lab_busywait 30000 live_stat_ge sinks.0.delivered $N || e2e_fail "not all delivered after Redis resumed"
ss_stop
for k in sinks.0.dropped sinks.0.failed sinks.0.pending; do
	[ "$(ss_stat $k)" = 0 ] || e2e_fail "$k = $(ss_stat $k)"
done
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$stats_ms" -lt 1000 ] || e2e_fail "the stats line took $stats_ms ms"
dups=$(rcli xrange s - + | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from xrange import entries
pk = [e["id"] for e in entries(sys.stdin.read().splitlines())]
assert len(set(pk)) == int(sys.argv[2]), ("distinct events", len(set(pk)))
print(len(pk) - len(set(pk)))' "$E2E_DIR" $N
) || e2e_fail "the stream does not hold every event"
[ "$dups" -le 512 ] || e2e_fail "$dups events twice: more than was in flight"
reconn=$(ss_stat sinks.0.plugin.io_errors)
e2e_pass "$N events through a hung Redis: 0 ring drops, stats in $stats_ms ms, all $N in the stream ($dups twice: in flight at the hang; $reconn hung connections given up)"

#!/usr/bin/env bash
# Three restarts during one outage, the spool full to spool_max: every
# start reads a buffer's worth back into memory (buffer=100) and cannot
# deliver it; every stop must leave those events where they are on disk.
# Then Redis comes back: all N events arrive, each exactly once.
# (Before: each stop copied the 100 in front of the spool, a copy refused
# as "full" since the segment they came from still counted, and saved the
# cursor past them: 100 events lost per restart.)
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=3000
PORT=6397
e2e_init
SPOOL=$E2E_TMP/spool
SPEC="redis:port=$PORT,key=s,buffer=100,spool=$SPOOL"
count_is() { [ "$(rcli xlen s 2>/dev/null)" = "$1" ]; }
# shellcheck disable=SC2034 # read by rcli (lab/redis.sh) before redis_start sets them
REDIS_NS=$LAB_SRV REDIS_PORT=$PORT REDIS_PASS=""

lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err0" --queue 1 --flush-timeout 500 --sink "$SPEC"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 8
lab_busywait 20000 live_stat_ge sinks.0.seen $N || e2e_fail "seen $(ss_live_stat sinks.0.seen)"
ss_stop
[ "$(ss_stat sinks.0.spooled)" = $N ] || e2e_fail "spooled at the first stop: $(ss_stat sinks.0.spooled)"
# From here on the spool is full: spool_max is what it holds.
max=$(find "$SPOOL" -name '*.seg' -printf '%s\n' | awk '{ s += $1 } END { print s }')
for run in 1 2 3; do
	ss_start "$E2E_TMP/out" "$E2E_TMP/err$run" --queue 1 --flush-timeout 500 \
		--sink "$SPEC,spool_max=$max"
	lab_busywait 10000 live_stat_ge sinks.0.pending 100 ||
		e2e_fail "run $run: nothing read back ($(ss_live_stat sinks.0.pending) pending)"
	ss_stop
	spooled=$(ss_stat sinks.0.spooled) lost=$(ss_stat sinks.0.dropped_spool)
	[ "$spooled" = $N ] && [ "$lost" = 0 ] ||
		e2e_fail "restart $run: $spooled spooled, $lost dropped_spool: $(grep -v stats "$SS_ERR")"
	grep -q "100 undelivered events stay in spool" "$SS_ERR" ||
		e2e_fail "restart $run: no line about the events left in the spool"
done
ss_start "$E2E_TMP/out" "$E2E_TMP/err4" --queue 1 --sink "$SPEC,spool_max=$max"
redis_start "$LAB_SRV" "$E2E_TMP/redis" $PORT || e2e_fail "redis"
lab_busywait 60000 count_is $N || e2e_fail "Redis has $(rcli xlen s) of $N"
lab_busywait 10000 not live_stat_ge sinks.0.pending 1 || e2e_fail "still pending"
ss_stop
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
ids=$(rcli xrange s - + | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from xrange import entries
print(len({e["id"] for e in entries(sys.stdin.read().splitlines())}))' "$E2E_DIR")
[ "$ids" = $N ] || e2e_fail "$ids distinct events in Redis, not $N"
count_is $N || e2e_fail "Redis has $(rcli xlen s) after the stop"
[ -z "$(ls "$SPOOL"/*.seg 2>/dev/null)" ] || e2e_fail "segments left: $(ls "$SPOOL")"
redis_stop
e2e_pass "$N events, a full spool ($max bytes), three restarts while Redis was away: each kept all $N, then all $N delivered exactly once"

#!/usr/bin/env bash
# bench/spool.sh - what durable delivery costs, into a real redis-server:
#   1. CPU per SYN at 50k SYN/s (2 s) with the Redis sink healthy, with
#      spool= and without, alternated ROUNDS times: the ratio in each round
#      (the spool is only touched when the queue is full: it should cost
#      nothing while the sink keeps up);
#   2. replay: Redis away while COUNT SYNs arrive (flat out, a 1000-event
#      buffer, so nearly all go to the spool), then Redis back: events/s
#      from the first event in the stream until every event is there.
# Run as root from the top of the tree on an idle machine:
#
#   bench/spool.sh [ROUNDS] [COUNT]        (defaults 2 and 200000)
#
# Everything is bounded: 100 000 SYNs per CPU run, COUNT for the replay,
# 60 s at most each.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. lab/redis.sh
ROUNDS=${1:-2}
COUNT=${2:-200000}
PORT=6389
. bench/lib.sh
REDIS_AOF=no redis_start "$LAB_SRV" "$tmp/redis" $PORT

first_in() { [ "$(rcli xlen syn 2>/dev/null)" -ge 1 ]; }
get() { printf '%s' "$st" | lab_stats_get "$1"; }
settled() {
	st=$(lab_stats_live "$ss" "$tmp/err" 5000) || return 1
	[ "$(get sinks.0.seen)" = "$(get queues.0.events)" ] && [ "$(get sinks.0.pending)" = 0 ] &&
		[ "$(get sinks.0.spooled)" = 0 ]
}

# cpu_run EXTRA: 100 000 SYNs at 50k/s into synsink -> redis; prints the
# consumer's CPU ns per SYN.
cpu_run() {
	rm -rf "$tmp/spool"
	rcli del syn >/dev/null
	bench_cpu_run settled -- --sink "redis:port=$PORT,key=syn,maxlen=0$1"
	[ "$(get sinks.0.delivered)" = "$(get queues.0.events)" ] || { echo "bench: lost events" >&2; exit 1; }
	[ "$(get sinks.0.spool.appended 2>/dev/null || echo 0)" = 0 ] || echo "bench: (the spool was used)" >&2
	bench_cpu_stop
}

printf '| round | CPU ns/SYN without spool | with spool= | ratio |\n| --- | --- | --- | --- |\n'
for r in $(seq "$ROUNDS"); do
	a=$(cpu_run "")
	b=$(cpu_run ",spool=$tmp/spool")
	printf '| %s | %s | %s | %s |\n' "$r" "$a" "$b" "$(echo "scale=3; $b / $a" | bc)"
done

printf '\n| round | spooled | replay: events/s into Redis |\n| --- | --- | --- |\n'
for r in $(seq "$ROUNDS"); do
	rm -rf "$tmp/spool"
	rcli del syn >/dev/null
	ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 \
		--sink "redis:port=$PORT,key=syn,maxlen=0,buffer=1000,spool=$tmp/spool" \
		>/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 5000 grep -q "synsink: listening" "$tmp/err"
	redis_stop
	lab_cli build/bin/syngen raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$COUNT" -r 0 -t 60 >/dev/null 2>&1
	moved() {
		st=$(lab_stats_live "$ss" "$tmp/err" 5000) &&
			[ "$(get queues.0.kernel.queue_total)" = 0 ] &&
			[ "$(get sinks.0.seen)" = "$(get queues.0.events)" ]
	}
	lab_busywait 30000 moved
	n=$(get queues.0.events) spooled=$(get sinks.0.spool.appended)
	rm -rf "$tmp/redis"
	REDIS_AOF=no redis_start "$LAB_SRV" "$tmp/redis" $PORT
	# From the first event in the stream (the sink's reconnect backoff,
	# up to 5 s after a long outage, is not the replay's speed).
	lab_busywait 10000 first_in
	t0=$(date +%s%N)
	lab_busywait 60000 settled || { echo "bench: replay not done" >&2; exit 1; }
	t1=$(date +%s%N)
	[ "$(rcli xlen syn)" = "$n" ] || { echo "bench: XLEN $(rcli xlen syn) != $n" >&2; exit 1; }
	kill -TERM $ss
	wait $ss
	printf '| %s | %s of %s | %s |\n' "$r" "$spooled" "$n" "$(( n * 1000000000 / (t1 - t0) ))"
done

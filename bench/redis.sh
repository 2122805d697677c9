#!/usr/bin/env bash
# bench/redis.sh - events/s through the Redis sink, next to what
# redis-benchmark gets from the same redis-server with XADDs of the same
# shape (-P 16), as a ratio.  Run as root from the top of the tree:
#
#   sudo bench/redis.sh [COUNT] [RATE...]      (default 200000 at 100000/s and flat out)
#
# Everything runs in the lab: crafted SYNs from the client namespace, the
# NFQUEUE rule, synsink and redis-server in the server namespace.  Each run
# is bounded (COUNT SYNs, 60 s at most).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. lab/redis.sh
COUNT=${1:-200000}
shift || true
RATES=${*:-100000 0}
PORT=6399
. bench/lib.sh
REDIS_AOF=no redis_start "$LAB_SRV" "$tmp/redis" $PORT

# One XADD as the sink writes it: the fields of a real event.
fields=$(python3 -c '
import sys
e = {"v":"1","ts":"2026-11-26T14:00:00.123456Z","queue":"1","id":"123456","family":"ipv4",
     "src":"198.18.0.10","sport":"40000","dst":"198.18.0.2","dport":"9","ttl":"64","tos":"0",
     "ip_id":"4660","ipopt_len":"0","df":"true","win":"64240","seq":"2654435761","flags":"2",
     "ecn":"false","payload":"0","truncated":"false","mss":"1460","wscale":"7","sackok":"true",
     "tsval":"1","tsecr":"0","opts":"[\"mss\",\"sackok\",\"ts\",\"nop\",\"wscale\"]",
     "opt_bad":"false","in":"s0","mark":"0","mac":"02:00:5e:00:00:01"}
print(" ".join(f"{k} {v}" for k, v in e.items()))')
# shellcheck disable=SC2086
ref=$(ip netns exec "$LAB_SRV" redis-benchmark -p $PORT -P 16 -n "$COUNT" -q \
	XADD benchref MAXLEN '~' 1000000 '*' $fields | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -n1 | cut -d' ' -f1)
rcli del benchref >/dev/null
echo "redis-benchmark -P 16, XADD of ${#fields} bytes of fields: $ref requests/s"

len_reached() { [ "$(rcli xlen syn)" -ge "$1" ]; }

for rate in $RATES; do
	rcli del syn >/dev/null
	cpu_rd0=$(awk '{print $14 + $15}' /proc/$REDIS_PID/stat)
	ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 \
		--sink redis:port=$PORT,key=syn,maxlen=0,buffer=1000000 \
		>/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 5000 grep -q "synsink: listening" "$tmp/err"
	t0=$(date +%s%N)
	lab_cli build/bin/syngen raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$COUNT" -r "$rate" -t 60 >/dev/null 2>"$tmp/gen"
	t_gen=$(date +%s%N)
	# Delivered is what the stream holds; wait until it stops growing.
	last=-1
	while :; do
		n=$(rcli xlen syn)
		[ "$n" = "$last" ] && break
		last=$n
		t1=$(date +%s%N)
		lab_busywait 300 len_reached $((n + 1)) || true
	done
	cpu_ss=$(awk '{print $14 + $15}' /proc/$ss/stat)
	cpu_rd=$(awk '{print $14 + $15}' /proc/$REDIS_PID/stat)
	kill -TERM $ss
	wait $ss
	stats=$(grep '"final":true' "$tmp/err")
	get() { printf '%s' "$stats" | lab_stats_get "$1"; }
	events=$(get queues.0.events)
	gen_s=$(echo "scale=3; ($t_gen - $t0) / 1000000000" | bc)
	el_s=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
	eps=$(echo "$n / $el_s" | bc)
	hz=$(getconf CLK_TCK)
	hits=$(lab_srv iptables -t raw -L PREROUTING -v -x -n | awk '/NFQUEUE/ {print $1}')
	lab_srv iptables -t raw -Z PREROUTING
	printf 'offered %s SYN/s (%s sent in %s s, rule hits %s): captured %s, delivered %s in %s s = %s events/s; CPU s synsink %s, redis-server %s; ratio to redis-benchmark %s; ring drops %s, sink dropped %s, id gaps %s, enobufs %s\n' \
		"${rate/#0/flat-out}" "$COUNT" "$gen_s" "$hits" "$events" "$n" "$el_s" "$eps" \
		"$(echo "scale=2; $cpu_ss / $hz" | bc)" "$(echo "scale=2; ($cpu_rd - $cpu_rd0) / $hz" | bc)" \
		"$(echo "scale=2; $eps / $ref" | bc)" "$(get sinks.0.dropped)" \
		"$(get sinks.0.dropped_buffer)" "$(get queues.0.id_gaps)" "$(get queues.0.enobufs)"
done

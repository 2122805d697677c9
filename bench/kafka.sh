#!/usr/bin/env bash
# bench/kafka.sh - events/s through the Kafka sink into a real broker, and
# the delivery latency (produce to delivery report, p50/p99), next to kcat
# producing the same number of JSON messages with the same librdkafka
# settings, as a ratio.  Run as root from the top of the tree:
#
#   sudo bench/kafka.sh [COUNT] [RATE...]      (default 200000 at 100k, 50k, 20k/s and flat out)
#
# Then the sink alone, as kcat is measured: COUNT events spooled while no
# broker answers (the sink aimed at a closed port), then delivered from
# the spool by a fresh synsink with no SYN traffic, from its first
# delivery to its last (REPLAY=0: skip it).
#
# Bounded: COUNT SYNs per run, 60 s at most for each wait.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. lab/kafka/broker.sh
COUNT=${1:-200000}
shift || true
RATES=${*:-100000 50000 20000 0}
. bench/lib.sh
kafka_start "$LAB_SRV" "$tmp/kafka" 9092 >/dev/null

props="-X acks=all -X enable.idempotence=true -X compression.codec=lz4 -X linger.ms=5 -X batch.num.messages=10000"
# The reference: kcat sends COUNT event-sized JSON lines.
python3 -c '
import sys
line = "{\"v\":1,\"ts\":\"2026-11-26T14:00:00.123456Z\",\"queue\":1,\"id\":%d,\"family\":\"ipv4\",\"src\":\"198.18.0.%d\",\"sport\":40000,\"dst\":\"198.18.0.2\",\"dport\":9,\"ttl\":64,\"tos\":0,\"ip_id\":4660,\"ipopt_len\":0,\"df\":true,\"win\":64240,\"seq\":2654435761,\"flags\":2,\"ecn\":false,\"payload\":0,\"truncated\":false,\"mss\":1460,\"wscale\":7,\"sackok\":true,\"tsval\":1,\"tsecr\":0,\"opts\":[\"mss\",\"sackok\",\"ts\",\"nop\",\"wscale\"],\"opt_bad\":false,\"in\":\"s0\",\"out\":null,\"mark\":0,\"mac\":\"02:00:5e:00:00:01\"}"
for i in range(int(sys.argv[1])):
    print(line % (i, 10 + i % 32))' "$COUNT" >"$tmp/lines"
t0=$(date +%s%N)
# shellcheck disable=SC2086
kcat_in_ns -P -t benchref $props -l "$tmp/lines"
t1=$(date +%s%N)
ref=$(echo "$COUNT * 1000000000 / ($t1 - $t0)" | bc)
echo "kcat -P, $COUNT event-sized messages, same settings: $ref messages/s (delivered, kcat waits for all)"

get() { printf '%s' "$1" | lab_stats_get "$2"; }

for rate in $RATES; do
	# Create the topic first, so its creation is not timed.
	echo warm-up | kcat_in_ns -P -t "bench$rate"
	ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 \
		--sink kafka:topic=bench$rate >/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 5000 grep -q "synsink: listening" "$tmp/err"
	cpu_k0=$(awk '{print $14 + $15}' /proc/$KAFKA_PID/stat)
	t0=$(date +%s%N)
	lab_cli build/bin/syngen raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$COUNT" -r "$rate" -t 60 >/dev/null 2>&1
	# Until every captured event reached the sink (or was dropped on the
	# way) and every one the sink accepted has its delivery report.
	for i in $(seq 600); do
		st=$(lab_stats_live "$ss" "$tmp/err" 5000)
		[ "$(get "$st" sinks.0.pending)" = 0 ] &&
			[ $(( $(get "$st" sinks.0.delivered) + $(get "$st" sinks.0.failed) + $(get "$st" sinks.0.dropped) )) = \
			  "$(get "$st" queues.0.events)" ] && break
	done
	t1=$(date +%s%N)
	cpu_ss=$(awk '{print $14 + $15}' /proc/$ss/stat)
	cpu_k=$(awk '{print $14 + $15}' /proc/$KAFKA_PID/stat)
	kill -TERM $ss
	wait $ss
	st=$(grep '"final":true' "$tmp/err")
	hz=$(getconf CLK_TCK)
	del=$(get "$st" sinks.0.delivered)
	el=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
	eps=$(echo "$del / $el" | bc)
	printf 'offered %s SYN/s: captured %s, delivered %s in %s s = %s events/s (ratio to kcat %s); latency p50 %s us, p99 %s us; CPU s synsink %s, broker %s; ring drops %s, buffer drops %s, failed %s\n' \
		"${rate/#0/flat-out}" "$(get "$st" queues.0.events)" "$del" "$el" "$eps" \
		"$(echo "scale=2; $eps / $ref" | bc)" \
		"$(get "$st" sinks.0.plugin.latency_p50_us)" "$(get "$st" sinks.0.plugin.latency_p99_us)" \
		"$(echo "scale=2; $cpu_ss / $hz" | bc)" "$(echo "scale=2; ($cpu_k - $cpu_k0) / $hz" | bc)" \
		"$(get "$st" sinks.0.dropped_ring)" "$(get "$st" sinks.0.dropped_buffer)" \
		"$(get "$st" sinks.0.failed)"
done

[ "${REPLAY:-1}" = 1 ] || exit 0
# Replay: the events into a spool first, no broker answering.
rm -rf "$tmp/spool"
ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 --flush-timeout 1000 \
	--sink "kafka:brokers=127.0.0.1:1,topic=replay,buffer=1000,spool=$tmp/spool,spool_max=1G" \
	>/dev/null 2>"$tmp/err" &
ss=$!
lab_busywait 10000 grep -q "synsink: listening" "$tmp/err"
lab_cli build/bin/syngen raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
	-p 9 -n "$COUNT" -r 50000 -t 60 >/dev/null 2>&1
moved() {
	st=$(lab_stats_live "$ss" "$tmp/err" 5000) &&
		[ "$(get "$st" sinks.0.seen)" = "$(get "$st" queues.0.events)" ]
}
lab_busywait 30000 moved
kill -TERM $ss
wait $ss
st=$(grep '"final":true' "$tmp/err")
n=$(get "$st" sinks.0.spooled)
echo warm-up | kcat_in_ns -P -t replay
# From the start of the process, as kcat's time includes its own.
t0=$(date +%s%N)
ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 \
	--sink "kafka:topic=replay,spool=$tmp/spool,spool_max=1G" >/dev/null 2>"$tmp/err" &
ss=$!
lab_busywait 10000 grep -q "synsink: listening" "$tmp/err" # SIGUSR1 is handled from then on
done_all() { st=$(lab_stats_live "$ss" "$tmp/err" 5000) && [ "$(get "$st" sinks.0.delivered)" = "$n" ]; }
lab_busywait 60000 done_all || { echo "bench: replay not done" >&2; exit 1; }
t1=$(date +%s%N)
c1=$(cpu_ns $ss)
kill -TERM $ss
wait $ss
kafka_count_is replay $((n + 1)) || { echo "bench: the topic does not hold $n events" >&2; exit 1; }
eps=$(( n * 1000000000 / (t1 - t0) ))
printf 'replay: %s spooled events delivered in %s s from synsink'"'"'s start = %s events/s (ratio to kcat %s); synsink CPU %s us/event\n' \
	"$n" "$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)" "$eps" "$(echo "scale=2; $eps / $ref" | bc)" \
	"$(echo "scale=2; $c1 / 1000 / $n" | bc)"

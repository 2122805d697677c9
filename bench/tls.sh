#!/usr/bin/env bash
# bench/tls.sh - each network sink over TLS next to the same sink in the
# clear, at the same offered rate: events/s delivered and synsink's CPU
# per event, ROUNDS runs of each, plaintext and TLS alternated.  Run as
# root from the top of the tree:
#
#   sudo bench/tls.sh [COUNT] [RATE] [ROUNDS]   (default 100000 at 50000/s, 2 rounds)
#
# SINKS="redis kafka" picks sinks; PERF_DIR=DIR records each run's
# profile there (perf record -g, attached once synsink listens).
#
# Everything runs in the lab: crafted SYNs from the client namespace, the
# NFQUEUE rule, synsink and the servers (redis-server with a tls-port,
# rsyslogd with imtcp and its OpenSSL driver, a Kafka broker with an SSL
# listener) in the server namespace, with lab/tls.sh's throwaway CA.  A
# run is done when the sink has settled every event it captured (SIGUSR1
# stats, polled); events/s is COUNT over the time from the first SYN to
# then.  Bounded: COUNT SYNs a run, 60 s at most for each wait.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. lab/redis.sh
. lab/rsyslog.sh
. lab/kafka/broker.sh
. lab/tls.sh
COUNT=${1:-100000}
RATE=${2:-50000}
ROUNDS=${3:-2}
. bench/lib.sh
T=$tmp/tls
tls_certs "$T"
# shellcheck disable=SC2034 # read by lab/redis.sh, lab/rsyslog.sh, lab/kafka/broker.sh
REDIS_TLS=$T RSYSLOG_TLS=$T KAFKA_TLS=$T KAFKA_SASL_USER=bench KAFKA_SASL_PASS=bench-$$
REDIS_AOF=no redis_start "$LAB_SRV" "$tmp/redis" 6399 # TLS on 6400
rsyslog_start "$LAB_SRV" "$tmp/rs" 5514 5515 6514
kafka_start "$LAB_SRV" "$tmp/kafka" 9092 >/dev/null # SSL on 9094

# The sinks: NAME, then the plaintext and the TLS spec.
declare -A plain tls
plain[redis]="redis:port=6399,maxlen=0"
tls[redis]="redis:port=6400,tls=true,ca=$T/ca.pem,maxlen=0"
plain[syslog]="syslog:target=tcp:127.0.0.1:5515"
tls[syslog]="syslog:target=tls:127.0.0.1:6514,ca=$T/ca.pem"
plain[kafka]="kafka:brokers=127.0.0.1:9092,topic=plain"
tls[kafka]="kafka:brokers=127.0.0.1:9094,tls=true,ca=$T/ca.pem,topic=tls"
echo warm-up | kcat_in_ns -P -t plain # topics made before, not timed
echo warm-up | kcat_in_ns -P -t tls

# settled PID: the last stats line (asked with SIGUSR1) says the sink
# settled every event captured, and capture has stopped growing.
last_events=-1
settled() {
	local line ev st
	line=$(lab_stats_live "$1" "$tmp/err" 2000) || return 1
	ev=$(lab_stats_get queues.0.events <<<"$line")
	st=$(python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]["sinks"][0]
print(s["delivered"] + s["failed"] + s["dropped"])' <<<"$line")
	[ "$ev" = "$st" ] && [ "$ev" = "$last_events" ] && return 0
	last_events=$ev
	return 1
}

# run SINK MODE SPEC: one run, one row.
run() {
	local ss c0 c1 t0 t1 final hits perf_pid
	last_events=-1
	lab_srv iptables -t raw -Z PREROUTING
	ip netns exec "$LAB_SRV" build/bin/synsink --queue 1 --sink "$3,buffer=1000000" \
		>/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 20000 grep -q "synsink: listening" "$tmp/err"
	if [ -n "${PERF_DIR:-}" ]; then
		perf record -q -F 999 -g -p $ss -o "$PERF_DIR/$1-$2.data" 2>/dev/null &
		perf_pid=$!
	fi
	c0=$(cpu_ns $ss)
	t0=$(date +%s%N)
	lab_cli build/bin/syngen raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$COUNT" -r "$RATE" -t 60 >/dev/null 2>"$tmp/gen"
	lab_busywait 60000 settled $ss || echo "$1 $2: not settled within 60 s" >&2
	t1=$(date +%s%N)
	c1=$(cpu_ns $ss)
	if [ -n "${PERF_DIR:-}" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
	fi
	hits=$(lab_srv iptables -t raw -L PREROUTING -v -x -n | awk '/NFQUEUE/ {print $1}')
	kill -TERM $ss
	wait $ss
	final=$(grep '"final":true' "$tmp/err")
	get() { lab_stats_get "$1" <<<"$final"; }
	printf '| %s | %s | %s of %s sent (rule hits %s) | %s | %s | %s | %d | %.2f |\n' \
		"$1" "$2" "$(get queues.0.events)" "$COUNT" "$hits" "$(get sinks.0.delivered)" \
		"$(($(get sinks.0.dropped) + $(get sinks.0.failed)))" \
		"$(echo "scale=2; ($t1 - $t0) / 1000000000" | bc)" \
		"$(echo "$(get sinks.0.delivered) * 1000000000 / ($t1 - $t0)" | bc)" \
		"$(echo "scale=3; ($c1 - $c0) / 1000 / $(get queues.0.events)" | bc)"
}

echo "$COUNT SYNs at $RATE/s a run; $(nproc) CPUs; $(uname -r)"
echo "| sink | transport | captured | delivered | lost | seconds | events/s | synsink CPU µs/event |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for sink in ${SINKS:-redis syslog kafka}; do
	for ((r = 1; r <= ROUNDS; r++)); do
		run "$sink" plain "${plain[$sink]}"
		run "$sink" TLS "${tls[$sink]}"
	done
done
redis_stop
rsyslog_stop
kafka_stop >/dev/null

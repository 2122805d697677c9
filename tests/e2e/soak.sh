#!/usr/bin/env bash
# Soak: SOAK_SECONDS (default 60; CI runs 10) of crafted SYNs at SOAK_RATE
# (default 20000/s) into stdout, redis and kafka at once.  synsink's RSS is
# sampled every second and must stay flat (the end within 8 MiB of the
# value after warm-up); at the end every sink has exactly every event.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
SECS=${SOAK_SECONDS:-60}
RATE=${SOAK_RATE:-20000}
N=$((SECS * RATE))
e2e_init
REDIS_AOF=no redis_start "$LAB_SRV" "$E2E_TMP/redis" 6393 || e2e_fail "redis-server"
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
echo warm-up | kcat_in_ns -P -t soak	# the topic exists before the clock starts
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json \
	--sink redis:port=6393,key=soak,maxlen=0 --sink kafka:topic=soak
ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
	-p 9 -n $N -r $RATE -t $((SECS + 30)) >"$E2E_TMP/raw" 2>&1 &
gen=$!
: >"$E2E_TMP/rss"
while kill -0 $gen 2>/dev/null; do	# one sample a second while traffic runs
	awk '/^VmRSS/ {print $2}' /proc/"$SS_PID"/status >>"$E2E_TMP/rss"
	sleep 1
done
wait $gen || e2e_fail "syngen: $(cat "$E2E_TMP/raw")"
lab_busywait 60000 live_stat_ge sinks.2.plugin.delivered $N || e2e_fail "kafka behind"
lab_busywait 30000 redis_len_is x soak $N || e2e_fail "redis: $(rcli xlen soak)"
wait_lines "$E2E_TMP/out" $N
ss_stop
[ "$(ss_stat queues.0.events)" = $N ] || e2e_fail "events $(ss_stat queues.0.events) of $N"
for i in 0 1 2; do
	[ "$(ss_stat sinks.$i.delivered)" = $N ] || e2e_fail "sink $i written $(ss_stat sinks.$i.delivered)"
done
[ "$(wc -l <"$E2E_TMP/out")" = $N ] || e2e_fail "stdout lines"
[ "$(ss_stat sinks.2.plugin.delivered)" = $N ] || e2e_fail "kafka delivered"
rss=$(tr '\n' ' ' <"$E2E_TMP/rss")
if [ "${SOAK_CHECK_RSS:-1}" = 0 ]; then
	e2e_pass "${SECS}s at $RATE/s: $N events in stdout, redis and kafka (RSS not judged in a sanitizer build: $rss)"
	exit 0
fi
samples=$(wc -l <"$E2E_TMP/rss")
[ "$samples" -ge 6 ] || e2e_fail "too few RSS samples: $samples"
read -r warm peak last < <(awk -v at=$((samples * 2 / 3)) \
	'NR == at {w = $1} {if ($1 > p) p = $1; l = $1} END {print w, p, l}' "$E2E_TMP/rss")
[ "$last" -le $((warm + 2048)) ] || e2e_fail "RSS grew from $warm to $last KiB: $rss"
[ "$peak" -le 65536 ] || e2e_fail "RSS peaked at $peak KiB: $rss"
e2e_pass "${SECS}s at $RATE/s: $N events in stdout, redis and kafka; RSS KiB each second: $rss"

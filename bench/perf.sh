#!/usr/bin/env bash
# bench/perf.sh - synsink against the minimal accept loop (bench/minloop.c,
# the ceiling: recv, batch ACCEPT, nothing else).  Run as root from the top
# of the tree:
#
#   sudo bench/perf.sh [--smoke] [--seconds S] [--rates "R ..."] [--configs "C ..."]
#                      [--maxlen N] [--rounds K]
#
# In the lab, crafted SYNs from `syngen raw` at each rate (default 10000,
# 50000, 100000 per second and 0 = flat out; S seconds' worth each, default
# 2, flat out 300000*S SYNs) go through the NFQUEUE rule to, in turn:
#   min   bench/minloop on queue 1
#   json  synsink --sink stdout:format=json, into a file (on tmpfs)
#   json6 the same with fields=v,ts,src,sport,dst,dport (not in the
#         default set: --configs "min json json6")
#   all   synsink with stdout (json, into a file) + redis (XADD) + kafka
# and a row per (config, rate) reports what was offered, the rule's hits,
# what was received and emitted, every loss counter (unqueued: rule hits
# the kernel let through unqueued, fail-open, because its queue was full;
# ring drops; sink losses: events a sink took but dropped or failed to
# deliver), the consumer's CPU per SYN (the scheduler's run time of all
# its threads, which includes the kernel's work on each accepted packet
# that the verdict runs; softirq time is accounted apart by this kernel
# and is not in it) and its ratio to min's at the same rate, peak RSS, and
# synsink's verdict latency (p50 and p99 as the histogram bucket they fall
# in); for synsink also that CPU split between its capture threads
# (queue/N) and its sink threads (sink/NAME).  Then connect() latency: 2000
# real connections one at a time, beside 10000 raw SYN/s in the
# background, with no queue, with min, and with json, K rounds of the
# three (--rounds, default 1; with more, each one's median over the
# rounds follows).  --maxlen N: the kernel queue's length for min and
# synsink both (default: each one's, 16384).  On two or more cores the
# generator runs on CPU 0 and the consumer on CPU 1 (all: anywhere, like
# the servers it feeds).
#
# --smoke: one small round of everything (CI runs it so the suite keeps
# working); it checks that the counters add up, never how fast.  Every run
# is bounded in count and time.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. lab/redis.sh
. lab/kafka/broker.sh
SECS=2 RATES="10000 50000 100000 0" CONFIGS="min json all" SMOKE=0 MAXLEN='' ROUNDS=1
CONN_N=2000 BG_RATE=10000
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1 SECS=1 RATES="10000" CONN_N=200 ;;
	--seconds) SECS=$2; shift ;;
	--rates) RATES=$2; shift ;;
	--configs) CONFIGS=$2; shift ;;
	--maxlen) MAXLEN=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	*) echo "usage: bench/perf.sh [--smoke] [--seconds S] [--rates \"R ...\"] [--configs \"C ...\"] [--maxlen N] [--rounds K]" >&2
	   exit 64 ;;
	esac
	shift
done
. bench/lib.sh
bench_out perf
REDIS_PORT_BENCH=6399

case " $CONFIGS " in *" all "*)
	REDIS_AOF=no redis_start "$LAB_SRV" "$tmp/redis" $REDIS_PORT_BENCH
	kafka_start "$LAB_SRV" "$tmp/kafka" 9092 >/dev/null
	echo warm-up | kcat_in_ns -P -t perf	# the topic exists before any clock runs
esac

# The kernel's line for queue 1: queue_total copy_mode copy_range
# queue_dropped user_dropped id_sequence, from the server namespace.
kq() { lab_srv awk '$1 == 1 {print $3, $6, $7, $8}' /proc/net/netfilter/nfnetlink_queue; }
queue_idle() { [ "$(kq | cut -d' ' -f1)" = 0 ]; }
fail() { echo "perf: $*" >&2; exit 1; }

start_consumer() {
	local sinks="--sink stdout:format=json"
	case $1 in
	min)
		# shellcheck disable=SC2086  # no --maxlen: minloop's default
		ip netns exec "$LAB_SRV" $PIN_CONSUMER build/bin/minloop 1 $MAXLEN >"$OUT" 2>"$tmp/err" & ;;
	json|json6|all)
		[ -n "$MAXLEN" ] && sinks="--queue-maxlen $MAXLEN $sinks"
		[ "$1" = json6 ] && sinks="$sinks,fields=v,ts,src,sport,dst,dport"
		[ "$1" = all ] && sinks="$sinks --sink redis:port=$REDIS_PORT_BENCH,key=syn --sink kafka:topic=perf"
		# With its servers on the same two cores, "all" is left to the
		# scheduler rather than squeezed onto CPU 1 beside them.
		pin=$PIN_CONSUMER
		[ "$1" = all ] && pin=""
		# shellcheck disable=SC2086
		ip netns exec "$LAB_SRV" $pin build/bin/synsink --queue 1 $sinks \
			>"$OUT" 2>"$tmp/err" & ;;
	esac
	cpid=$!
	lab_busywait 10000 grep -q "listening on queue 1" "$tmp/err" || fail "$1 did not start: $(cat "$tmp/err")"
}

# CPU time of every thread of process $1 so far, in ns (the scheduler's
# own sum, finer than the clock ticks of /proc/PID/stat).

# Every sink has taken or dropped every event, and nothing is in flight.
sinks_done() {
	python3 -c '
import json, sys
s = json.loads(sys.stdin.read())["stats"]
ev = sum(q["events"] for q in s["queues"])
ok = all(k["delivered"] + k["dropped"] + k["failed"] == ev and
         k["pending"] == 0 and k["spooled"] == 0 for k in s["sinks"])
sys.exit(0 if ok else 1)' <<<"$(lab_stats_live "$cpid" "$tmp/err" 5000)"
}

# p50 and p99 of the verdict-latency histogram, as the bucket they fall in.
latency() {
	python3 -c '
import json, sys
h = json.loads(sys.stdin.read())["stats"]["queues"][0]["verdict_latency_us"]
b = [(k, v) for k, v in h.items() if k.startswith("le_") or k == "inf"]
n = sum(v for _, v in b)
def q(f):
    c = 0
    for k, v in b:
        c += v
        if c >= f * n:
            return "<=" + k[3:] if k != "inf" else ">100000"
    return "-"
print("%s/%s" % (q(0.5), q(0.99)) if n else "-")'
}

declare -A MIN_CPU MIN_RATE
printf '| config | offered/s | sent | rule hits | received | events | unqueued | queue/user dropped | id gaps | ENOBUFS | ring drops | sink losses | handled/s | CPU µs/SYN | queue/sink threads µs | vs min | peak RSS MiB | verdict p50/p99 µs |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for cfg in $CONFIGS; do
	for rate in $RATES; do
		count=$((rate ? rate * SECS : 300000 * SECS))
		lab_srv iptables -t raw -Z PREROUTING
		start_consumer "$cfg"
		t0=$(date +%s%N)
		lab_cli $PIN_GEN build/bin/syngen raw -a "$LAB_V4_SRV" -s 198.18.0.10 -k $LAB_EXTRA_SRC \
			-p 9 -n "$count" -r "$rate" -t $((SECS * 4 + 10)) >"$tmp/gen" 2>&1 ||
			fail "syngen raw: $(cat "$tmp/gen")"
		t1=$(date +%s%N)
		sent=$(sed -n 's/^raw: sent \([0-9]*\)$/\1/p' "$tmp/gen")
		lab_busywait 10000 queue_idle || fail "queue 1 never emptied"
		[ "$cfg" = min ] || lab_busywait 60000 sinks_done || fail "$cfg: sinks never caught up"
		read -r _ qdrop udrop _ <<<"$(kq)"
		cpu=$(cpu_ns "$cpid")
		qns=- sns=-
		[ "$cfg" = min ] || { qns=$(cpu_ns "$cpid" 'queue/*'); sns=$(cpu_ns "$cpid" 'sink/*'); }
		rss=$(awk '/^VmHWM/ {print $2}' "/proc/$cpid/status")
		hits=$(lab_srv iptables -t raw -L PREROUTING -v -x -n | awk '/NFQUEUE/ {print $1}')
		kill -TERM "$cpid"
		wait "$cpid" || fail "$cfg exited $? after SIGTERM: $(tail -n 3 "$tmp/err")"
		if [ "$cfg" = min ]; then
			line=$(grep '^minloop: received' "$tmp/err")
			set -- $line
			recv=$3 events=- gaps=${9} enob=${11} ring=- lost=- lat=-
			[ "$5" = "$recv" ] || fail "minloop: $5 verdicts for $recv packets"
		else
			st=$(grep '"final":true' "$tmp/err")
			get() { lab_stats_get "$1" <<<"$st"; }
			recv=$(get queues.0.received) events=$(get queues.0.events)
			gaps=$(get queues.0.id_gaps) enob=$(get queues.0.enobufs)
			IFS=, read -r ring lost <<<"$(python3 -c '
import json, sys
k = json.loads(sys.stdin.read())["stats"]["sinks"]
def each(v):
    return "%d%s" % (sum(v), " (%s)" % "/".join(map(str, v)) if sum(v) and len(v) > 1 else "")
# Dropped at the ring (the sink thread did not empty it in time); then
# what a sink took and lost: its queue full with no spool, the spool
# full, or failed for good.
print(each([x["dropped_ring"] for x in k]),
      each([x["dropped_buffer"] + x["dropped_spool"] + x["failed"] for x in k]), sep=",")' <<<"$st")"
			lat=$(latency <<<"$st")
			[ "$(get queues.0.verdicts)" = "$recv" ] || fail "$cfg: verdicts != received"
			[ "$(wc -l <"$OUT")" = "$(get sinks.0.delivered)" ] || fail "$cfg: lines in the file != delivered"
			if [ "$cfg" = all ]; then
				for s in 1 2; do
					[ $(( $(get sinks.$s.delivered) + $(get sinks.$s.dropped_buffer) + $(get sinks.$s.failed) )) = \
					  "$(get sinks.$s.seen)" ] || fail "$cfg: sink $s does not account for what it took"
				done
			fi
		fi
		[ "$recv" -le "$hits" ] || fail "$cfg: received $recv > rule hits $hits"
		handled=$(( recv * 1000000000 / (t1 - t0) ))
		us=$(echo "scale=2; $cpu / 1000 / $recv" | bc)
		split=-
		[ "$qns" = - ] ||
			split="$(echo "scale=2; $qns / 1000 / $recv" | bc) / $(echo "scale=2; $sns / 1000 / $recv" | bc)"
		if [ "$cfg" = min ]; then
			MIN_CPU[$rate]=$us MIN_RATE[$rate]=$handled vs=1.00
		elif [ -n "${MIN_CPU[$rate]:-}" ]; then
			vs=$(echo "scale=2; $us / ${MIN_CPU[$rate]}" | bc)
			[ "$rate" = 0 ] && vs="$vs (rate $(echo "scale=2; $handled / ${MIN_RATE[$rate]}" | bc))"
		else
			vs=-
		fi
		printf '| %s | %s | %s | %s | %s | %s | %s | %s/%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
			"$cfg" "${rate/#0/flat out}" "$sent" "$hits" "$recv" "$events" \
			$((hits - recv)) "$qdrop" "$udrop" "$gaps" "$enob" "$ring" "$lost" "$handled" \
			"$us" "$split" "$vs" "$(echo "scale=1; $rss / 1024" | bc)" "$lat"
		: >"$OUT"
	done
done

# connect() latency: one connection at a time beside a background of raw
# SYNs (bench_connect), with no queue, min and json in turn, ROUNDS times;
# a row per run, then with two rounds or more each queue's median over the
# rounds (the VM's wake-ups move one run's figures by tens of
# microseconds).
connect_run() {
	local q=$1
	if [ "$q" = none ]; then lab_rules_del; else lab_rules_add --queue 1; start_consumer "$q"; fi
	bench_connect "$q" "$CONN_N" "$BG_RATE"
	if [ "$q" != none ]; then
		kill -TERM "$cpid"
		wait "$cpid" || fail "$q exited $? after SIGTERM"
		lab_rules_del
	fi
}

echo
bench_connect_head
for _ in $(seq "$ROUNDS"); do
	for q in none min json; do connect_run $q; done
done
if [ "$ROUNDS" -gt 1 ]; then bench_connect_medians none min json; fi
lab_rules_add --queue 1
# (A server stopped by SIGTERM exits non-zero, which is no failure here.)
case " $CONFIGS " in *" all "*) { redis_stop; kafka_stop; } || true ;; esac
[ "$SMOKE" = 0 ] || echo "perf: smoke run complete; every counter added up"

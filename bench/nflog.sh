#!/usr/bin/env bash
# bench/nflog.sh - hold or watch, side by side.  Run as root from the top
# of the tree:
#
#   sudo bench/nflog.sh [ROUNDS] [SECONDS]
#   sudo bench/nflog.sh --smoke
#
# Crafted SYNs from `syngen raw` at 100 000 a second and flat out (S
# seconds' worth, default 2; flat out 300000*S SYNs), ROUNDS times
# (default 2), each round through four consumers in turn, every one
# writing JSON to a file on tmpfs, on CPU 1 (the generator on CPU 0):
#   nfqueue  synsink --queue 1, the iptables NFQUEUE rule (holds each SYN)
#   nflog    synsink --source nflog:1, an iptables NFLOG rule (watches)
#   ebpf     synsink --source ebpf:s0, no rule: the tc program on s0
#            (watches); its CPU is synsink's threads' plus the program's
#            own run time (kernel.bpf_stats_enabled, on for the run)
#   ulogd2   Debian's ulogd2 with ulogd2-json (NFLOG -> BASE -> IFINDEX ->
#            IP2STR -> HWHDR -> JSON, its stock JSON stack), the same rule,
#            set up alike: 64 packets or 10 ms a batch, an 8 MiB receive
#            buffer, the family's logger left alone (unbind=0)
# A row per (round, consumer, rate): what was offered, what the rule
# counted (for ebpf: what the program saw), the events written, what each
# consumer says it lost (synsink's lost for NFLOG and ebpf; for NFQUEUE
# the rule's hits the kernel let through unqueued; for ulogd2, which
# counts nothing, hits - lines), events per
# SYN offered, the consumer's CPU per SYN (the scheduler's run time of all
# its threads) and its ratio to nfqueue's at the same rate, and peak RSS.
# Then connect() latency, 2000 connections one at a time beside 10 000
# raw SYN/s, with no rule, nfqueue, nflog and ebpf, ROUNDS times, and the
# median of each.  Every run is bounded in count and time.
#
# --smoke: one small round of nfqueue, nflog and ebpf, without ulogd2 (CI runs it
# so the script keeps working; ulogd2's Debian service would start on its
# stock config on a systemd host, so CI does not install it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
CONSUMERS="nfqueue nflog ebpf ulogd2" RATES="100000 0" CONN_N=2000 BG_RATE=10000 SMOKE=0
if [ "${1:-}" = --smoke ]; then
	SMOKE=1 ROUNDS=1 SECS=1 CONSUMERS="nfqueue nflog ebpf" RATES=10000 CONN_N=200
else
	ROUNDS=${1:-2} SECS=${2:-2}
	command -v ulogd >/dev/null && [ -f /usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_JSON.so ] || {
		echo "nflog: needs Debian's ulogd2 and ulogd2-json (apt-get install ulogd2 ulogd2-json)" >&2
		exit 1
	}
fi
. bench/lib.sh
bench_out nflog
fail() { echo "nflog: $*" >&2; exit 1; }
# The programs' run time is counted while this runs, as it was after.
BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
BENCH_AT_EXIT="sysctl -qw kernel.bpf_stats_enabled=$BPF_STATS_WAS"
sysctl -qw kernel.bpf_stats_enabled=1
lib=/usr/lib/x86_64-linux-gnu/ulogd
cat >"$tmp/ulogd.conf" <<EOF
[global]
logfile="$tmp/ulogd.log"
loglevel=5
plugin="$lib/ulogd_inppkt_NFLOG.so"
plugin="$lib/ulogd_raw2packet_BASE.so"
plugin="$lib/ulogd_filter_IFINDEX.so"
plugin="$lib/ulogd_filter_IP2STR.so"
plugin="$lib/ulogd_filter_HWHDR.so"
plugin="$lib/ulogd_output_JSON.so"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,mac2str1:HWHDR,json1:JSON

[log1]
group=1
unbind=0
netlink_qthreshold=64
netlink_qtimeout=1
netlink_socket_buffer_size=8388608
netlink_socket_buffer_maxsize=8388608

[json1]
file="$OUT"
sync=0
EOF

# rule CONSUMER: the rule that feeds it, alone.
rule() {
	lab_rules_del
	case $1 in
	nfqueue) lab_rules_add --queue 1 ;;
	ebpf) ;;
	*) lab_rules_add --target log --group 1 ;;
	esac
}

# prog_ns: the run time of the tc programs on s0 (both hooks) so far.
prog_ns() {
	local hook id total=0 out
	for hook in ingress egress; do
		out=$(lab_srv tc filter show dev s0 "$hook")
		for id in $(grep -o ' id [0-9]*' <<<"$out" | awk '{ print $2 }'); do
			out=$(bpftool -j prog show id "$id")
			total=$((total + $(python3 -c 'import json, sys; print(json.load(sys.stdin).get("run_time_ns", 0))' <<<"$out")))
		done
	done
	echo "$total"
}
group_bound() { lab_has '^ *1 ' lab_srv cat /proc/net/netfilter/nfnetlink_log; }

start() {
	local args=(--queue 1)
	case $1 in
	nfqueue | nflog | ebpf)
		[ "$1" = nflog ] && args=(--source nflog:1)
		[ "$1" = ebpf ] && args=(--source ebpf:s0 --ebpf-dir in) # as the rules: s0 in
		# shellcheck disable=SC2086
		ip netns exec "$LAB_SRV" $PIN_CONSUMER build/bin/synsink "${args[@]}" \
			--sink stdout:format=json >"$OUT" 2>"$tmp/err" &
		cpid=$!
		lab_busywait 10000 grep -q "synsink: listening" "$tmp/err" || fail "$1: $(cat "$tmp/err")" ;;
	ulogd2)
		: >"$tmp/ulogd.log"
		# shellcheck disable=SC2086
		ip netns exec "$LAB_SRV" $PIN_CONSUMER ulogd -c "$tmp/ulogd.conf" >/dev/null 2>&1 &
		cpid=$!
		lab_busywait 10000 group_bound || fail "ulogd2 did not bind: $(cat "$tmp/ulogd.log")" ;;
	esac
}

# settled CONSUMER: it has taken in all it will: synsink's received (and
# lost) and delivered stop moving, ulogd2's file stops growing, over
# 200 ms.  (A poll of counters, not a wait standing in for one.)
SETTLE_WAS=""
settled() {
	local now
	if [ "$1" = ulogd2 ]; then
		now=$(stat -c %s "$OUT")
	else
		now=$(python3 -c '
import json, sys
s = json.loads(sys.stdin.read())["stats"]
q = (s.get("queues", []) + s.get("groups", []) + s.get("rings", []))[0]
print(q["received"], q.get("lost", 0), s["sinks"][0]["delivered"], q["events"])' \
			<<<"$(lab_stats_live "$cpid" "$tmp/err" 5000)")
		set -- $now
		[ "$3" = "$4" ] || { SETTLE_WAS=""; return 1; }
	fi
	[ "$now" = "$SETTLE_WAS" ] && return 0
	SETTLE_WAS=$now
	return 1
}
settle() {
	local i
	SETTLE_WAS=""
	for i in $(seq 300); do
		settled "$1" && return 0
		sleep 0.2 # the interval the figures must hold still over
	done
	fail "$1 never settled"
}

declare -A BASE_CPU
row() {
	local round=$1 cfg=$2 rate=$3 count sent before hits cpu rss lines lost us vs pns=0
	count=$((rate ? rate * SECS : 300000 * SECS))
	rule "$cfg"
	before=$(lab_rules_count)
	start "$cfg"
	lab_cli $PIN_GEN build/bin/syngen raw -a "$LAB_V4_SRV" -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$count" -r "$rate" -t $((SECS * 4 + 10)) >"$tmp/gen" 2>&1 ||
		fail "syngen raw: $(cat "$tmp/gen")"
	sent=$(sed -n 's/^raw: sent \([0-9]*\)$/\1/p' "$tmp/gen")
	settle "$cfg"
	cpu=$(cpu_ns "$cpid")
	[ "$cfg" != ebpf ] || pns=$(prog_ns)
	rss=$(awk '/^VmHWM/ {print $2}' "/proc/$cpid/status")
	hits=$(($(lab_rules_count) - before))
	kill -TERM "$cpid"
	wait "$cpid" || [ "$cfg" = ulogd2 ] || fail "$cfg exited $? after SIGTERM"
	lines=$(wc -l <"$OUT")
	# What each says it lost; synsink's counters must add up to the rule's.
	local st received
	st=$(grep '"final":true' "$tmp/err" || true)
	case $cfg in
	nfqueue)
		received=$(lab_stats_get queues.0.received <<<"$st")
		lost=$((hits - received))
		[ "$lines" = "$received" ] || fail "nfqueue: $lines events of $received received" ;;
	nflog)
		lost=$(lab_stats_get groups.0.lost <<<"$st")
		[ $((lines + lost)) = "$hits" ] || fail "nflog: $lines events + $lost lost != $hits the rule counted" ;;
	ebpf)
		# No rule: what the program saw, which is every SYN sent.
		hits=$(lab_stats_get rings.0.seen <<<"$st")
		lost=$(lab_stats_get rings.0.lost <<<"$st")
		[ "$hits" = "$sent" ] || fail "ebpf: the program saw $hits of $sent sent"
		[ $((lines + lost)) = "$hits" ] || fail "ebpf: $lines events + $lost lost != $hits seen"
		cpu=$((cpu + pns)) ;;
	ulogd2) lost=$((hits - lines)) ;;
	esac
	us=$(echo "scale=2; $cpu / 1000 / $lines" | bc)
	[ "$cfg" = nfqueue ] && BASE_CPU[$rate]=$us
	vs=$(echo "scale=2; $us / ${BASE_CPU[$rate]}" | bc)
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$cfg" \
		"${rate/#0/flat out}" "$sent" "$hits" "$lines" "$lost" \
		"$(echo "scale=3; $lines / $sent" | bc)" "$us" "$vs" "$(echo "scale=1; $rss / 1024" | bc)"
	: >"$OUT"
}

printf '| round | consumer | offered/s | sent | rule hits (ebpf: seen) | events | lost | events/offered | CPU µs/SYN | vs nfqueue | peak RSS MiB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for round in $(seq "$ROUNDS"); do
	for rate in $RATES; do
		for cfg in $CONSUMERS; do row "$round" "$cfg" "$rate"; done
	done
done

echo
bench_connect_head
for _ in $(seq "$ROUNDS"); do
	for q in none nfqueue nflog ebpf; do
		if [ "$q" = none ]; then lab_rules_del; else rule "$q"; start "$q"; fi
		bench_connect "$q" "$CONN_N" "$BG_RATE"
		if [ "$q" != none ]; then
			kill -TERM "$cpid"
			wait "$cpid" || fail "$q exited $? after SIGTERM"
		fi
	done
done
if [ "$ROUNDS" -gt 1 ]; then bench_connect_medians none nfqueue nflog ebpf; fi
lab_rules_del
lab_rules_add --queue 1
[ "$SMOKE" = 0 ] || echo "nflog: smoke run complete; every counter added up"

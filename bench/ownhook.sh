#!/usr/bin/env bash
# bench/ownhook.sh - what the connect hook (--owner with the ebpf source)
# costs a process that connects hard: N real connections (default 20 000),
# 16 at a time, flat out, from the server namespace on CPU 0, with synsink
# on CPU 1:
#   none     no capture at all
#   ebpf     --source ebpf:s0 --ebpf-dir out (the tc program on egress)
#   owner    the same with --owner (the hook runs in every connect(), and
#            the egress program looks each SYN's owner up)
# ROUNDS times (default 2), alternated; connections a second for each run
# and the median of each.  Each synsink run must have every connection
# as an event, and with --owner every one attributed.  Run as root from
# the top of the tree on an idle machine:
#
#   bench/ownhook.sh [ROUNDS]
#   bench/ownhook.sh --smoke      (one round of 2000: CI runs it)
#
# Bounded: N connections a run, 60 s at most each.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${1:-}" = --smoke ]; then
	ROUNDS=1 N=2000
else
	ROUNDS=${1:-2} N=${N:-20000}
fi
. bench/lib.sh
bench_out ownhook
lab_rules_del # no rule: the ebpf source needs none, and none must hold
port=9200
: >"$tmp/rates"

# run ROUND NAME [ARGS...]: one run, its row.
run() {
	local round=$1 name=$2 ss="" lpid t0 t1 rate st
	shift 2
	port=$((port + 1))
	lab_cli build/bin/syngen listen -a :: -p $port -n "$N" -t 60 >"$tmp/listen" 2>&1 &
	lpid=$!
	lab_busywait 5000 grep -q listening "$tmp/listen" || { echo "bench: no listener" >&2; exit 1; }
	if [ "$name" != none ]; then
		ip netns exec "$LAB_SRV" taskset -c 1 build/bin/synsink --source ebpf:s0 --ebpf-dir out \
			"$@" --sink stdout:format=json >"$OUT" 2>"$tmp/err" &
		ss=$!
		lab_busywait 5000 grep -q "synsink: listening" "$tmp/err" ||
			{ echo "bench: synsink: $(cat "$tmp/err")" >&2; exit 1; }
	fi
	t0=$(date +%s%N)
	lab_srv taskset -c 0 build/bin/syngen connect -a "$LAB_V4_CLI" -p $port -n "$N" -c 16 -t 60 \
		>/dev/null 2>"$tmp/connect" || { echo "bench: $(tail -n 1 "$tmp/connect")" >&2; exit 1; }
	t1=$(date +%s%N)
	wait "$lpid" || true # the listener, done
	if [ -n "$ss" ]; then
		lab_busywait 10000 lab_lines_ge "$OUT" "$N" || { echo "bench: $name: events short" >&2; exit 1; }
		kill -TERM "$ss"
		wait "$ss"
		st=$(grep '"final":true' "$tmp/err")
		[ "$(lab_stats_get rings.0.events <<<"$st")" = "$N" ] ||
			{ echo "bench: $name: not $N events" >&2; exit 1; }
		if [ "$name" = owner ] && [ "$(grep -c '"uid":[0-9]' "$OUT")" != "$N" ]; then
			echo "bench: owner: $(grep -c '"uid":[0-9]' "$OUT") of $N attributed" >&2
			exit 1
		fi
		: >"$OUT"
	fi
	rate=$((N * 1000000000 / (t1 - t0)))
	echo "$name $rate" >>"$tmp/rates"
	printf '| %s | %s | %s | %s |\n' "$round" "$name" "$N" "$rate"
}

printf '| round | capture | connections | connections/s |\n| --- | --- | --- | --- |\n'
for round in $(seq "$ROUNDS"); do
	run "$round" none
	run "$round" ebpf
	run "$round" owner --owner
done
echo
printf '| capture | median connections/s | vs none |\n| --- | --- | --- |\n'
for name in none ebpf owner; do
	awk -v q="$name" '$1 == q { v[++m] = $2 }
		END { for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++)
			if (v[b] < v[a]) { t = v[a]; v[a] = v[b]; v[b] = t }
		      print q, (m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2) }' "$tmp/rates"
done | awk 'NR == 1 { base = $2 } { printf "| %s | %d | %.2f |\n", $1, $2, $2 / base }'

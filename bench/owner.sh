#!/usr/bin/env bash
# bench/owner.sh - what --owner costs: the consumer's CPU per SYN for
# connections the server namespace makes (the OUTPUT rule), without
# --owner, with --owner and with --owner=full, at 10k and 50k SYN/s,
# alternated ROUNDS times; and --owner=full's hit rate.  Each connection
# is held open HOLD ms (default 20: the client then holds RATE x HOLD
# sockets, 200 and 1000, which is what an fd-table scan reads) and
# closed.  JSON events to /dev/null.  With BASE=/path/to/synsink, that
# binary runs too, without --owner (another build, for "the same as
# before").  Run as root from the top of the tree on an idle machine:
#
#   bench/owner.sh [ROUNDS]        (default 2)
#
# Bounded: 2 s of connections per run, 60 s at most each.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ROUNDS=${1:-2} HOLD=${HOLD:-20}
. bench/lib.sh
lab_rules_add --queue 1 --chain OUTPUT

get() { printf '%s' "$st" | lab_stats_get "$1"; }
port=9100

# run BIN RATE ARGS...: prints "CPU_NS_PER_SYN EVENTS FOUND LOOKUPS".
run() {
	local bin=$1 rate=$2 n=$(($2 * 2)) c0 c1 ss
	shift 2
	port=$((port + 1))
	lab_cli build/bin/syngen listen -a :: -p $port -n $n -t 60 >"$tmp/listen" 2>&1 &
	lab_busywait 5000 grep -q listening "$tmp/listen"
	ip netns exec "$LAB_SRV" taskset -c 1 "$bin" --queue 1 "$@" \
		--sink stdout:format=json >/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 5000 grep -q "synsink: listening" "$tmp/err"
	c0=$(cpu_ns $ss)
	lab_srv taskset -c 0 build/bin/syngen connect -a $LAB_V4_CLI -p $port -n $n \
		-c $((rate * HOLD / 1000 * 2 + 64)) -r "$rate" -H "$HOLD" -t 60 >/dev/null 2>"$tmp/connect" ||
		{ echo "bench: $(tail -n 1 "$tmp/connect")" >&2; exit 1; }
	c1=$(cpu_ns $ss)
	st=$(lab_stats_live $ss "$tmp/err" 5000)
	kill -TERM $ss
	wait $ss
	wait
	echo "$(((c1 - c0) / $(get queues.0.events))) $(get queues.0.events)" \
		"$(get owner.found 2>/dev/null || echo -) $(get owner.lookups 2>/dev/null || echo -)"
}

printf '| round | rate | events | CPU ns/SYN: no --owner | --owner | --owner=full | ratio socket / full | full: found of looked up |%s\n' \
	"${BASE:+ BASE binary |}"
printf '| --- | --- | --- | --- | --- | --- | --- | --- |%s\n' "${BASE:+ --- |}"
for r in $(seq "$ROUNDS"); do
	for rate in 10000 50000; do
		read -r off ev _ _ <<<"$(run build/bin/synsink $rate)"
		read -r sock _ _ _ <<<"$(run build/bin/synsink $rate --owner)"
		read -r full _ found looked <<<"$(run build/bin/synsink $rate --owner=full)"
		base=""
		[ -z "${BASE:-}" ] || base=" $(run "$BASE" $rate | cut -d' ' -f1) |"
		printf '| %s | %s | %s | %s | %s | %s | %s / %s | %s of %s (%s%%) |%s\n' "$r" "$rate" "$ev" \
			"$off" "$sock" "$full" "$(echo "scale=2; $sock / $off" | bc)" \
			"$(echo "scale=2; $full / $off" | bc)" "$found" "$looked" \
			"$((found * 100 / looked))" "$base"
	done
done

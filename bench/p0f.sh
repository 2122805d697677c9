#!/usr/bin/env bash
# bench/p0f.sh - what the OS label costs: CPU per SYN at 50k SYN/s (100 000
# SYNs of Linux's shape, JSON events to /dev/null), with --p0f-db none and
# with Debian's /etc/p0f/p0f.fp, alternated ROUNDS times: the ratio in each
# round.  Run as root from the top of the tree on an idle machine:
#
#   bench/p0f.sh [ROUNDS]        (default 2)
#
# Bounded: 100 000 SYNs per run, 60 s at most each.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ROUNDS=${1:-2}
[ -r /etc/p0f/p0f.fp ] || { echo "bench: /etc/p0f/p0f.fp is missing (apt-get install p0f)" >&2; exit 1; }
. bench/lib.sh

get() { printf '%s' "$st" | lab_stats_get "$1"; }
done_all() {
	st=$(lab_stats_live "$ss" "$tmp/err" 5000) || return 1
	[ "$(get queues.0.events)" -ge 100000 ] && [ "$(get sinks.0.delivered)" = "$(get queues.0.events)" ]
}

# cpu_run DB: prints the consumer's CPU ns per SYN.
cpu_run() {
	bench_cpu_run done_all -- --p0f-db "$1" --sink stdout:format=json
	bench_cpu_stop
}

printf '| round | CPU ns/SYN, --p0f-db none | with /etc/p0f/p0f.fp | ratio |\n| --- | --- | --- | --- |\n'
for r in $(seq "$ROUNDS"); do
	a=$(cpu_run none)
	b=$(cpu_run /etc/p0f/p0f.fp)
	printf '| %s | %s | %s | %s |\n' "$r" "$a" "$b" "$(echo "scale=3; $b / $a" | bc)"
done

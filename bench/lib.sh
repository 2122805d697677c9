# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/lib.sh - what every benchmark script starts with: root, a build,
# a scratch directory, the lab with the rule for queue 1, and a trap that
# takes it all down.  Sourced from the top of the tree; sets $tmp.
. lab/lib.sh

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x build/bin/synsink ] && [ -x build/bin/minloop ] || bash ci/build build >/dev/null

tmp=$(mktemp -d /tmp/synsink-bench.XXXXXX)
bench_cleanup() {
	set +e
	lab_down
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap bench_cleanup EXIT
lab_up >/dev/null 2>&1
lab_rules_add --queue 1

. bench/cpu.sh

# bench_cpu_run DONE -- ARGS...: synsink with ARGS on CPU 1, 100 000
# crafted SYNs at 50k/s from CPU 0, until DONE (a function of the caller's
# that reads $ss and sets $st) succeeds, 30 s at most; prints synsink's
# CPU ns per event.  $ss and $st stay set for the caller's checks, made
# before it stops synsink with bench_cpu_stop.
bench_cpu_run() {
	local done=$1 c0 c1
	shift 2
	ip netns exec "$LAB_SRV" taskset -c 1 build/bin/synsink --queue 1 "$@" \
		>/dev/null 2>"$tmp/err" &
	ss=$!
	lab_busywait 5000 grep -q "synsink: listening" "$tmp/err"
	c0=$(cpu_ns $ss)
	lab_cli taskset -c 0 build/bin/syngen raw -a "$LAB_V4_SRV" -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n 100000 -r 50000 -t 60 >/dev/null 2>&1
	lab_busywait 30000 "$done" || { echo "bench: synsink did not finish the run" >&2; exit 1; }
	c1=$(cpu_ns $ss)
	# shellcheck disable=SC2154  # $st: set by the caller's DONE
	echo $(( (c1 - c0) / $(lab_stats_get queues.0.events <<<"$st") ))
}

bench_cpu_stop() {
	kill -TERM "$ss"
	wait "$ss"
}

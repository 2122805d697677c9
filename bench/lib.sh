# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/lib.sh - what every benchmark script starts with: root, a build,
# a scratch directory, the lab with the rule for queue 1, and a trap that
# takes it all down.  Sourced from the top of the tree; sets $tmp.
. lab/lib.sh

[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x build/bin/synsink ] && [ -x build/bin/minloop ] || bash ci/build build >/dev/null

tmp=$(mktemp -d /tmp/synsink-bench.XXXXXX)
BENCH_AT_EXIT="" # a command of the script's own for the end
bench_cleanup() {
	set +e
	eval "$BENCH_AT_EXIT"
	lab_down
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap bench_cleanup EXIT
lab_up >/dev/null 2>&1
lab_rules_add --queue 1

. bench/cpu.sh

# bench_out NAME: $OUT, where a consumer's events go: a file in memory
# when there is a tmpfs, so the disk's writeback is not what is measured;
# removed with the rest.  And $PIN_GEN / $PIN_CONSUMER: one core
# generates, the other consumes (with the kernel's work on each side), as
# the targets assume; on one core both share it.
bench_out() {
	OUT=$tmp/out
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		OUT=$(mktemp "/dev/shm/synsink-$1.XXXXXX")
		trap 'rm -f "$OUT"; bench_cleanup' EXIT
	fi
	# shellcheck disable=SC2034 # read by the scripts that source this
	PIN_GEN="" PIN_CONSUMER=""
	# shellcheck disable=SC2034
	[ "$(nproc)" -lt 2 ] || PIN_GEN="taskset -c 0" PIN_CONSUMER="taskset -c 1"
}

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

# bench_connect_head: the connect() table's head; readies the lab for
# bench_connect.  Each run's connections leave their client ports in
# TIME_WAIT; the lab's client reuses them rather than run out after a few
# rounds (a connect() failing with EADDRNOTAVAIL).
bench_connect_head() {
	printf '| consumer | connections | background SYN/s | connect() µs min | p50 | p90 | p99 | max |\n'
	printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
	: >"$tmp/lat"
	lab_cli sysctl -qw net.ipv4.tcp_tw_reuse=1
}

# bench_connect NAME N BG: N real connections one at a time (syngen connect
# -c 1 -l) to the server's port 22, beside BG raw SYNs a second, through
# whatever rule and consumer the caller set up; one row named NAME, kept
# in $tmp/lat for bench_connect_medians.
bench_connect() {
	local name=$1 n=$2 bg=$3 lpid bpid
	ip netns exec "$LAB_SRV" build/bin/syngen listen -a "$LAB_V4_SRV" -p 22 -n "$n" -t 60 \
		>"$tmp/listen" 2>&1 &
	lpid=$!
	lab_busywait 5000 grep -q listening "$tmp/listen" || { echo "bench: listener did not start" >&2; exit 1; }
	# Not through lab_cli: $! must be syngen itself, not a subshell.
	ip netns exec "$LAB_CLI" ${PIN_GEN:-} build/bin/syngen raw -a "$LAB_V4_SRV" -s 198.18.0.10 \
		-k $LAB_EXTRA_SRC -p 9 -n $((bg * (n / 200 + 2))) -r "$bg" -t 60 >/dev/null 2>&1 &
	bpid=$!
	lab_cli build/bin/syngen connect -a "$LAB_V4_SRV" -p 22 -n "$n" -c 1 -l -t 60 \
		>/dev/null 2>"$tmp/conn" || { echo "bench: connect: $(tail -n 1 "$tmp/conn")" >&2; exit 1; }
	kill "$bpid" 2>/dev/null || true	# the background stops with the measurement
	wait "$bpid" "$lpid" || true
	# shellcheck disable=SC2046  # the line's fields, split on purpose
	set -- $(grep '^latency_us' "$tmp/conn")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$n" "$bg" "$5" "$7" "$9" "${11}" "${13}"
	echo "$name $5 $7 $9 ${11} ${13} $n $bg" >>"$tmp/lat"
}

# bench_connect_medians NAME...: each NAME's median of every column over
# its rows in $tmp/lat.
bench_connect_medians() {
	local q
	for q in "$@"; do
		awk -v q="$q" '$1 == q { m++; for (i = 2; i <= 6; i++) v[i, m] = $i; n = $7; bg = $8 }
			END { printf "| %s, median of %d | %s | %s", q, m, n, bg
			      for (i = 2; i <= 6; i++) {
				for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++)
					if (v[i, b] < v[i, a]) { t = v[i, a]; v[i, a] = v[i, b]; v[i, b] = t }
				printf " | %s", m % 2 ? v[i, (m + 1) / 2] : (v[i, m / 2] + v[i, m / 2 + 1]) / 2
			      }
			      printf " |\n" }' "$tmp/lat"
	done
}

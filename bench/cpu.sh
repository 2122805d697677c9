# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# bench/cpu.sh - cpu_ns, sourced by bench/lib.sh, and on its own by
# tests/unit/test_cpu_ns.sh (which points BENCH_PROC at a made-up tree).

# cpu_ns PID [NAME]: the CPU time all of PID's threads have run, in ns
# (the scheduler's own sum, schedstat's first field), added in the
# shell's 64-bit arithmetic: awk's printf "%d" (mawk) stops at 2^31-1,
# which read every total past 2.147 s as 2.147 s.  With NAME (a glob:
# 'queue/*', 'sink/*', as synsink names its threads) only those threads'.
cpu_ns() {
	local t total=0
	for t in "${BENCH_PROC:-/proc}/$1"/task/*; do
		# shellcheck disable=SC2053  # $2 is a glob on purpose
		[ -z "${2:-}" ] || [[ $(<"$t/comm") == $2 ]] || continue
		read -r t _ <"$t/schedstat"
		total=$((total + t))
	done
	echo "$total"
}

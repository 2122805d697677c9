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

# cpu_ns PID [NAME]: the CPU time all of PID's threads have run, in ns;
# with NAME (a glob: 'queue/*', 'sink/*', as synsink names its threads)
# only those threads'.
cpu_ns() {
	local t total=0
	for t in /proc/"$1"/task/*; do
		# shellcheck disable=SC2053  # $2 is a glob on purpose
		[ -z "${2:-}" ] || [[ $(<"$t/comm") == $2 ]] || continue
		read -r t _ <"$t/schedstat"
		total=$((total + t))
	done
	echo "$total"
}

#!/usr/bin/env bash
# bench/cpu.sh's cpu_ns on a made-up /proc: totals past 2^31 ns come out
# whole (the awk sum it replaced stopped at 2147483647), and a thread-name
# glob keeps only those threads.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/bench/cpu.sh"
BENCH_PROC=$(mktemp -d)
trap 'rm -rf "$BENCH_PROC"' EXIT
thread() { # thread TID COMM NS
	mkdir -p "$BENCH_PROC/42/task/$1"
	echo "$2" >"$BENCH_PROC/42/task/$1/comm"
	echo "$3 1000 7" >"$BENCH_PROC/42/task/$1/schedstat"
}
thread 42 synsink 1000
thread 43 queue/1 3000000000
thread 44 sink/stdout 2500000000
thread 45 sink/redis#2 7
fail() { echo "test_cpu_ns: $*" >&2; exit 1; }
[ "$(cpu_ns 42)" = 5500001007 ] || fail "all threads: $(cpu_ns 42), want 5500001007"
[ "$(cpu_ns 42 'queue/*')" = 3000000000 ] || fail "queue/*: $(cpu_ns 42 'queue/*')"
[ "$(cpu_ns 42 'sink/*')" = 2500000007 ] || fail "sink/*: $(cpu_ns 42 'sink/*')"
echo "test_cpu_ns: passed"

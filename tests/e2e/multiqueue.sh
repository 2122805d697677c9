#!/usr/bin/env bash
# --queue 0-1 with --queue-balance 0:1 and 32 source addresses per family:
# every connection seen exactly once, and both queues used.
. "$(dirname "$0")/lib.sh"
N=64
e2e_init
lab_rules_add --balance 0:1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 0-1
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 8 -s 198.18.0.10 -k $LAB_EXTRA_SRC
connect $LAB_V6_SRV 22 $N -c 8 -s fd00:5e::10 -k $LAB_EXTRA_SRC
wait_lines "$E2E_TMP/out" $((2 * N))
ss_stop
expect_origin_lines "$E2E_TMP/out"
q0=$(ss_stat queues.0.events)
q1=$(ss_stat queues.1.events)
[ "$q0" -gt 0 ] && [ "$q1" -gt 0 ] || e2e_fail "a queue saw nothing: q0=$q0 q1=$q1"
[ $((q0 + q1)) = $((2 * N)) ] || e2e_fail "q0+q1=$((q0 + q1)), expected $((2 * N))"
e2e_pass "$((2 * N)) connections, queue 0: $q0, queue 1: $q1, each seen once"

#!/usr/bin/env bash
# Fail-open: synsink SIGKILLed -> connections still succeed (queue bypass);
# a restarted synsink picks up exactly the connections made after it.
. "$(dirname "$0")/lib.sh"
N=10
e2e_init
lab_rules_add --queue 1
listen_start 22 $((4 * N))
ss_start "$E2E_TMP/out1" "$E2E_TMP/err1" --queue 1
connect $LAB_V4_SRV 22 $N
wait_lines "$E2E_TMP/out1" $N
kill -KILL "$SS_PID"
wait "$SS_PID" 2>/dev/null || true	# 137: the SIGKILL
SS_PID=""
lab_busywait 5000 not lab_queue_bound 1 ||
	e2e_fail "queue 1 still bound after SIGKILL"
# Nobody listens on the queue now: --queue-bypass lets SYNs through.
: >"$E2E_TMP/made"
connect $LAB_V4_SRV 22 $N -t 5
connect $LAB_V6_SRV 22 $N -t 5
[ "$(wc -l <"$E2E_TMP/out1")" = $N ] || e2e_fail "events after SIGKILL?"
: >"$E2E_TMP/made"
ss_start "$E2E_TMP/out2" "$E2E_TMP/err2" --queue 1
connect $LAB_V6_SRV 22 $N
wait_lines "$E2E_TMP/out2" $N
ss_stop
expect_origin_lines "$E2E_TMP/out2"
e2e_pass "traffic flowed without synsink; the restart saw exactly $N"

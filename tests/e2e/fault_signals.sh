#!/usr/bin/env bash
# Signal storms while traffic flows: SIGHUP, SIGUSR1 and SIGPIPE by the
# thousand; no crash, no lost event, SIGTERM still ends it with exit 0.
. "$(dirname "$0")/lib.sh"
N=300
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1
listen_start 22 $N
( for _ in $(seq 1000); do kill -HUP "$SS_PID"; kill -USR1 "$SS_PID"; kill -PIPE "$SS_PID"; done ) 2>/dev/null &
storm=$!
connect $LAB_V4_SRV 22 $N -c 8
wait "$storm"
kill -0 "$SS_PID" || e2e_fail "synsink died in the storm"
wait_lines "$E2E_TMP/out" $N
ss_stop
[ "$(wc -l <"$E2E_TMP/out")" = $N ] || e2e_fail "events: $(wc -l <"$E2E_TMP/out")"
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered"
lines=$(grep -c '"final":false' "$SS_ERR")
[ "$lines" -ge 1 ] || e2e_fail "no SIGUSR1 stats at all"
e2e_pass "3000 signals during $N connections: all $N events, $lines stats lines, exit 0"

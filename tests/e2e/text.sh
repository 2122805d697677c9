#!/usr/bin/env bash
# N real connections per family -> exactly one origin line each, byte for
# byte; SIGTERM -> exit 0 with final counters that agree.
. "$(dirname "$0")/lib.sh"
N=25
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 5
connect $LAB_V6_SRV 22 $N -c 5
wait_lines "$E2E_TMP/out" $((2 * N))
# SIGUSR1: the counters now, synsink carries on.
kill -USR1 "$SS_PID"
lab_busywait 5000 grep -q '"final":false' "$E2E_TMP/err" || e2e_fail "no stats on SIGUSR1"
ss_stop
expect_origin_lines "$E2E_TMP/out"
[ "$(grep -c '198\.18\.0\.' "$E2E_TMP/out")" = $N ] || e2e_fail "IPv4 count"
[ "$(grep -c '\[fd00:5e::' "$E2E_TMP/out")" = $N ] || e2e_fail "IPv6 count"
[ "$(ss_stat queues.0.events)" = $((2 * N)) ] || e2e_fail "events counter"
[ "$(ss_stat sinks.0.delivered)" = $((2 * N)) ] || e2e_fail "written counter"
[ "$(ss_stat sinks.0.dropped)" = 0 ] || e2e_fail "ring drops"
[ "$(ss_stat queues.0.id_gaps)" = 0 ] || e2e_fail "id gaps"
e2e_pass "$N IPv4 + $N IPv6 connections, $((2 * N)) origin lines"

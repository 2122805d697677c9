#!/usr/bin/env bash
# Signal storms while traffic flows: SIGHUP, SIGUSR1 and SIGPIPE by the
# thousand; no crash, no lost event, SIGTERM still ends it with exit 0.
# Then the same with --config, the file switched meanwhile between two
# sink sets: reloads open and close a file sink under traffic, and the
# stdout sink, in both sets, is kept through them all with every event.
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

printf '[sink stdout]\n' >"$E2E_TMP/one.conf"
printf '[sink stdout]\n[sink file]\npath = %s\n' "$E2E_TMP/file.json" >"$E2E_TMP/two.conf"
cp "$E2E_TMP/one.conf" "$E2E_TMP/s.conf"
ss_start "$E2E_TMP/out2" "$E2E_TMP/err2" --queue 1 --config "$E2E_TMP/s.conf"
listen_start 22 $N
( for _ in $(seq 300); do
	cp "$E2E_TMP/two.conf" "$E2E_TMP/s.new" && mv "$E2E_TMP/s.new" "$E2E_TMP/s.conf"
	kill -HUP "$SS_PID"
	cp "$E2E_TMP/one.conf" "$E2E_TMP/s.new" && mv "$E2E_TMP/s.new" "$E2E_TMP/s.conf"
	kill -HUP "$SS_PID"; kill -USR1 "$SS_PID"
done ) 2>/dev/null &
storm=$!
connect $LAB_V4_SRV 22 $N -c 8
wait "$storm"
kill -0 "$SS_PID" || e2e_fail "synsink died in the reload storm"
wait_lines "$E2E_TMP/out2" $N
ss_stop
[ "$(wc -l <"$E2E_TMP/out2")" = $N ] || e2e_fail "events after reloads: $(wc -l <"$E2E_TMP/out2")"
reloads=$(ss_stat reloads)
[ "$reloads" -ge 2 ] || e2e_fail "reloads: $reloads"
[ "$(ss_stat reload_errors)" = 0 ] || e2e_fail "reload_errors $(ss_stat reload_errors)"
e2e_pass "3000 signals during $N connections: all $N events, $lines stats lines, exit 0; $reloads reloads in a storm of 600 SIGHUPs, stdout kept with all $N"

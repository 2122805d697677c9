#!/usr/bin/env bash
# synsink | head -n 1: the reader goes away, the stdout sink closes cleanly
# (one line about it, failures counted), capture carries on, SIGTERM -> 0.
. "$(dirname "$0")/lib.sh"
e2e_init
lab_rules_add --queue 4
mkfifo "$E2E_TMP/pipe"
head -n 1 <"$E2E_TMP/pipe" >"$E2E_TMP/first" &
ss_start "$E2E_TMP/pipe" "$E2E_TMP/err" --queue 4
listen_start 22 11
connect $LAB_V4_SRV 22 1
wait_lines "$E2E_TMP/first" 1
connect $LAB_V4_SRV 22 10
lab_busywait 5000 grep -q "EPIPE" "$SS_ERR" || e2e_fail "EPIPE not reported"
kill -0 "$SS_PID" || e2e_fail "synsink died"
ss_stop
[ "$(ss_stat queues.0.events)" = 11 ] || e2e_fail "events $(ss_stat queues.0.events)"
delivered=$(ss_stat sinks.0.delivered)
failed=$(ss_stat sinks.0.failed)
[ "$delivered" -ge 1 ] && [ "$failed" -ge 1 ] || e2e_fail "delivered $delivered, failed $failed"
[ $((delivered + failed)) = 11 ] || e2e_fail "delivered + failed = $((delivered + failed)), not 11"
[ "$(grep -c . "$SS_ERR")" = 3 ] || e2e_fail "stderr: $(cat "$SS_ERR")"
e2e_pass "EPIPE: one line, $failed events counted failed, clean exit"

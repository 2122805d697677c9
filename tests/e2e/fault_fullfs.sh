#!/usr/bin/env bash
# stdout into a file on a full filesystem (a 64 KiB tmpfs in a private
# mount namespace): the failures are counted, synsink carries on and exits
# cleanly, and delivered + failed = events.
. "$(dirname "$0")/lib.sh"
N=400
e2e_init
lab_rules_add --queue 1
mkdir "$E2E_TMP/full"
cat >"$E2E_TMP/inner.sh" <<EOS
mount -t tmpfs -o size=64k lab-full "$E2E_TMP/full" || exit 1
exec "$SYNSINK" --queue 1 --sink stdout:format=json >"$E2E_TMP/full/out" 2>"$E2E_TMP/err"
EOS
SS_ERR=$E2E_TMP/err
ip netns exec "$LAB_SRV" unshare --mount --propagation private bash "$E2E_TMP/inner.sh" &
# shellcheck disable=SC2034  # read by lib.sh's e2e_fail and ss_stop
SS_PID=$!
lab_busywait 5000 grep -qs "synsink: listening" "$SS_ERR" || e2e_fail "no start"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 8
lab_busywait 10000 live_stat_ge sinks.0.plugin.write_errors 1 || e2e_fail "no write error counted"
lab_busywait 10000 sh -c "grep '\"final\":false' '$SS_ERR' | tail -n1 | grep -q '\"events\":$N,'" ||
	e2e_fail "not all events captured"
ss_stop
delivered=$(ss_stat sinks.0.delivered) failed=$(ss_stat sinks.0.failed)
[ "$failed" -gt 0 ] || e2e_fail "nothing failed on a full filesystem?"
[ $((delivered + failed)) = $N ] || e2e_fail "delivered $delivered + failed $failed != $N"
[ "$(grep -c 'write: No space left on device' "$SS_ERR")" = 1 ] || e2e_fail "stderr: $(grep -v stats "$SS_ERR")"
e2e_pass "ENOSPC: $delivered delivered, $failed counted failed, one line, clean exit"

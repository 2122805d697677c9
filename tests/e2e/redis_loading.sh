#!/usr/bin/env bash
# Redis answering -LOADING (after a restart, while it reads its AOF) or
# -BUSY (a long script) is not ready yet, not refusing: those events are
# sent again later and every one is taken in the end; none is counted
# failed.  (Before: 1 131 events counted failed after a restart with AOF.)
# The server is tests/e2e/fakeredis.py, so the phases are exact.
. "$(dirname "$0")/lib.sh"
N=300 LOADING=700 BUSY=200
e2e_init
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc FAKE { exec ip netns exec "$LAB_SRV" python3 "$E2E_DIR/fakeredis.py" 6392 $LOADING $BUSY 60; }
lab_coproc_keep FAKE && read -r -t 10 line <&"$FAKE_OUT" && [ "$line" = listening ] ||
	e2e_fail "fake server"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "redis:port=6392,key=s"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 4 -p 9 -n $N -r 2000 -t 10 >/dev/null ||
	e2e_fail "syngen raw"
lab_busywait 30000 live_stat_ge sinks.0.delivered $N || e2e_fail "not all delivered"
ss_stop
kill -TERM "$FAKE_CHILD"
read -r -t 10 line <&"$FAKE_OUT" || e2e_fail "fake server said nothing"
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$(ss_stat sinks.0.failed)" = 0 ] || e2e_fail "failed $(ss_stat sinks.0.failed)"
[ "$(ss_stat sinks.0.pending)" = 0 ] || e2e_fail "pending"
# Each "not now" the server sent, synsink counted and acted on.
rl=$(ss_stat sinks.0.plugin.retry_loading) rb=$(ss_stat sinks.0.plugin.retry_busy)
[ "$rl" = $LOADING ] && [ "$rb" = $BUSY ] || e2e_fail "retry_loading $rl, retry_busy $rb"
# Exactly N taken: every event once, none lost, none twice.
[ "$line" = "taken $N loading $LOADING busy $BUSY" ] || e2e_fail "the server says: $line"
e2e_pass "$N events through $LOADING -LOADING and $BUSY -BUSY replies retried: $N taken once each, 0 failed"

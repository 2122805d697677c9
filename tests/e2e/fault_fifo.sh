#!/usr/bin/env bash
# stdout is a FIFO whose reader never reads: the stdout sink blocks in
# write(2) for good.  Capture carries on (every SYN gets its verdict and is
# counted), SIGUSR1 and /metrics still answer at once, and SIGTERM ends
# synsink within --flush-timeout: the stuck sink is given up on and what
# it held is counted failed, so delivered + dropped + failed = events.
# (Before: the sink thread held the sink lock inside write(); stats waited
# for it and SIGTERM never finished.)
. "$(dirname "$0")/lib.sh"
N=3000
FLUSH_MS=1000
e2e_init
mkfifo "$E2E_TMP/fifo"
# The reader: opens the FIFO, never reads, and ends by itself.
# shellcheck disable=SC2217  # the point: it opens the FIFO and never reads
sleep 300 <"$E2E_TMP/fifo" &
lab_rules_add --queue 1
ss_start "$E2E_TMP/fifo" "$E2E_TMP/err" --queue 1 --flush-timeout $FLUSH_MS \
	--metrics 127.0.0.1:9465
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 4 -p 9 -n $N -r 20000 -t 10 >/dev/null ||
	e2e_fail "syngen raw"
# A pipe holds 64 KiB, under 900 lines: the sink is stuck in write() now.
lab_busywait 5000 live_stat_ge queues.0.events $N || e2e_fail "no live stats (or too few events)"
t0=$(date +%s%N)
lab_srv curl -sS -m 2 -o "$E2E_TMP/metrics" http://127.0.0.1:9465/metrics ||
	e2e_fail "/metrics did not answer behind a stuck sink"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q "^synsink_events_total{queue=\"1\"} $N\$" "$E2E_TMP/metrics" || e2e_fail "/metrics events"
t0=$(date +%s%N)
kill -TERM "$SS_PID"
lab_busywait $((FLUSH_MS + 2000)) not kill -0 "$SS_PID" ||
	e2e_fail "still running $((FLUSH_MS + 2000)) ms after SIGTERM"
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rc=0
wait "$SS_PID" || rc=$?
SS_PID=""
[ "$rc" = 0 ] || e2e_fail "exit $rc after SIGTERM"
grep -q '"final":true' "$E2E_TMP/err" || e2e_fail "no final counters"
grep -q 'gave up on it' "$E2E_TMP/err" || e2e_fail "no line about the stuck sink"
ev=$(ss_stat queues.0.events) w=$(ss_stat sinks.0.delivered)
d=$(ss_stat sinks.0.dropped) f=$(ss_stat sinks.0.failed)
[ "$ev" = $N ] || e2e_fail "events $ev"
[ "$(ss_stat queues.0.verdicts)" = "$(ss_stat queues.0.received)" ] || e2e_fail "verdicts != received"
[ $((w + d + f)) = "$ev" ] || e2e_fail "delivered $w + dropped $d + failed $f != $ev"
[ "$f" -gt 0 ] || e2e_fail "nothing counted failed"
[ "$(ss_stat sinks.0.flush_failed)" = True ] || e2e_fail "flush_failed not set"
e2e_pass "stuck stdout: /metrics in $ms ms, SIGTERM to exit in $stop_ms ms (flush-timeout $FLUSH_MS); $w delivered + $d dropped + $f failed = $ev"

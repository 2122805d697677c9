#!/usr/bin/env bash
# A sink that stops consuming: capture is unaffected (every connection is
# made at once), the stuck sink's ring overflows and counts its drops, and
# the other sink, its ring larger than the run (ring=N), gets every event.
# Then a reload removes such a stuck sink: it is given up on at
# --flush-timeout (sink_flush_failures 1), the daemon runs on, the kept
# stdout sink has every event, and the exit is clean (under ASan, no leak:
# the given-up sink stays reachable until the exit).
. "$(dirname "$0")/lib.sh"
: "${E2E_PLUGIN_DIR:?set by ctest}"
N=200
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --plugin-dir "$E2E_PLUGIN_DIR" \
	--ring-size 64 --sink block:hold_ms=3000 --sink stdout:ring=256
listen_start 22 $N
t0=$(date +%s%N)
connect $LAB_V4_SRV 22 $N -c 8
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait_lines "$E2E_TMP/out" $N
ss_stop
[ "$ms" -lt 2500 ] || e2e_fail "$N connections took $ms ms behind a stuck sink"
blocked=$(ss_stat sinks.0.delivered) dropped=$(ss_stat sinks.0.dropped) failed=$(ss_stat sinks.0.failed)
[ "$dropped" -gt 0 ] || e2e_fail "the stuck sink dropped nothing"
# Whatever it had not taken by the flush deadline is counted failed.
[ $((blocked + dropped + failed)) = $N ] ||
	e2e_fail "block: delivered $blocked + dropped $dropped + failed $failed != $N"
[ "$(ss_stat sinks.1.delivered)" = $N ] || e2e_fail "stdout: $(ss_stat sinks.1.delivered)"
[ "$(ss_stat sinks.1.dropped)" = 0 ] || e2e_fail "stdout dropped"
for k in id_gaps enobufs kernel.queue_dropped kernel.user_dropped; do
	[ "$(ss_stat queues.0.$k)" = 0 ] || e2e_fail "queue $k"
done

printf '[sink block]\nhold_ms = 1500\n[sink stdout]\n' >"$E2E_TMP/r.conf"
ss_start "$E2E_TMP/out2" "$E2E_TMP/err2" --queue 1 --plugin-dir "$E2E_PLUGIN_DIR" \
	--flush-timeout 300 --config "$E2E_TMP/r.conf"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 8
wait_lines "$E2E_TMP/out2" $N
printf '[sink stdout]\n' >"$E2E_TMP/r.new"
mv "$E2E_TMP/r.new" "$E2E_TMP/r.conf"
threads=$(find "/proc/$SS_PID/task" -mindepth 1 -maxdepth 1 | wc -l)
kill -HUP "$SS_PID"
lab_busywait 10000 grep -q "reload: 1 sink(s): 1 kept, 0 opened, 1 closed" "$SS_ERR" ||
	e2e_fail "no reload line: $(tail -n 3 "$SS_ERR")"
# The given-up sink's thread ends once its write returns: from then on
# only the daemon keeps the sink reachable (LeakSanitizer would see it).
threads_below() { [ "$(find "/proc/$SS_PID/task" -mindepth 1 -maxdepth 1 | wc -l)" -lt "$1" ]; }
lab_busywait 10000 threads_below "$threads" || e2e_fail "the given-up sink's thread did not end"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 8
wait_lines "$E2E_TMP/out2" $((2 * N))
ss_stop
[ "$(ss_stat sink_flush_failures)" = 1 ] || e2e_fail "sink_flush_failures $(ss_stat sink_flush_failures)"
[ "$(ss_stat sinks.0.delivered)" = $((2 * N)) ] || e2e_fail "stdout after the reload"
e2e_pass "$N connections in $ms ms; stuck sink: $blocked taken, $dropped dropped, $failed failed at the deadline; stdout: all $N; a stuck sink removed by a reload, given up on, stdout kept with all $((2 * N))"

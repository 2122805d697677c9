#!/usr/bin/env bash
# N crafted SYNs per family at a fixed rate -> exactly N events each and
# zero loss by every counter, ours and the kernel's.
. "$(dirname "$0")/lib.sh"
N=${RATE_N:-20000}
RATE=${RATE_PPS:-10000}
e2e_init
lab_rules_add --queue 2
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 2 --sink stdout:format=json
for dst in "$LAB_V4_SRV -s 198.18.0.10" "$LAB_V6_SRV -s fd00:5e::10"; do
	# shellcheck disable=SC2086
	ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $dst -k $LAB_EXTRA_SRC -p 9 \
		-n $N -r $RATE -t 60 >>"$E2E_TMP/raw" || e2e_fail "syngen raw: $(cat "$E2E_TMP/raw")"
done
[ "$(grep -c "^raw: sent $N$" "$E2E_TMP/raw")" = 2 ] || e2e_fail "sent: $(cat "$E2E_TMP/raw")"
wait_lines "$E2E_TMP/out" $((2 * N))
ss_stop
[ "$(wc -l <"$E2E_TMP/out")" = $((2 * N)) ] || e2e_fail "events: $(wc -l <"$E2E_TMP/out")"
[ "$(grep -c '"family":"ipv4"' "$E2E_TMP/out")" = $N ] || e2e_fail "IPv4 events"
[ "$(grep -c '"family":"ipv6"' "$E2E_TMP/out")" = $N ] || e2e_fail "IPv6 events"
zero="queues.0.id_gaps queues.0.enobufs queues.0.msg_trunc sinks.0.dropped sinks.0.failed"
holds && zero="$zero queues.0.verdict_errors queues.0.kernel.queue_dropped
	queues.0.kernel.user_dropped queues.0.kernel.queue_total"
for k in $zero; do
	[ "$(ss_stat $k)" = 0 ] || e2e_fail "$k = $(ss_stat $k)"
done
[ "$(ss_stat queues.0.received)" = $((2 * N)) ] || e2e_fail "received"
! holds || [ "$(ss_stat queues.0.verdicts)" = $((2 * N)) ] || e2e_fail "verdicts"
[ "$(ss_stat sinks.0.delivered)" = $((2 * N)) ] || e2e_fail "written"
e2e_pass "$N IPv4 + $N IPv6 SYNs at $RATE/s: $((2 * N)) events, every loss counter 0"

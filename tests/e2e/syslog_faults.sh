#!/usr/bin/env bash
# Two ways the syslog sink went wrong:
#  - a tag that leaves no room for a message within max_size: every event
#    was counted both sent and failed and nothing arrived, with no word
#    why.  Now refused at start: one line, exit 64.
#  - UDP to a port nobody listens on: one stderr line per SYN ("Connection
#    refused", "connected again").  Now the socket stays, each ICMP
#    refusal is counted (refused; the send that reports it is failed), the
#    lines are rate-limited, and sent + failed = events exactly.
. "$(dirname "$0")/lib.sh"
N=300
e2e_init
tag=$(printf 't%.0s' $(seq 500))
rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 \
	--sink "syslog:target=tcp:127.0.0.1:5514,max_size=480,tag=$tag" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 64 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "impossible tag: exit $rc: $out"
case $out in *"leaves no room for a message within max_size=480"*) ;; *) e2e_fail "unclear: $out" ;; esac
lab_queue_bound 1 && e2e_fail "a queue was bound"

lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "syslog:target=udp:127.0.0.1:5599"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 4
lab_busywait 10000 live_stat_ge sinks.0.seen $N || e2e_fail "events did not reach the sink"
ss_stop
sent=$(ss_stat sinks.0.plugin.sent) failed=$(ss_stat sinks.0.plugin.failed)
refused=$(ss_stat sinks.0.plugin.refused)
[ $((sent + failed)) = $N ] || e2e_fail "sent $sent + failed $failed != $N"
[ "$refused" -ge 1 ] && [ "$refused" = "$failed" ] || e2e_fail "refused $refused, failed $failed"
lines=$(grep -vc '"stats"' "$SS_ERR")
[ "$lines" -le 6 ] || e2e_fail "stderr has $lines lines: $(head -n 8 "$SS_ERR")"
e2e_pass "impossible tag refused (exit 64); UDP to a closed port: $sent sent + $failed failed = $N, $refused refusals counted, $lines stderr lines"

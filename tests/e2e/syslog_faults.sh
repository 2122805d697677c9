#!/usr/bin/env bash
# Three ways the syslog sink went wrong:
#  - hostname= and tag= taken as they came: a newline forged a message.
#  - a tag that leaves no room for a message within max_size: every event
#    was counted both sent and failed and nothing arrived, with no word
#    why.  Now refused at start: one line, exit 64 (RFC 5424's 48
#    characters for a tag are the rule that says it).
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
case $out in *"tag='tttt"*"not 1-48 printable US-ASCII"*) ;; *) e2e_fail "unclear: $out" ;; esac
lab_queue_bound 1 && e2e_fail "a queue was bound"
# hostname= and tag= by RFC 5424's rules, or exit 64 with one line.
# (Before: a newline in hostname= forged a second message, and a 300-byte
# hostname was cut without a word.)
nl=$'\n'
ss_refused 64 "hostname='a?<13>1 forged': not 1-255 printable US-ASCII" --queue 1 \
	--sink "syslog:target=udp:127.0.0.1:5514,hostname=a${nl}<13>1 forged"
ss_refused 64 "hostname='hhhh" --queue 1 \
	--sink "syslog:target=udp:127.0.0.1:5514,hostname=$(printf 'h%.0s' $(seq 300))"

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

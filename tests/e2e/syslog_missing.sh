#!/usr/bin/env bash
# A unix syslog socket that is not there yet: synsink starts anyway, holds
# the events it cannot send (pending, with the core) and keeps retrying;
# once rsyslogd creates the socket, the held events and later ones arrive,
# each once.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
N=10 M=10
e2e_init
lab_rules_add --queue 1
mkdir -p "$E2E_TMP/rs"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "syslog:target=unix:$E2E_TMP/rs/log.sock"
grep -q "will retry" "$SS_ERR" || e2e_fail "no word about the missing socket"
listen_start 22 $((N + M))
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 live_stat_ge sinks.0.pending $N || e2e_fail "events not held"
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5554 5555 || e2e_fail "rsyslogd"
connect $LAB_V4_SRV 22 $M
lab_busywait 10000 rsyslog_count_is imuxsock $((N + M)) ||
	e2e_fail "rsyslog got $(grep -c '^imuxsock' "$E2E_TMP/rs/out.log")"
ss_stop
delivered=$(ss_stat sinks.0.delivered) failed=$(ss_stat sinks.0.failed)
[ "$delivered" = $((N + M)) ] && [ "$failed" = 0 ] || e2e_fail "delivered $delivered, failed $failed"
e2e_pass "$N held while the socket was missing, all $((N + M)) delivered once it appeared"

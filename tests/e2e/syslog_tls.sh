#!/usr/bin/env bash
# The syslog sink over TLS (RFC 5425) to a real rsyslogd with its OpenSSL
# driver and a throwaway CA (lab/tls.sh): N connections -> exactly N
# messages, and N more to an input that asks for a client certificate
# (cert=, tls_key=); the collector's certificate rotated to an expired
# one: failed reconnects counted and said, and back to a good one: the N
# events of meanwhile all arrive.  Refused at start, one line and exit 1, each naming
# the cause: a certificate for another name (tls_name=), an expired one
# (openssl s_server presents it), a CA we do not trust, no client
# certificate where one is asked for, and TLS at a plaintext port.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
. "$E2E_DIR/../../lab/tls.sh"
N=10
e2e_init
T=$E2E_TMP/tls
tls_certs "$T"
# shellcheck disable=SC2034 # read by lab/rsyslog.sh
RSYSLOG_TLS=$T
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5514 5515 6514 || e2e_fail "rsyslogd"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "syslog:target=tls:127.0.0.1:6514,ca=$T/ca.pem,hostname=lab-tls" \
	--sink "syslog:target=tls:127.0.0.1:6515,ca=$T/ca.pem,cert=$T/client.pem,tls_key=$T/client.key,hostname=lab-mtls"
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 "$N"
lab_busywait 10000 rsyslog_count_is imtcp $((2 * N)) ||
	e2e_fail "imtcp: $(grep -c "^imtcp " "$E2E_TMP/rs/out.log") messages"
# A certificate rotated on the collector, to an expired one: reconnects
# fail and are counted, the events wait; back to a good one: all of them
# arrive.
rsyslog_stop
RSYSLOG_TLS_CERT=expired rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5514 5515 6514 || e2e_fail "rsyslogd"
connect $LAB_V4_SRV 22 "$N"
lab_busywait 20000 live_stat_ge sinks.0.plugin.connect_errors 1 ||
	e2e_fail "no failed reconnect counted: $(ss_live_stat sinks.0.plugin.connect_errors)"
# Said: at once, or, when the rate limit held it back (a refused connect
# while rsyslogd restarted came first), within the link's 30 s.
lab_busywait 40000 grep -q "certificate has expired" "$SS_ERR" || e2e_fail "the reason not said"
rsyslog_stop
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5514 5515 6514 || e2e_fail "rsyslogd"
lab_busywait 20000 rsyslog_count_is imtcp $((4 * N)) ||
	e2e_fail "after the rotation: $(grep -c "^imtcp " "$E2E_TMP/rs/out.log") messages"
ss_stop
for i in 0 1; do
	[ "$(ss_stat sinks.$i.delivered)" = $((2 * N)) ] ||
		e2e_fail "sink $i delivered $(ss_stat sinks.$i.delivered)"
done
for h in lab-tls lab-mtls; do
	[ "$(grep -c "^imtcp [a-z]* [a-z]* synsink $h A new tcp connection" "$E2E_TMP/rs/out.log")" = $((2 * N)) ] ||
		e2e_fail "$h: $(grep -c " $h " "$E2E_TMP/rs/out.log") messages"
done

# refused SPEC WHAT: the sink cannot start: exit 1, one line naming WHAT.
refused() { ss_refused 1 "$2" --queue 1 --sink "syslog:$1"; }
refused "target=tls:127.0.0.1:6514,ca=$T/ca.pem,tls_name=other.invalid" "hostname mismatch"
refused "target=tls:127.0.0.1:6514,ca=$T/rogue-ca.pem" "self-signed certificate in certificate chain"
refused "target=tls:127.0.0.1:6515,ca=$T/ca.pem" "alert certificate required"
refused "target=tls:127.0.0.1:5515,ca=$T/ca.pem" "is it a TLS port?"
# An expired certificate, presented by openssl s_server.
tls_server "$T" expired 6600 || e2e_fail "s_server"
refused "target=tls:127.0.0.1:6600,ca=$T/ca.pem" "certificate has expired"
rsyslog_stop
e2e_pass "$((2 * N)) messages over TLS, $((2 * N)) with a client certificate, across a bad rotation; 5 refusals in one line"

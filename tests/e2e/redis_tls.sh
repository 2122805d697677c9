#!/usr/bin/env bash
# The Redis sink over TLS to a real redis-server's tls-port, with a
# throwaway CA (lab/tls.sh) and client certificates required: N
# connections -> XLEN N, through our OpenSSL connection and hiredis'
# reply parser.  The server's certificate rotated to an expired one:
# failed reconnects counted and said, the events held; back to a good
# one: all of them arrive.  Refused at start, one line and exit 1, each
# naming the cause: a plaintext client at the TLS port, TLS at the
# plaintext port, no client certificate, a CA we do not trust, a
# certificate for another name (tls_name=), an expired one (openssl
# s_server presents it).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
. "$E2E_DIR/../../lab/tls.sh"
N=10
e2e_init
T=$E2E_TMP/tls
tls_certs "$T"
# shellcheck disable=SC2034 # read by lab/redis.sh
REDIS_TLS=$T REDIS_TLS_CLIENTS=yes
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6400 || e2e_fail "redis-server"
MTLS="tls=true,ca=$T/ca.pem,cert=$T/client.pem,tls_key=$T/client.key"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "redis:port=6401,$MTLS,key=s,buffer=100000"
listen_start 22 $((3 * N))
connect $LAB_V4_SRV 22 "$N"
connect $LAB_V6_SRV 22 "$N"
lab_busywait 10000 redis_len_is x s $((2 * N)) || e2e_fail "XLEN $(rcli xlen s)"

# The certificate rotated to an expired one: reconnects fail, counted and
# said; the events wait in the core's buffer.
redis_stop
REDIS_TLS_CERT=expired redis_start "$LAB_SRV" "$E2E_TMP/redis" 6400 || e2e_fail "redis-server"
connect $LAB_V4_SRV 22 "$N"
lab_busywait 5000 grep -q "connection lost: the server closed the connection" "$SS_ERR" ||
	e2e_fail "loss not noticed"
lab_busywait 20000 live_stat_ge sinks.0.plugin.connect_errors 1 ||
	e2e_fail "no failed reconnect counted: $(ss_live_stat sinks.0.plugin.connect_errors)"
lab_busywait 40000 grep -q "certificate has expired" "$SS_ERR" || e2e_fail "the reason not said"
redis_stop
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6400 || e2e_fail "redis-server"
lab_busywait 20000 redis_len_is x s $((3 * N)) || e2e_fail "after the rotation: XLEN $(rcli xlen s)"
ss_stop
[ "$(ss_stat sinks.0.delivered)" = $((3 * N)) ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$(rcli xlen s)" = $((3 * N)) ] || e2e_fail "XLEN $(rcli xlen s)"
errors=$(ss_stat sinks.0.plugin.connect_errors)

# refused SPEC WHAT: the sink cannot start: exit 1, one line naming WHAT.
refused() { ss_refused 1 "$2" --queue 1 --sink "redis:$1"; }
refused "port=6401" "is it a TLS port? then tls=true"
refused "port=6400,$MTLS" "TLS handshake: no answer within 2000 ms (is it a TLS port?)"
refused "port=6401,tls=true,ca=$T/ca.pem" "certificate required"
refused "port=6401,tls=true,ca=$T/rogue-ca.pem" "self-signed certificate in certificate chain"
refused "port=6401,$MTLS,tls_name=other.invalid" "hostname mismatch"
tls_server "$T" expired 6402 || e2e_fail "s_server"
refused "port=6402,tls=true,ca=$T/ca.pem" "certificate has expired"
redis_stop
e2e_pass "$((3 * N)) events over TLS with a client certificate, across a bad rotation ($errors failed reconnects); 6 refusals in one line"

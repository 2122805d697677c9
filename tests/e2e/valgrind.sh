#!/usr/bin/env bash
# A short run under valgrind memcheck: real v4 and v6 connections through
# the stdout, syslog (TCP, and TLS with the lab's CA) and Redis (TLS with
# a client certificate) sinks, SIGTERM; no invalid access, no leak.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
. "$E2E_DIR/../../lab/tls.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=10
e2e_init
tls_certs "$E2E_TMP/tls"
# shellcheck disable=SC2034 # read by lab/rsyslog.sh and lab/redis.sh
RSYSLOG_TLS=$E2E_TMP/tls REDIS_TLS=$E2E_TMP/tls
command -v valgrind >/dev/null || e2e_fail "valgrind is not installed"
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5544 5545 6544 || e2e_fail "rsyslogd"
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6410 || e2e_fail "redis-server"
lab_rules_add --queue 1
SS_WRAP="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-fds=no" \
	ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json \
	--sink syslog:target=tcp:127.0.0.1:5545 \
	--sink "syslog:target=tls:127.0.0.1:6544,ca=$E2E_TMP/tls/ca.pem" \
	--sink "redis:port=6411,tls=true,ca=$E2E_TMP/tls/ca.pem,cert=$E2E_TMP/tls/client.pem,tls_key=$E2E_TMP/tls/client.key"
lab_has memcheck readlink /proc/"$SS_PID"/exe || e2e_fail "not running under valgrind"
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N
connect $LAB_V6_SRV 22 $N
wait_lines "$E2E_TMP/out" $((2 * N))
lab_busywait 10000 rsyslog_count_is imtcp $((4 * N)) || e2e_fail "rsyslog"
lab_busywait 10000 redis_len_is x synsink $((2 * N)) || e2e_fail "XLEN $(rcli xlen synsink)"
ss_stop		# valgrind's exit status: 99 on any error or leak
grep -q "==[0-9]*==" "$SS_ERR" && e2e_fail "valgrind said: $(grep '==[0-9]*==' "$SS_ERR" | sed -n 1,10p)"
redis_stop
e2e_pass "$((2 * N)) events under memcheck: no errors, no leaks"

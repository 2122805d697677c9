#!/usr/bin/env bash
# The Kafka sink over TLS, against real Apache Kafka brokers with SSL and
# SASL_SSL listeners and a throwaway CA (lab/tls.sh).  The lab's broker
# (4.1): N connections -> exactly N messages over SSL, over SSL with a
# client certificate where the broker requires one, and over SASL_SSL with
# PLAIN, the password from a file (not in cmdline).  Refused at start, one
# line and exit 1, each naming the cause: no client certificate where one
# is required, a wrong password, an
# unknown CA, a certificate for another name, an expired one (openssl
# s_server presents those), a plaintext client at the TLS port, TLS at the
# plaintext one, and SCRAM, which Debian 12's librdkafka (2.0.2) cannot
# speak to Kafka 4 (librdkafka #4895, fixed in 2.6.1: the line says so).
# Then a Kafka 3.9 broker: N messages over SASL_SSL with SCRAM-SHA-512,
# and a wrong SCRAM password refused.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
. "$E2E_DIR/../../lab/tls.sh"
N=12
e2e_init
T=$E2E_TMP/tls
tls_certs "$T"
# shellcheck disable=SC2034 # read by lab/kafka/broker.sh
KAFKA_TLS=$T KAFKA_SASL_USER=synsink KAFKA_SASL_PASS=kafka-lab-pw-$$
kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
install -m 600 /dev/null "$E2E_TMP/pw"
echo "$KAFKA_SASL_PASS" >"$E2E_TMP/pw"
SSL="brokers=127.0.0.1:9094,tls=true,ca=$T/ca.pem"
MTLS="brokers=127.0.0.1:9096,tls=true,ca=$T/ca.pem"
SASL="brokers=127.0.0.1:9095,tls=true,ca=$T/ca.pem,sasl_username=synsink,sasl_password_file=$E2E_TMP/pw"

# deliver SINKSPEC... : N connections, N messages in each sink's topic.
deliver() {
	local a=() t i
	for t in "$@"; do
		a+=(--sink "kafka:$t")
	done
	ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 "${a[@]}"
	grep -qF -- "$KAFKA_SASL_PASS" <<<"$(tr '\0' ' ' <"/proc/$SS_PID/cmdline")" &&
		e2e_fail "the password in cmdline"
	listen_start 22 "$N"
	connect $LAB_V4_SRV 22 "$N"
	for t in "$@"; do
		t=${t##*topic=}
		lab_busywait 30000 kafka_count_is "$t" "$N" || e2e_fail "topic $t"
	done
	ss_stop
	for ((i = 0; i < $#; i++)); do
		[ "$(ss_stat sinks.$i.delivered)" = "$N" ] || e2e_fail "sink $i delivered $(ss_stat sinks.$i.delivered)"
	done
	not grep -qF -- "$KAFKA_SASL_PASS" "$SS_ERR" || e2e_fail "the password in stderr"
}

# refused SPEC WHAT: the sink cannot start: exit 1, one line naming WHAT.
# shellcheck disable=SC2034 # read by ss_refused (lib.sh)
E2E_SECRET=$KAFKA_SASL_PASS
refused() { ss_refused 1 "$2" --queue 1 --sink "kafka:topic=x,$1"; }

lab_rules_add --queue 1
deliver "$SSL,topic=tls" "$MTLS,cert=$T/client.pem,tls_key=$T/client.key,topic=mtls" \
	"$SASL,sasl_mechanism=PLAIN,topic=plain"
refused "$MTLS" "the broker wants a client certificate: cert= and tls_key="
refused "$SASL,sasl_mechanism=SCRAM-SHA-512" "cannot log in with SCRAM to Kafka 4 brokers"
refused "brokers=127.0.0.1:9094,tls=true,ca=$T/rogue-ca.pem" "unable to get local issuer certificate"
refused "brokers=127.0.0.1:9094" "SSL listener"
refused "brokers=127.0.0.1:9092,tls=true,ca=$T/ca.pem" "SSL handshake failed"
# A TLS server with a certificate for another name, and one expired.
for c in other expired; do
	port=$((9200 + ${#c}))
	tls_server "$T" $c "$port" || e2e_fail "s_server $c"
	refused "brokers=127.0.0.1:$port,tls=true,ca=$T/ca.pem" \
		"$([ $c = other ] && echo "IP address mismatch" || echo "certificate has expired")"
done
echo wrong >"$E2E_TMP/pw"
refused "$SASL,sasl_mechanism=PLAIN" "Authentication failed"
echo "$KAFKA_SASL_PASS" >"$E2E_TMP/pw"

# SCRAM-SHA-512, against a broker that takes librdkafka 2.0.2's proof.
kafka_stop
kafka_use 3.9.1
kafka_start "$LAB_SRV" "$E2E_TMP/kafka39" 9092 || e2e_fail "broker 3.9"
deliver "$SASL,sasl_mechanism=SCRAM-SHA-512,topic=scram"
echo wrong >"$E2E_TMP/pw"
refused "$SASL,sasl_mechanism=SCRAM-SHA-512" "Authentication failed"
e2e_pass "$N messages each over SSL, SSL with a client certificate, SASL_SSL PLAIN (Kafka 4.1) and SASL_SSL SCRAM-SHA-512 (Kafka 3.9); 9 refusals in one line"

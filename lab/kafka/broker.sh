# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/kafka/broker.sh - a single-node Apache Kafka broker (KRaft mode) for
# the lab, sourced after lab/lib.sh.  It runs from its jars (fetched once
# by Maven, see pom.xml) inside a namespace, on that namespace's loopback.
#
#   kafka_fetch                    the jars into $KAFKA_JARS (cached)
#   kafka_start NS DIR PORT        format DIR if new, start, return when a
#                                  metadata request is answered
#   kafka_stop                     SIGTERM, wait for the clean shutdown
#   kafka_node_props ID VOTERS PORT DIR   the start of a node's server.properties
#   kcat_in_ns ARGS...             kcat against it
#   kafka_client ARGS...           lab/kafka/LabClient.java (create a topic,
#                                  produce with the Java client)
# KAFKA_AUTO_CREATE=false before kafka_start: topics are not auto-created.
# KAFKA_TLS=DIR before kafka_start (DIR from lab/tls.sh's tls_certs): also
# an SSL listener on PORT+2, a SASL_SSL one on PORT+3 (SCRAM-SHA-512
# and PLAIN, user $KAFKA_SASL_USER with password $KAFKA_SASL_PASS; the
# SCRAM credential is given once the broker runs) and an SSL one that
# requires a client certificate signed by DIR/ca.pem on PORT+4, with
# DIR/$KAFKA_TLS_CERT.bundle as the broker's key and certificate (server
# unless set: expired, other).

KAFKA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# KAFKA_VERSION set before sourcing: that release instead of the pom's.
KAFKA_VERSION=${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_HERE/pom.xml")}
KAFKA_JARS=${KAFKA_JARS:-${XDG_CACHE_HOME:-$HOME/.cache}/synsink/kafka-$KAFKA_VERSION}
KAFKA_PID=""

kafka_fetch() {
	[ -f "$KAFKA_JARS/.complete" ] && return 0
	mkdir -p "$KAFKA_JARS"
	mvn -q -B -Dstyle.color=never -Dkafka.version="$KAFKA_VERSION" -f "$KAFKA_HERE/pom.xml" \
		dependency:copy-dependencies \
		-DoutputDirectory="$KAFKA_JARS" >&2 || return 1
	touch "$KAFKA_JARS/.complete"
}

# kafka_node_props ID VOTERS PORT DATA_DIR: what every lab node's
# server.properties starts with: broker and controller in one (KRaft),
# PLAINTEXT on 127.0.0.1:PORT, its controller on PORT+1, 3 partitions.
kafka_node_props() {
	cat <<EOP
process.roles=broker,controller
node.id=$1
controller.quorum.voters=$2
listeners=PLAINTEXT://127.0.0.1:$3,CONTROLLER://127.0.0.1:$(($3 + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$3
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$4
num.partitions=3
EOP
}

kafka_start() {
	KAFKA_NS=$1 KAFKA_DIR=$2 KAFKA_PORT=$3
	local cport=$((KAFKA_PORT + 1)) cp="$KAFKA_JARS/*"
	kafka_fetch || return 1
	mkdir -p "$KAFKA_DIR"
	{ kafka_node_props 1 "1@127.0.0.1:$cport" "$KAFKA_PORT" "$KAFKA_DIR/data"; cat <<EOP
auto.create.topics.enable=${KAFKA_AUTO_CREATE:-true}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOP
	[ -z "${KAFKA_TLS:-}" ] || kafka_tls_props
	} >"$KAFKA_DIR/server.properties"
	# The JVM's own temporary files (lz4's native library, perf data) go
	# into the broker's directory, which the caller removes, not /tmp.
	mkdir -p "$KAFKA_DIR/tmp"
	local jopts=(-Djava.io.tmpdir="$KAFKA_DIR/tmp" -XX:-UsePerfData)
	if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
		java "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format \
			-t "$(java "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)" \
			-c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 || {
			cat "$KAFKA_DIR/format.log" >&2
			return 1
		}
	fi
	ip netns exec "$KAFKA_NS" java "${jopts[@]}" -Xms256m -Xmx512m -XX:+UseSerialGC \
		-cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" \
		>>"$KAFKA_DIR/broker.log" 2>&1 &
	KAFKA_PID=$!
	lab_busywait 60000 kafka_ready || {
		lab_log "the Kafka broker did not answer; its log:"
		tail -n 30 "$KAFKA_DIR/broker.log" >&2
		return 1
	}
	[ -z "${KAFKA_TLS:-}" ] || kafka_scram_user
}

# The SASL user's SCRAM credential, given through the Admin API, and
# ready when a SCRAM login over SASL_SSL is answered.
kafka_scram_user() {
	kafka_client scram "$KAFKA_SASL_USER" "$KAFKA_SASL_PASS" >"$KAFKA_DIR/scram.log" 2>&1 || {
		tail -n 20 "$KAFKA_DIR/scram.log" >&2
		return 1
	}
	lab_busywait 30000 kafka_scram_ready || {
		lab_log "the SCRAM user does not log in"
		return 1
	}
}
# (With the Java client: Debian 12's librdkafka, kcat's, cannot SCRAM to
# Kafka 4 brokers; README, kafka.)
kafka_scram_ready() {
	kafka_client scramcheck "$KAFKA_SASL_USER" "$KAFKA_SASL_PASS" "$KAFKA_TLS/ca.pem" \
		>"$KAFKA_DIR/scramcheck.log" 2>&1
}

# The TLS listeners' part of server.properties (KAFKA_TLS): later keys
# replace kafka_node_props' listeners.
kafka_tls_props() {
	local p=$KAFKA_PORT
	cat <<EOP
listeners=PLAINTEXT://127.0.0.1:$p,CONTROLLER://127.0.0.1:$((p + 1)),SSL://127.0.0.1:$((p + 2)),SASL_SSL://127.0.0.1:$((p + 3)),MTLS://127.0.0.1:$((p + 4))
advertised.listeners=PLAINTEXT://127.0.0.1:$p,SSL://127.0.0.1:$((p + 2)),SASL_SSL://127.0.0.1:$((p + 3)),MTLS://127.0.0.1:$((p + 4))
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL
listener.name.mtls.ssl.client.auth=required
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS/${KAFKA_TLS_CERT:-server}.bundle
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS/ca.pem
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$KAFKA_SASL_PASS";
EOP
}

kcat_in_ns() { ip netns exec "$KAFKA_NS" kcat -b "127.0.0.1:$KAFKA_PORT" "$@"; }

# kafka_client create|produce TOPIC ...: the Java client against the
# broker; compiled once per broker directory.
kafka_client() {
	local cls=$KAFKA_DIR/java
	if [ ! -f "$cls/LabClient.class" ]; then
		mkdir -p "$cls" && javac -cp "$KAFKA_JARS/*" -d "$cls" "$KAFKA_HERE/LabClient.java" ||
			return 1
	fi
	local mode=$1
	shift
	local port=$KAFKA_PORT
	[ "$mode" = scramcheck ] && port=$((KAFKA_PORT + 3)) # the SASL_SSL listener
	ip netns exec "$KAFKA_NS" java -Djava.io.tmpdir="$KAFKA_DIR/tmp" -XX:-UsePerfData \
		-cp "$cls:$KAFKA_JARS/*" LabClient "$mode" "127.0.0.1:$port" "$@"
}

# kafka_use VERSION: the next kafka_start runs that Apache Kafka release.
kafka_use() {
	KAFKA_VERSION=$1
	KAFKA_JARS=${XDG_CACHE_HOME:-$HOME/.cache}/synsink/kafka-$1
}

# Ready: a metadata request is answered and lists this broker.
kafka_ready() { grep -q "broker 1 at" <<<"$(kcat_in_ns -L -m 1 2>/dev/null)"; }

kafka_stop() {
	[ -n "$KAFKA_PID" ] || return 0
	kill -TERM "$KAFKA_PID" 2>/dev/null || true	# it may be gone already
	wait "$KAFKA_PID" 2>/dev/null || true	# 143: the JVM ends by the signal
	KAFKA_PID=""
}

# kafka_dump TOPIC FILE: every message, one JSON envelope a line
# (key, payload, headers, partition, offset).
kafka_dump() {
	kcat_in_ns -C -t "$1" -o beginning -e -q -J >"$2"
}

# kafka_count_is TOPIC N: the topic holds exactly N messages.
kafka_count_is() {
	[ "$(kcat_in_ns -C -t "$1" -o beginning -e -q -f 'x\n' 2>/dev/null | wc -l)" = "$2" ]
}

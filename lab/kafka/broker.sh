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

KAFKA_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_HERE/pom.xml")
KAFKA_JARS=${KAFKA_JARS:-${XDG_CACHE_HOME:-$HOME/.cache}/synsink/kafka-$KAFKA_VERSION}
KAFKA_PID=""

kafka_fetch() {
	[ -f "$KAFKA_JARS/.complete" ] && return 0
	mkdir -p "$KAFKA_JARS"
	mvn -q -B -Dstyle.color=never -f "$KAFKA_HERE/pom.xml" dependency:copy-dependencies \
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
	ip netns exec "$KAFKA_NS" java -Djava.io.tmpdir="$KAFKA_DIR/tmp" -XX:-UsePerfData \
		-cp "$cls:$KAFKA_JARS/*" LabClient "$mode" "127.0.0.1:$KAFKA_PORT" "$@"
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

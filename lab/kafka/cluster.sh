# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/kafka/cluster.sh - a three-node Apache Kafka cluster (KRaft, each
# node broker and controller) for the lab, sourced after broker.sh.  Each
# node listens on its own loopback port of one namespace; topics default
# to replication factor 3 with min.insync.replicas=2.
#
#   kcluster_start NS DIR BASE     nodes 1-3 on ports BASE, BASE+10, BASE+20
#                                  (controllers on port+1); returns once all
#                                  three are in the metadata
#   kcluster_node_start I          (re)start node I (1-3)
#   kcluster_node_kill I [SIG]     SIGKILL (or SIG) node I, and wait for it
#   kcluster_leader TOPIC PART     the node leading that partition
#   kcluster_isr TOPIC PART        how many replicas are in sync
#   kcluster_stop                  every node (SIGKILL: throwaway data)
#   kcat_cluster ARGS...           kcat against all three
KCLUSTER_PID=("" "" "" "")

kcluster_port() { echo $((KCLUSTER_BASE + 10 * ($1 - 1))); }

kcluster_start() {
	KCLUSTER_NS=$1 KCLUSTER_DIR=$2 KCLUSTER_BASE=$3
	local cp="$KAFKA_JARS/*" i voters="" uuid jopts=(-XX:-UsePerfData)
	kafka_fetch || return 1
	for i in 1 2 3; do
		voters="$voters${voters:+,}$i@127.0.0.1:$(( $(kcluster_port $i) + 1 ))"
	done
	mkdir -p "$KCLUSTER_DIR/tmp"
	jopts+=(-Djava.io.tmpdir="$KCLUSTER_DIR/tmp")
	uuid=$(java "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
	for i in 1 2 3; do
		local d=$KCLUSTER_DIR/node$i port
		port=$(kcluster_port $i)
		mkdir -p "$d"
		{ kafka_node_props "$i" "$voters" "$port" "$d/data"; cat <<EOP
default.replication.factor=3
min.insync.replicas=2
auto.create.topics.enable=true
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
replica.lag.time.max.ms=5000
EOP
		} >"$d/server.properties"
		java "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$uuid" \
			-c "$d/server.properties" >"$d/format.log" 2>&1 || {
			cat "$d/format.log" >&2
			return 1
		}
	done
	for i in 1 2 3; do
		kcluster_node_start $i || return 1
	done
	lab_busywait 90000 kcluster_ready || {
		lab_log "the cluster did not come up; node logs:"
		for i in 1 2 3; do tail -n 10 "$KCLUSTER_DIR/node$i/broker.log" >&2; done
		return 1
	}
}

kcluster_node_start() {
	local d=$KCLUSTER_DIR/node$1
	# Small heaps: three JVMs share this machine with the lab.
	ip netns exec "$KCLUSTER_NS" java -XX:-UsePerfData -Djava.io.tmpdir="$KCLUSTER_DIR/tmp" \
		-Xms128m -Xmx384m -XX:+UseSerialGC -cp "$KAFKA_JARS/*" kafka.Kafka \
		"$d/server.properties" >>"$d/broker.log" 2>&1 &
	KCLUSTER_PID[$1]=$!
}

kcluster_node_kill() {
	local pid=${KCLUSTER_PID[$1]}
	[ -n "$pid" ] || return 0
	kill "-${2:-KILL}" "$pid" 2>/dev/null || true	# it may be gone already
	wait "$pid" 2>/dev/null || true	# the signal's status
	KCLUSTER_PID[$1]=""
}

kcluster_brokers() { echo "127.0.0.1:$(kcluster_port 1),127.0.0.1:$(kcluster_port 2),127.0.0.1:$(kcluster_port 3)"; }

kcat_cluster() { ip netns exec "$KCLUSTER_NS" kcat -b "$(kcluster_brokers)" "$@"; }

# All three nodes are in the metadata.
kcluster_ready() { [ "$(kcat_cluster -L -m 2 2>/dev/null | grep -c ' broker [123] at ')" = 3 ]; }

# kcluster_leader TOPIC PART / kcluster_isr TOPIC PART: from the metadata.
kcluster_leader() {
	kcat_cluster -L -t "$1" -m 2 2>/dev/null |
		sed -n "s/^ *partition $2, leader \([0-9-]*\),.*/\1/p"
}
kcluster_isr() {
	kcat_cluster -L -t "$1" -m 2 2>/dev/null |
		sed -n "s/^ *partition $2, leader .*isrs: \([0-9,]*\).*/\1/p" | tr ',' '\n' | grep -c .
}

# Every node, SIGKILL: the lab's data is thrown away, and a node's
# controlled shutdown waits on the others for long.
kcluster_stop() {
	local i
	for i in 1 2 3; do
		kcluster_node_kill $i
	done
}

#!/usr/bin/env bash
# Three-broker failover (KRaft, replication factor 3, min.insync.replicas
# 2), with the Kafka sink's defaults (acks=all, idempotence):
#   1. the leader of a partition synsink is writing is SIGKILLed mid-run,
#      then started again;
#   2. two of the three nodes go away (below min.insync.replicas): nothing
#      is acknowledged meanwhile; they come back and everything arrives.
# Either way every event is in the topic exactly once, each source's
# events in their order, and synsink's counters account for all of them.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
. "$E2E_DIR/../../lab/kafka/cluster.sh"
N1=6000 N2=2000 RATE=1000
e2e_init
trap 'kcluster_stop; e2e_cleanup' EXIT
kcluster_start "$LAB_SRV" "$E2E_TMP/cluster" 9192 || e2e_fail "cluster"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --stats-interval 0 \
	--sink "kafka:brokers=$(kcluster_brokers),topic=fo"
delivered_ge() { live_stat_ge sinks.0.delivered "$1"; }

# 1. The leader of partition 0, killed mid-run.
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 16 -p 9 -n $N1 -r $RATE -t 30 >/dev/null &
gen=$!
lab_busywait 30000 delivered_ge 1000 || e2e_fail "run 1: nothing delivered"
leader=$(kcluster_leader fo 0)
[ -n "$leader" ] && [ "$leader" -ge 1 ] || e2e_fail "no leader for fo/0"
kcluster_node_kill "$leader"
lab_busywait 30000 delivered_ge 3000 || e2e_fail "run 1: stuck without node $leader"
kcluster_node_start "$leader"
wait $gen || e2e_fail "syngen, run 1"
lab_busywait 60000 delivered_ge $N1 || e2e_fail "run 1: delivered $(ss_live_stat sinks.0.delivered) of $N1"

# 2. Below min.insync.replicas: two nodes away.
isr_full() { [ "$(kcluster_isr fo 0)" = 3 ]; }
lab_busywait 60000 isr_full || e2e_fail "fo/0 in sync on $(kcluster_isr fo 0) nodes, not 3"
keep=$(kcluster_leader fo 0)
for i in 1 2 3; do
	[ "$i" = "$keep" ] || kcluster_node_kill "$i"
done
before=$(ss_live_stat sinks.0.delivered)
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 16 -p 9 -n $N2 -r $RATE -t 30 >/dev/null ||
	e2e_fail "syngen, run 2"
# An observation window, not a wait for readiness: nothing may be
# acknowledged while one node of three is up.
lab_busywait 5000 delivered_ge $((before + 1)) && e2e_fail "acknowledged below min.insync.replicas"
for i in 1 2 3; do
	[ "$i" = "$keep" ] || kcluster_node_start "$i"
done
N=$((N1 + N2))
lab_busywait 120000 delivered_ge $N || e2e_fail "run 2: delivered $(ss_live_stat sinks.0.delivered) of $N"
ss_stop
for k in seen delivered; do
	[ "$(ss_stat sinks.0.$k)" = $N ] || e2e_fail "$k $(ss_stat sinks.0.$k)"
done
for k in failed dropped pending; do
	[ "$(ss_stat sinks.0.$k)" = 0 ] || e2e_fail "$k $(ss_stat sinks.0.$k)"
done
kcat_cluster -C -t fo -o beginning -e -q -J >"$E2E_TMP/fo.json" || e2e_fail "kcat"
python3 - "$E2E_TMP/fo.json" $N <<'PY' || e2e_fail "the topic"
import collections, json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
ids = [json.loads(m["payload"])["id"] for m in msgs]
assert len(ids) == int(sys.argv[2]), ("messages", len(ids))
assert len(set(ids)) == len(ids), ("duplicates", len(ids) - len(set(ids)))
by_key = collections.defaultdict(list)
for m in sorted(msgs, key=lambda m: (m["partition"], m["offset"])):
    by_key[m["key"]].append(json.loads(m["payload"])["id"])
for k, seq in by_key.items():
    assert seq == sorted(seq), ("out of order", k)
PY
kcluster_stop
e2e_pass "leader (node $leader) killed mid-run, then two nodes away: $N events, each once, each source in order"

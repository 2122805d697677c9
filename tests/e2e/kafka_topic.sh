#!/usr/bin/env bash
# Topic checks at start, against a broker with auto-create off (the
# production default): a missing topic is one line and exit 1 with no
# queue bound; an existing one (made first, as an operator would) works;
# a cluster nobody answers for is a warning, and synsink starts.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
N=20
e2e_init
KAFKA_AUTO_CREATE=false kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092 || e2e_fail "broker"
lab_rules_add --queue 1

rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 --sink kafka:topic=nope 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "missing topic: exit $rc: $out"
[ "$out" = "synsink: sink kafka cannot start: topic 'nope' does not exist on 127.0.0.1:9092 (auto-create is off)" ] ||
	e2e_fail "unclear: $out"
lab_queue_bound 1 && e2e_fail "a queue was bound"
lab_lacks '"nope"' kcat_in_ns -L 2>/dev/null || e2e_fail "the check created the topic"

kafka_client create made 1 2>"$E2E_TMP/java.err" || e2e_fail "create: $(tail -n 3 "$E2E_TMP/java.err")"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink kafka:topic=made
listen_start 22 $N
connect $LAB_V4_SRV 22 $N
lab_busywait 30000 live_stat_ge sinks.0.delivered $N || e2e_fail "delivered $(ss_live_stat sinks.0.delivered)"
ss_stop
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"

ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --queue 1 --sink kafka:brokers=127.0.0.1:9,topic=made
grep -q "no broker of 127.0.0.1:9 answered within" "$SS_ERR" || e2e_fail "no warning about the cluster"
ss_stop
kafka_stop
e2e_pass "missing topic: one line, exit 1, nothing bound; a made topic takes $N; an absent cluster is a warning"

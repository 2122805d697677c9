#!/usr/bin/env bash
# synsink-rules: add is idempotent for both families, the rule it adds is
# live (synsink sees the connections), del removes exactly it.
. "$(dirname "$0")/lib.sh"
RULES=$E2E_DIR/../../tools/synsink-rules
e2e_init
count() { lab_srv sh -c '{ iptables-save -t raw; ip6tables-save -t raw; } | grep -c -- "-j NFQUEUE"' || true; }
lab_srv sh "$RULES" add --queue 3 --in s0
lab_srv sh "$RULES" add --queue 3 --in s0
[ "$(count)" = 2 ] || e2e_fail "after two adds: $(count) rules (want one per family)"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 3
listen_start 22 2
connect $LAB_V4_SRV 22 1
connect $LAB_V6_SRV 22 1
wait_lines "$E2E_TMP/out" 2
ss_stop
lab_srv sh "$RULES" del --queue 3 --in s0
[ "$(count)" = 0 ] || e2e_fail "after del: $(count) rules"
lab_srv sh "$RULES" add --balance 0:3 --fanout --chain OUTPUT
lab_has "--queue-balance 0:3 --queue-bypass --queue-cpu-fanout" lab_srv sh "$RULES" show --chain OUTPUT ||
	e2e_fail "balance rule: $(lab_srv sh "$RULES" show --chain OUTPUT)"
lab_srv sh "$RULES" del --balance 0:3 --fanout --chain OUTPUT
[ "$(count)" = 0 ] || e2e_fail "after del: $(count) rules"
rc=0
lab_srv sh "$RULES" frob 2>/dev/null || rc=$?
[ "$rc" = 64 ] || e2e_fail "bad verb: exit $rc"
e2e_pass "add twice = one rule per family, live; del removes it; balance/fanout/OUTPUT"

#!/usr/bin/env bash
# The rules are live: without --queue-bypass and with nobody on the queue,
# SYNs are dropped and connections fail; with synsink there, they succeed.
. "$(dirname "$0")/lib.sh"
e2e_init
lab_rules_add --queue 5 --no-bypass
listen_start 22 10
if ip netns exec "$LAB_CLI" "$SYNGEN" connect -a $LAB_V4_SRV -p 22 -n 1 -t 2 \
	>/dev/null 2>&1; then
	e2e_fail "a connection succeeded with nobody on a queue without bypass"
fi
pkts=$(lab_srv iptables -t raw -L PREROUTING -v -n -x | awk '/NFQUEUE/ {print $1}')
[ "${pkts:-0}" -ge 1 ] || e2e_fail "the NFQUEUE rule saw no packet"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 5
connect $LAB_V4_SRV 22 3
wait_lines "$E2E_TMP/out" 3
ss_stop
e2e_pass "dropped without synsink ($pkts SYNs queued), accepted with it"

#!/usr/bin/env bash
# doc/event.schema.json against real events of every shape the lab makes:
# real v4/v6 connections, the odd-SYN set, retransmits.  Every event must
# be valid (as in every other test, through ss_stop); doc/event.md's example
# too; and the checker must refuse broken events (tests of the test).
. "$(dirname "$0")/lib.sh"
N=10
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N
connect $LAB_V6_SRV 22 $N
odd_set "$E2E_TMP/odd"
lab_cli "$SYNGEN" raw -a $LAB_V6_SRV -s fd00:5e::10 -k 4 -p 9 -n 20 -x 2 -r 1000 >/dev/null ||
	e2e_fail "syngen raw"
n=$(( 2 * N + $(grep -c ' event$' "$E2E_TMP/odd") + 20 ))
wait_lines "$E2E_TMP/out" $n
ss_stop		# validates every line
sed -n 's/^    \({"v":1,.*}\)$/\1/p' "$E2E_DIR/../../doc/event.md" >"$E2E_TMP/readme"
[ "$(wc -l <"$E2E_TMP/readme")" = 1 ] || e2e_fail "doc/event.md's example event not found"
/usr/bin/python3 "$E2E_DIR/check-events.py" "$E2E_TMP/readme" >/dev/null || e2e_fail "doc/event.md's example is not valid"
line=$(grep -m 1 '"family":"ipv4"' "$E2E_TMP/out")
broken() {	# broken NAME SED: the first IPv4 event, edited, must be refused
	sed "$2" <<<"$line" >"$E2E_TMP/bad.$1"
	not /usr/bin/python3 "$E2E_DIR/check-events.py" "$E2E_TMP/bad.$1" >"$E2E_TMP/bad.$1.out" ||
		e2e_fail "a broken event ($1) was accepted"
	printf '  %-14s -> %s\n' "$1" "$(cat "$E2E_TMP/bad.$1.out")"
}
broken port-string 's/"sport":\([0-9]*\)/"sport":"\1"/'
broken no-frag 's/"frag":false,//'
broken unknown-key 's/^{/{"extra":1,/'
broken v6-field 's/"ip_id":[0-9]*/"flowlabel":0/'
broken bad-ts 's/"ts":"\([^"]*\)Z"/"ts":"\1"/'
e2e_pass "$n events of every lab shape valid against doc/event.schema.json; doc/event.md's example valid; 5 broken events refused"

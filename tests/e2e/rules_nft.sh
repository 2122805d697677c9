#!/usr/bin/env bash
# synsink-rules --backend nft: one "table inet synsink" for both families;
# add twice is one rule; real IPv4 and IPv6 connections are seen exactly;
# del removes the table in one transaction (nft list ruleset: no synsink),
# and again is a no-op.
#   1. --target log (any kernel with nft_log): the NFLOG source, the rule's
#      own counter equal to the events, an OUTPUT log rule beside it.
#   2. --target queue: ranges (A:B or A-B), fanout and OUTPUT too.  A
#      kernel built without nft_queue (CONFIG_NFT_QUEUE; this lab's and
#      CI's kernel is one) cannot queue from nftables at all: there the
#      test proves the other half instead: --backend nft refuses in one
#      line naming the kernel option and --backend iptables, leaves no
#      table, and the default backend is iptables.
. "$(dirname "$0")/lib.sh"
N=5
RULES=$E2E_DIR/../../tools/synsink-rules
e2e_init
nft_rules() { lab_srv nft list table inet synsink 2>/dev/null | grep -c 'comment "synsink ' || true; }
# see_2n ARGS...: synsink with ARGS sees N v4 and N v6 real connections,
# each with the origin's line.
see_2n() {
	ss_start "$E2E_TMP/out" "$E2E_TMP/err" "$@"
	listen_start 22 $((2 * N))
	connect $LAB_V4_SRV 22 $N
	connect $LAB_V6_SRV 22 $N
	wait_lines "$E2E_TMP/out" $((2 * N))
	ss_stop
	expect_origin_lines "$E2E_TMP/out"
}

# --- 1. log ----------------------------------------------------------------
lab_srv sh "$RULES" add --backend nft --target log --group 3 --in s0
lab_srv sh "$RULES" add --backend nft --target log --group 3 --in s0
[ "$(nft_rules)" = 1 ] || e2e_fail "after two adds: $(nft_rules) log rules (want one for both families)"
lab_srv sh "$RULES" add --backend nft --target log --group 4 --chain OUTPUT
[ "$(nft_rules)" = 2 ] || e2e_fail "$(nft_rules) rules with the OUTPUT one"
see_2n --source nflog:3
[ "$(ss_stat groups.0.events)/$(ss_stat groups.0.lost)" = $((2 * N))/0 ] ||
	e2e_fail "events/lost $(ss_stat groups.0.events)/$(ss_stat groups.0.lost)"
# (the server's SYN-ACKs are no SYNs: the OUTPUT rule counted none)
[ "$(LAB_RULES_BACKEND=nft lab_rules_count)" = $((2 * N)) ] ||
	e2e_fail "the rules counted $(LAB_RULES_BACKEND=nft lab_rules_count), want $((2 * N))"
lab_has 'log group 3' lab_srv sh "$RULES" show --backend nft || e2e_fail "show"
lab_srv sh "$RULES" del --backend nft --target log --group 4 --chain OUTPUT
[ "$(nft_rules)" = 1 ] || e2e_fail "del removed more or less than its rule"
lab_srv sh "$RULES" del --backend nft --target log --group 3 --in s0
lab_lacks synsink lab_srv nft list ruleset || e2e_fail "a synsink table is left: $(lab_srv nft list ruleset)"
lab_srv sh "$RULES" del --backend nft --target log --group 3 --in s0 || e2e_fail "a second del failed"
logged="log: one inet rule for both families, $((2 * N)) connections, the rule's counter $((2 * N)), del leaves no table"

# --- 2. queue --------------------------------------------------------------
if ! lab_srv nft -f - 2>/dev/null <<'EOF'
table inet probe { chain c { queue num 65535 bypass; } }
delete table inet probe
EOF
then
	rc=0
	out=$(lab_srv sh "$RULES" add --backend nft --queue 3 --in s0 2>&1) || rc=$?
	[ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "no nft_queue: exit $rc: $out"
	case $out in *CONFIG_NFT_QUEUE*"--backend iptables"*) ;; *) e2e_fail "unclear: $out" ;; esac
	lab_lacks synsink lab_srv nft list ruleset || e2e_fail "a refused add left a table"
	lab_srv sh "$RULES" del --backend nft --queue 3 --in s0 || e2e_fail "del with no table failed"
	lab_srv sh "$RULES" add --queue 3 --in s0	# the default: iptables here
	lab_has '--queue-num 3' lab_srv iptables-save -t raw || e2e_fail "the default backend is not iptables"
	lab_srv sh "$RULES" del --queue 3 --in s0
	e2e_pass "$logged; queue: this kernel has no nft_queue (CONFIG_NFT_QUEUE): --backend nft refused in one line, nothing left, iptables by default"
	exit 0
fi
lab_srv sh "$RULES" add --backend nft --queue 3 --in s0
lab_srv sh "$RULES" add --backend nft --queue 3 --in s0
[ "$(nft_rules)" = 1 ] || e2e_fail "after two adds: $(nft_rules) rules (want one for both families)"
lab_has 'hook prerouting priority raw' lab_srv nft list table inet synsink || e2e_fail "not at raw priority"
see_2n --queue 3
[ "$(ss_stat queues.0.events)" = $((2 * N)) ] || e2e_fail "events $(ss_stat queues.0.events)"
lab_has queue lab_srv sh "$RULES" show --backend nft || e2e_fail "show"
lab_srv sh "$RULES" del --backend nft --queue 3 --in s0
lab_lacks synsink lab_srv nft list ruleset || e2e_fail "a synsink table is left: $(lab_srv nft list ruleset)"
lab_srv sh "$RULES" del --backend nft --queue 3 --in s0 || e2e_fail "a second del failed"
# A range the way synsink writes it (0-3), fanout, and OUTPUT, then away.
lab_srv sh "$RULES" add --backend nft --balance 0-3 --fanout
lab_srv sh "$RULES" add --backend nft --queue 1 --chain OUTPUT --no-bypass
lab_srv nft list table inet synsink >"$E2E_TMP/table"
grep -q 'queue .*0-3' "$E2E_TMP/table" && grep -q 'fanout' "$E2E_TMP/table" ||
	e2e_fail "balance rule: $(cat "$E2E_TMP/table")"
grep -q 'hook output priority raw' "$E2E_TMP/table" || e2e_fail "OUTPUT chain: $(cat "$E2E_TMP/table")"
[ "$(nft_rules)" = 2 ] || e2e_fail "$(nft_rules) rules"
lab_srv sh "$RULES" del --backend nft --queue 1 --chain OUTPUT --no-bypass
[ "$(nft_rules)" = 1 ] || e2e_fail "del removed more or less than its rule"
lab_srv sh "$RULES" del --backend nft --balance 0:3 --fanout
lab_lacks synsink lab_srv nft list ruleset || e2e_fail "a synsink table is left"
# The same range syntax with iptables, and --help.
lab_srv sh "$RULES" add --backend iptables --balance 0-3
lab_has '--queue-balance 0:3' lab_srv iptables-save -t raw || e2e_fail "iptables range"
lab_srv sh "$RULES" del --backend iptables --balance 0-3
lab_has '^usage: synsink-rules' lab_srv sh "$RULES" --help || e2e_fail "--help"
rc=0
lab_srv sh "$RULES" add --balance 3-1 2>/dev/null || rc=$?
[ "$rc" = 64 ] || e2e_fail "a reversed range: exit $rc"
e2e_pass "$logged; queue: one inet rule for both families, $((2 * N)) connections seen exactly, del leaves no table; ranges, fanout, OUTPUT"

#!/usr/bin/env bash
# The odd set: synsink stays up, gives every packet its verdict, reports the
# valid odd SYNs with the right option fields, counts the rest by kind, and
# keeps stderr short.
. "$(dirname "$0")/lib.sh"
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json
odd_set "$E2E_TMP/odd"
n_events=$(grep -c ' event$' "$E2E_TMP/odd")
n_sent=$(wc -l <"$E2E_TMP/odd")
wait_lines "$E2E_TMP/out" "$n_events"
# Every odd packet got its verdict: nothing waits in the queue.
! holds ||
	lab_busywait 5000 sh -c "ip netns exec $LAB_SRV awk '\$1 == 1 && \$3 != 0 {bad=1} END {exit bad}' /proc/net/netfilter/nfnetlink_queue" ||
	e2e_fail "packets left waiting for a verdict"
# ... and synsink still works.
listen_start 22 1
: >"$E2E_TMP/made"
connect $LAB_V4_SRV 22 1
wait_lines "$E2E_TMP/out" $((n_events + 1))
ss_stop
python3 - "$E2E_TMP/out" "$E2E_TMP/odd" <<'PY' || e2e_fail "odd events wrong"
import json, sys
ev = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["sport"] not in ev, ("twice", e)
    ev[e["sport"]] = e
cases = {}
for line in open(sys.argv[2]):
    _, name, sport, expect = line.split()
    cases[name] = (int(sport), expect)
for name, (sport, expect) in cases.items():
    assert (sport in ev) == (expect == "event"), (name, expect)
def e(name): return ev[cases[name][0]]
a = e("all_options")
assert a["opts"] == ["mss", "nop", "wscale", "sackok", "ts", "sack", 253, "nop", "nop", "nop", "eol"], a
assert (a["mss"], a["wscale"], a["sackok"], a["tsval"], a["tsecr"], a["opt_bad"]) == (1460, 7, True, 5, 0, False), a
assert a["fp"] == "4:64+0:0:1460:1024,7:mss,nop,ws,sok,ts,sack,?253,nop,nop,nop,eol+2:df,id+:0", a["fp"]
# Options as p0f walks them (p0f.sh compares every fp with p0f's own).
z = e("opt_zero_length")
assert z["opt_bad"] and z["opts"] == ["mss", 30] and z["mss"] == 1460, z
assert z["fp"].endswith(":mss,?30:df,id+,bad:0"), z["fp"]
o = e("opt_overlong")   # WS claiming 40 bytes: read as 3, then a NOP
assert o["opt_bad"] and o["opts"] == ["mss", "wscale", "nop"] and "wscale" not in o, o
l = e("opt_length_one")  # a timestamp with one byte left
assert l["opt_bad"] and l["opts"] == ["sackok", "ts"] and l["family"] == "ipv6", l
i = e("ipv4_options")
assert i["mss"] == 1460 and i["ipopt_len"] == 4, i
c = e("ecn_setup")
assert c["ecn"] is True and c["flags"] == 0xc2, c
d = e("syn_with_data")
assert d["payload"] == 100 and d["truncated"] is False and d["fp"].endswith(":+"), d
n = e("no_options")
assert n["opts"] == [] and "mss" not in n and n["sackok"] is False, n
x = e("ipv6_ext_chain")
assert x["mss"] == 1460 and x["family"] == "ipv6" and x["exthdrs"] == 5, x
# Chains of any length the kernel walks (hop-by-hop included in the count).
for name, hdrs in (("ipv6_chain_9", 9), ("ipv6_chain_41", 41), ("ipv6_chain_min_mtu", 150)):
    c = e(name)
    assert c["exthdrs"] == hdrs and c["dport"] == 9 and not c["truncated"], (name, c)
assert e("ipv6_chain_41")["mss"] == 1460
# First fragments: reported and flagged; nothing else is.
for name in ("ipv4_first_fragment", "ipv6_first_fragment"):
    f = e(name)
    assert f["frag"] is True and f["mss"] == 1460, (name, f)
assert e("ipv6_first_fragment")["exthdrs"] == 2
assert sum(v["frag"] for v in ev.values()) == 2, "frag on a whole packet"
print("odd events checked:", len(cases))
PY
errs=$(grep -c " error:" "$E2E_TMP/odd")
[ "$(ss_stat queues.0.decode_errors.tcp_doff)" = "$(grep -c 'error:tcp_doff' "$E2E_TMP/odd")" ] ||
	e2e_fail "tcp_doff count"
[ "$(ss_stat queues.0.decode_errors.ipv6_exthdr)" = "$(grep -c 'error:ipv6_exthdr' "$E2E_TMP/odd")" ] ||
	e2e_fail "ipv6_exthdr count"
[ "$(ss_stat queues.0.opt_bad)" = 3 ] || e2e_fail "opt_bad count"
[ "$(ss_stat queues.0.received)" = $((n_sent + 1)) ] || e2e_fail "received count"
! holds || [ "$(ss_stat queues.0.verdicts)" = $((n_sent + 1)) ] || e2e_fail "verdict count"
lines=$(wc -l <"$E2E_TMP/err")
[ "$lines" -le 5 ] || e2e_fail "stderr has $lines lines (rate limit?)"
e2e_pass "$n_sent odd SYNs: $n_events reported, $errs counted as errors; stderr $lines lines"

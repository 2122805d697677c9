#!/usr/bin/env bash
# More than addresses: real Linux SYNs get a Linux-shaped fingerprint and
# hops 0; a SYN sent twice (same 4-tuple and ISN) is marked retx the second
# time; with --dedup the second one is dropped and counted instead.
. "$(dirname "$0")/lib.sh"
N=40
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json
listen_start 22 4
connect $LAB_V4_SRV 22 2
connect $LAB_V6_SRV 22 2
ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 4 -p 9 \
	-n $((2 * N)) -x 2 -r 5000 >/dev/null || e2e_fail "syngen raw"
wait_lines "$E2E_TMP/out" $((4 + 2 * N))
ss_stop
[ "$(ss_stat queues.0.retx)" = $N ] || e2e_fail "retx counter $(ss_stat queues.0.retx)"
python3 - "$E2E_TMP/out" $N <<'PY' || e2e_fail "fingerprints or retx marks wrong"
import json, re, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
real = [e for e in ev if e["dport"] == 22]
raw = [e for e in ev if e["dport"] == 9]
assert len(real) == 4 and len(raw) == 2 * n
for e in real:
    want = (r"^4:64\+0:0:1460:mss\*44,\d+:mss,sok,ts,nop,ws:df,id\+:0$" if e["family"] == "ipv4"
            else r"^6:64\+0:0:1440:mss\*45,\d+:mss,sok,ts,nop,ws:(flow)?:0$")
    assert re.match(want, e["fp"]), e["fp"]
    assert e["hops"] == 0 and e["retx"] is False and e["v_minor"] == 7, e
seen = {}
for e in raw:
    k = (e["src"], e["sport"], e["seq"])
    assert e["retx"] == (k in seen), (k, e["retx"])
    seen[k] = True
assert len(seen) == n
assert sum(e["retx"] for e in raw) == n
print("fingerprints and", n, "retransmits checked")
PY

# --dedup: the copies are dropped and counted, the originals reported.
ss_start "$E2E_TMP/out2" "$E2E_TMP/err2" --queue 1 --sink stdout:format=json --dedup 5
ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 4 -p 9 \
	-n $((2 * N)) -x 2 -r 5000 >/dev/null || e2e_fail "syngen raw"
lab_busywait 10000 live_stat_ge queues.0.retx $N || e2e_fail "dedup: retx counter"
ss_stop
[ "$(wc -l <"$E2E_TMP/out2")" = $N ] || e2e_fail "dedup: $(wc -l <"$E2E_TMP/out2") events, expected $N"
[ "$(ss_stat queues.0.received)" = $((2 * N)) ] || e2e_fail "dedup: received"
[ "$(ss_stat queues.0.events)" = $N ] || e2e_fail "dedup: events"
grep -q '"retx":true' "$E2E_TMP/out2" && e2e_fail "dedup: a retransmit was reported"
e2e_pass "Linux-shaped fp, hops 0; $N of $((2 * N)) marked retx; --dedup kept $N"

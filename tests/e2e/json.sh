#!/usr/bin/env bash
# --sink stdout:format=json: one valid object per connection, with the
# 4-tuple of the connection and the options a Linux SYN carries.
. "$(dirname "$0")/lib.sh"
N=20
e2e_init
lab_rules_add --queue 3
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 3 --sink stdout:format=json --stats-interval 1
listen_start 8080 $((2 * N))
connect $LAB_V4_SRV 8080 $N -c 4
connect $LAB_V6_SRV 8080 $N -c 4
wait_lines "$E2E_TMP/out" $((2 * N))
lab_busywait 5000 grep -q '"final":false' "$E2E_TMP/err" || e2e_fail "no periodic stats"
ss_stop
python3 - "$E2E_TMP/out" "$E2E_TMP/made" "$(ip netns exec "$LAB_SRV" hostname)" <<'PY' || e2e_fail "JSON check failed"
import json, re, sys
events = [json.loads(l) for l in open(sys.argv[1])]
made = set()
for l in open(sys.argv[2]):
    m = re.match(r"ok \[?([^\]]+?)\]?:(\d+) -> \[?([^\]]+?)\]?:(\d+)$", l.strip())
    made.add((m[1], int(m[2]), m[3], int(m[4])))
got = [(e["src"], e["sport"], e["dst"], e["dport"]) for e in events]
assert len(got) == len(set(got)) == len(made), (len(got), len(made))
assert set(got) == made, set(got) ^ made
for e in events:
    assert e["v"] == 1 and e["queue"] == 3
    assert e["host"] == sys.argv[3], e["host"]    # no --sensor: the host name
    assert e["family"] == ("ipv6" if ":" in e["src"] else "ipv4")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", e["ts"]), e["ts"]
    # What Linux puts in every SYN on this path
    assert e["mss"] == (1460 if e["family"] == "ipv4" else 1440), e
    assert e["sackok"] is True and "tsval" in e and "wscale" in e, e
    assert e["ttl"] == 64 and e["in"] == "s0" and e["mac"] is not None, e
    assert isinstance(e["seq"], int) and isinstance(e["win"], int)
    assert e["opts"][0] == "mss", e
print("checked", len(events), "events")
PY
e2e_pass "$((2 * N)) JSON events, fields checked"

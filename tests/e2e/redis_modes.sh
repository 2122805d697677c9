#!/usr/bin/env bash
# The Redis sink against a real redis-server with a password: XADD, LPUSH,
# RPUSH and PUBLISH at once, XADD over the unix socket into db 3, and XADD
# as an ACL user (username=), N connections per family -> exactly 2N in the
# stream, in each list and at a subscriber.  A wrong password (from a
# file; inline it would add a warning that it is visible): one line,
# non-zero exit, no queue bound.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=15
PASS=lab-secret
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6390 $PASS || e2e_fail "redis-server"

rc=0
install -m 600 /dev/null "$E2E_TMP/wrong"
echo wrong >"$E2E_TMP/wrong"
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 \
	--sink "redis:port=6390,password_file=$E2E_TMP/wrong" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] || e2e_fail "wrong password: exit $rc"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "wrong password said: $out"
case $out in *"AUTH refused"*) ;; *) e2e_fail "unclear: $out" ;; esac
lab_queue_bound 1 && e2e_fail "queue left bound"
echo "  wrong password -> $out"

# An ACL user for the username= path.
[ "$(rcli acl setuser synsink-lab on '>lab-user-pw' '~*' '&*' '+@all')" = OK ] || e2e_fail "ACL SETUSER"

rcli subscribe chan >"$E2E_TMP/sub" &
SUB_PID=$!
lab_busywait 5000 grep -q '^subscribe$' "$E2E_TMP/sub" || e2e_fail "subscriber not ready"

lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "redis:port=6390,password=$PASS,key=stream" \
	--sink "redis:port=6390,password=$PASS,mode=lpush,key=left" \
	--sink "redis:port=6390,password=$PASS,mode=rpush,key=right" \
	--sink "redis:port=6390,password=$PASS,mode=publish,key=chan" \
	--sink "redis:socket=$E2E_TMP/redis/redis.sock,password=$PASS,db=3,key=viasock" \
	--sink "redis:port=6390,username=synsink-lab,password=lab-user-pw,key=asuser"
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 3
connect $LAB_V6_SRV 22 $N -c 3
lab_busywait 10000 redis_len_is x stream $((2 * N)) || e2e_fail "XLEN $(rcli xlen stream)"
ss_stop
kill "$SUB_PID" 2>/dev/null

[ "$(rcli xlen stream)" = $((2 * N)) ] || e2e_fail "XLEN $(rcli xlen stream)"
[ "$(rcli llen left)" = $((2 * N)) ] || e2e_fail "LLEN left $(rcli llen left)"
[ "$(rcli llen right)" = $((2 * N)) ] || e2e_fail "LLEN right $(rcli llen right)"
[ "$(grep -c '^message$' "$E2E_TMP/sub")" = $((2 * N)) ] ||
	e2e_fail "subscriber got $(grep -c '^message$' "$E2E_TMP/sub")"
[ "$(rcli -n 3 xlen viasock)" = $((2 * N)) ] || e2e_fail "db 3 via the unix socket: $(rcli -n 3 xlen viasock)"
[ "$(rcli exists viasock)" = 0 ] || e2e_fail "db=3 ignored"
[ "$(rcli xlen asuser)" = $((2 * N)) ] || e2e_fail "the ACL user's stream: $(rcli xlen asuser)"
for i in 1 2 3 4 5 6; do
	[ "$(ss_stat sinks.$((i - 1)).delivered)" = $((2 * N)) ] || e2e_fail "sink $i delivered"
	[ "$(ss_stat sinks.$((i - 1)).failed)" = 0 ] || e2e_fail "sink $i failed"
done
[ "$(ss_stat sinks.3.sink)" = "redis#4" ] || e2e_fail "labels"

# The stream's fields are the event's; the lists and the channel hold JSON.
python3 - "$E2E_TMP/made" <<PY || e2e_fail "stream or list contents"
import json, re, subprocess, sys
def cli(*a):
    return subprocess.run(["ip", "netns", "exec", "$LAB_SRV", "redis-cli", "-p", "6390", *a],
        env={"REDISCLI_AUTH": "$PASS"}, capture_output=True, text=True, check=True).stdout.splitlines()
made = set()
for l in open(sys.argv[1]):
    m = re.match(r"ok \[?([^\]]+?)\]?:(\d+) -> \[?([^\]]+?)\]?:(\d+)$", l.strip())
    made.add((m[1], int(m[2]), m[3], int(m[4])))
right = [json.loads(x) for x in cli("lrange", "right", "0", "-1")]
left = [json.loads(x) for x in cli("lrange", "left", "0", "-1")]
assert left == right[::-1], "LPUSH is RPUSH reversed"
got = {(e["src"], e["sport"], e["dst"], e["dport"]) for e in right}
assert got == made, got ^ made
assert [e["id"] for e in right] == sorted(e["id"] for e in right), "order kept"
sys.path.insert(0, "$E2E_DIR")
from xrange import entries
stream = entries(cli("xrange", "stream", "-", "+"))
assert len(stream) == len(made), len(stream)
assert {(e["src"], int(e["sport"]), e["dst"], int(e["dport"])) for e in stream} == made
assert sum(e["family"] == "ipv6" for e in stream) == $N
assert all(e["v"] == "1" and e["opts"].startswith('["mss"') and "mac" in e for e in stream)
PY
e2e_pass "XADD/LPUSH/RPUSH/PUBLISH: $((2 * N)) each, exact; wrong password refused"

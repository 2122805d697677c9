#!/usr/bin/env bash
# fields=: stdout keeps six keys of the JSON event, in the schema's order
# though listed in another, with the values of the full event a file sink
# writes beside it; a Redis stream gets entries of exactly the two fields
# selected.  Refused at start, one line and exit 64: an unknown key, one
# given twice, a sink that writes text, keys of features that are off.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=15
# shellcheck disable=SC2034 # read by check_events (lib.sh): a selection
E2E_FIELDS=1
e2e_init
REDIS_AOF=no redis_start "$LAB_SRV" "$E2E_TMP/redis" 6420 || e2e_fail "redis-server"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink stdout:format=json,fields=dport,src,v,ts,dst,sport \
	--sink "file:path=$E2E_TMP/full.json,format=json" \
	--sink "redis:port=6420,key=s,fields=dport,src"
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N
connect $LAB_V6_SRV 22 $N
wait_lines "$E2E_TMP/out" $((2 * N))
lab_busywait 10000 redis_len_is x s $((2 * N)) || e2e_fail "XLEN $(rcli xlen s)"
ss_stop
rcli xrange s - + >"$E2E_TMP/xrange"
E2E_FIELDS='' check_events "$E2E_TMP/full.json"
python3 - "$E2E_TMP/out" "$E2E_TMP/full.json" "$E2E_TMP/xrange" "$N" <<'PY' || e2e_fail "fields check failed"
import json, sys
keys = ["v", "ts", "src", "sport", "dst", "dport"]
pairs = [json.loads(l, object_pairs_hook=list) for l in open(sys.argv[1])]
full = {(e["src"], e["sport"]): e for e in map(json.loads, open(sys.argv[2]))}
n = int(sys.argv[4])
assert len(pairs) == len(full) == 2 * n, (len(pairs), len(full))
for p in pairs:
    assert [k for k, _ in p] == keys, p
    d = dict(p)
    f = full[(d["src"], d["sport"])]
    assert all(d[k] == f[k] for k in keys), (d, f)
# redis-cli xrange: per entry its id, then field and value lines
lines = open(sys.argv[3]).read().split("\n")
entries = [lines[i + 1:i + 5] for i in range(0, len(lines) - 1, 5)]
assert len(entries) == 2 * n, len(entries)
for e in entries:
    assert e[0] == "src" and e[2] == "dport", e
    assert (e[1], 22) in {(s, f["dport"]) for (s, _), f in full.items()}, e
print("checked", len(pairs), "selected events and", len(entries), "stream entries")
PY
bytes_sel=$(wc -c <"$E2E_TMP/out")
bytes_full=$(wc -c <"$E2E_TMP/full.json")

# refused ARGS... WHAT: exit 64 (usage), one line naming WHAT.
refused() { local what=${*: -1}; ss_refused 64 "$what" --queue 1 "${@:1:$#-1}"; }
refused --sink stdout:format=json,fields=src,sourceip "'sourceip' is not a key of the JSON event"
refused --sink stdout:format=json,fields=src,dst,src "'src' given twice"
refused --sink stdout:format=json,fields=src,,dst "empty option"
refused --sink stdout:fields=src "this sink writes text (format=json)"
refused --sink syslog:fields=src "this sink writes text (format=json)"
refused --p0f-db none --sink stdout:format=json,fields=src,os "'os' needs a p0f database"
refused --sink stdout:format=json,fields=uid "'uid' needs --owner"
refused --owner --sink stdout:format=json,fields=uid,pid "'pid' needs --owner=full"
redis_stop
e2e_pass "$((2 * N)) events with 6 keys ($bytes_sel bytes against $bytes_full in full), $((2 * N)) stream entries of 2 fields; 8 refusals in one line"

#!/usr/bin/env bash
# A damaged spool: a flipped byte in one record, a torn tail, a zero-length
# segment.  The damaged records are counted and skipped, the rest is
# delivered, synsink exits 0.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=6000
e2e_init
SPOOL=$E2E_TMP/spool
lab_rules_add --queue 1
# No Redis: everything ends up in the spool at the stop.
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --flush-timeout 200 \
	--sink "redis:port=6397,key=s,buffer=500,spool=$SPOOL"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r 5000 -t 30 >/dev/null ||
	e2e_fail "syngen raw"
lab_busywait 10000 live_stat_ge sinks.0.seen $N || e2e_fail "seen $(ss_live_stat sinks.0.seen)"
ss_stop
[ "$(ss_stat sinks.0.spooled)" = $N ] || e2e_fail "spooled $(ss_stat sinks.0.spooled)"
nseg=$(find "$SPOOL" -name '*.seg' | wc -l)
[ "$nseg" -ge 2 ] || e2e_fail "only $nseg segments"
python3 - "$SPOOL" <<'PY' || e2e_fail "damaging the spool"
import os, struct, sys
d = sys.argv[1]
segs = sorted(f for f in os.listdir(d) if f.endswith(".seg"))
first, last = os.path.join(d, segs[0]), os.path.join(d, segs[-1])
with open(first, "r+b") as f:
    f.seek(16 + 4)
    rec = 12 + struct.unpack("<I", f.read(4))[0]
    f.seek(16 + 10 * rec + 40)      # one byte of record 10's event
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0xff]))
size = os.path.getsize(last)
os.truncate(last, size - 7)         # the last record torn
open(os.path.join(d, "%016x.seg" % (int(segs[-1][:16], 16) + 1)), "w").close()
PY
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6397 || e2e_fail "redis-server"
ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --queue 1 --sink "redis:port=6397,key=s,spool=$SPOOL"
lab_busywait 30000 redis_len_is x s $((N - 2)) || e2e_fail "XLEN $(rcli xlen s) of $((N - 2))"
lab_busywait 10000 not live_stat_ge sinks.0.spooled 1 || e2e_fail "spool not empty"
ss_stop
[ "$(rcli xlen s)" = $((N - 2)) ] || e2e_fail "XLEN $(rcli xlen s)"
[ "$(ss_stat sinks.0.spool_corrupt)" = 2 ] || e2e_fail "corrupt $(ss_stat sinks.0.spool_corrupt)"
[ "$(ss_stat sinks.0.spool.bad_segments)" = 1 ] || e2e_fail "bad segments $(ss_stat sinks.0.spool.bad_segments)"
grep -q "not a spool segment" "$SS_ERR" || e2e_fail "no line about the bad segment"
redis_stop
e2e_pass "$N spooled; a flipped byte and a torn tail: 2 counted and skipped, an empty segment set aside, $((N - 2)) delivered"

#!/usr/bin/env bash
# A full spool, while the sink is away: spool_max reached, and a full
# filesystem (a 128 KiB tmpfs in a private mount namespace).  What does
# not fit is dropped and counted (dropped_spool), every event accounted
# for; capture does not notice: no kernel drops, a verdict for every
# packet, and verdict p99 in the latency bucket of a run without a spool,
# or the next one, or at most the 200 us bucket (below): at 5k/s the p99
# sits at the 2 us bucket edge and
# crosses it from run to run with no spool at all.  Each burst lasts 4 s
# (20 000 SYNs): one scheduling stall of a few ms on a busy 2-vCPU runner
# delays some 25 SYNs, which in a 1 s burst was half of the 1% that p99
# leaves out, and once moved p99 by three buckets in CI.  The runs without
# a spool are two, before and after, and the slower one is the base.  The sink thread
# runs at nice 19 in every run (sink_nice): what is measured is whether
# capture waits for the spool, not whether the two threads share a CPU
# (under ASan on a 2-vCPU runner a spooling sink thread took the capture
# thread's CPU: p99 in the 10 ms bucket, 200 us without a spool).
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=20000 B=500
e2e_init
lab_rules_add --queue 1

# sink_nice: synsink's sink threads at nice 19 (after ss_start).
sink_nice() {
	local tid
	for tid in $(ps -L -o tid=,comm= -p "$SS_PID" | awk '$2 ~ /^sink\// {print $1}'); do
		renice -n 19 -p "$tid" >/dev/null || e2e_fail "renice $tid"
	done
}

# burst: N raw SYNs at 5k/s, then the stop; checks capture's counters.
burst() {
	sink_nice
	lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r 5000 -t 30 >/dev/null ||
		e2e_fail "syngen raw"
	lab_busywait 20000 live_stat_ge sinks.0.seen $N || e2e_fail "seen $(ss_live_stat sinks.0.seen)"
	ss_stop
	for k in kernel.queue_dropped kernel.user_dropped id_gaps enobufs; do
		[ "$(ss_stat queues.0.$k)" = 0 ] || e2e_fail "$1: queue $k $(ss_stat queues.0.$k)"
	done
	[ "$(ss_stat queues.0.verdicts)" = $N ] || e2e_fail "$1: verdicts $(ss_stat queues.0.verdicts)"
}

# accounted NAME: every event is pending, spooled or dropped for a full
# spool; some were dropped.
accounted() {
	local pend spooled dropped
	pend=$(ss_stat sinks.0.pending) spooled=$(ss_stat sinks.0.spooled)
	dropped=$(ss_stat sinks.0.dropped_spool)
	[ "$dropped" -gt 0 ] || e2e_fail "$1: nothing dropped"
	[ $((pend + spooled + dropped)) = $N ] ||
		e2e_fail "$1: pending $pend + spooled $spooled + dropped $dropped != $N"
	[ "$(ss_stat sinks.0.spool.io_errors)" = 0 ] || e2e_fail "$1: io errors"
	echo "$dropped"
}

# nospool ERR: a run without a spool (Redis goes away after the start);
# its p99 bucket on stdout.
nospool() {
	redis_start "$LAB_SRV" "$E2E_TMP/redis" 6398 || e2e_fail "redis-server"
	ss_start "$E2E_TMP/out" "$1" --queue 1 --flush-timeout 100 \
		--sink "redis:port=6398,key=s,buffer=$B"
	redis_stop
	burst "no spool" >&2
	ss_p99_bucket
}
base=$(nospool "$E2E_TMP/err0")

ss_start "$E2E_TMP/out" "$E2E_TMP/err1" --queue 1 --flush-timeout 100 \
	--sink "redis:port=6398,key=s,buffer=$B,spool=$E2E_TMP/spool,spool_max=64K"
burst spool_max
d1=$(accounted spool_max)
p1=$(ss_p99_bucket)

mkdir "$E2E_TMP/small"
cat >"$E2E_TMP/wrap.sh" <<EOS
mount -t tmpfs -o size=128k,mode=700 spool-full "$E2E_TMP/small" && exec "\$@"
EOS
SS_WRAP="unshare --mount --propagation private sh $E2E_TMP/wrap.sh" \
	ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --queue 1 --flush-timeout 100 \
	--sink "redis:port=6398,key=s,buffer=$B,spool=$E2E_TMP/small/spool"
burst "full disk"
d2=$(accounted "full disk")
p2=$(ss_p99_bucket)
# A second run without a spool, after: the bound is a bucket over the
# slower of the two, which move a bucket or two from run to run.
base2=$(nospool "$E2E_TMP/err3")
[ "$base2" -le "$base" ] || base=$base2
# Under ASan (ci/test's second pass) the timing is ASan's: code two to
# three times slower, and there p99 moved up to three buckets between
# runs, with the sink thread niced or not.  The buckets are said, and
# compared in the plain build's pass.
if lab_has libasan ldd "$SYNSINK"; then
	e2e_pass "spool_max 64K: $d1 dropped and counted; full tmpfs: $d2; capture's counters untouched; ASan build: verdict p99 buckets $p1/$p2, $base without a spool, compared only in the plain build"
	exit 0
fi
# The bound: a bucket over the slower run without a spool, but never below
# the 200 us bucket (index 7).  The buckets up to 20 us are finer than
# this machine's noise (a 2-vCPU runner once put p99 at 20 us, bucket 4,
# against 5 us, bucket 2, without a spool: CI, 2026-12-03), while a
# capture that waited on the spool's disk (a write, an fdatasync) would
# sit at a millisecond or more, bucket 9 and up.
bound=$((base + 1 > 7 ? base + 1 : 7))
[ "$p1" -le "$bound" ] && [ "$p2" -le "$bound" ] ||
	e2e_fail "verdict p99 bucket $p1 (spool_max) / $p2 (full disk), $base without a spool (bound $bound)"
e2e_pass "spool_max 64K: $d1 dropped and counted; full tmpfs: $d2; capture untouched, verdict p99 in bucket $p1/$p2 (no spool: $base)"

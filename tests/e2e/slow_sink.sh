#!/usr/bin/env bash
# A sink slower than the SYNs (each write takes 100 us an event: 10k/s
# against 20k/s offered, for 4 s) while a backlog builds in its queue: the
# sink thread still empties its ring between writes, so nothing is
# dropped there; every event is delivered once the burst is over.  Each
# write of a full batch (4096 events) takes 0.4 s, in which 8192 SYNs
# arrive: the ring (16384) holds them.  Before the offer phase was bounded
# in time, the thread offered everything its queue held, up to eight
# batches in a row (3.3 s), without looking at its ring: what arrived
# meanwhile doubled each round until the ring overflowed.
. "$(dirname "$0")/lib.sh"
: "${E2E_PLUGIN_DIR:?set by ctest}"
N=80000 RATE=20000
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --plugin-dir "$E2E_PLUGIN_DIR" \
	--sink block:hold_ms=0,event_us=100,ring=16384
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 4 -p 9 -n $N -r $RATE -t 20 >/dev/null ||
	e2e_fail "syngen raw"
events() { [ "$(ss_live_stat queues.0.events)" = $N ]; }
lab_busywait 10000 events || e2e_fail "captured $(ss_live_stat queues.0.events) of $N"
taken() { [ "$(ss_live_stat sinks.0.plugin.taken)" = $N ]; }
lab_busywait 30000 taken || e2e_fail "the sink took $(ss_live_stat sinks.0.plugin.taken) of $N"
ss_stop
for k in dropped dropped_ring dropped_buffer failed; do
	[ "$(ss_stat sinks.0.$k)" = 0 ] || e2e_fail "$k: $(ss_stat sinks.0.$k)"
done
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered) of $N"
e2e_pass "$N SYNs at $RATE/s into a sink of 10k/s: every one delivered, none dropped at the ring"

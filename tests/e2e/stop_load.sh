#!/usr/bin/env bash
# A clean stop under load accepts every packet it was given.  SIGTERM
# while 20k SYN/s flood the queue and real connections are being made,
# three times over: every packet synsink read got its verdict (received =
# verdicts), no real connection waited for a SYN retransmit (1 s), and
# all of them succeeded.  (Before: packets queued between the last /proc
# read and the unbind were dropped by the kernel's flush at unbind: in 5
# runs of 6, received exceeded verdicts and a connection took 1 s.)
. "$(dirname "$0")/lib.sh"
CYCLES=3
CONNS=400	# per cycle, at 200/s: they span the SIGTERM
e2e_init
lab_rules_add --queue 1
listen_start 22 $((CYCLES * CONNS))
for c in $(seq $CYCLES); do
	ss_start "$E2E_TMP/out.$c" "$E2E_TMP/err.$c" --queue 1
	lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n 80000 -r 20000 -t 10 \
		>/dev/null 2>&1 &
	gen=$!
	lab_cli "$SYNGEN" connect -a $LAB_V4_SRV -p 22 -n $CONNS -c 4 -r 200 -l -t 30 \
		>/dev/null 2>"$E2E_TMP/lat.$c" &
	con=$!
	# Stop in the thick of it: well into the flood, with connects under way.
	lab_busywait 10000 live_stat_ge queues.0.events 20000 || e2e_fail "cycle $c: load did not arrive"
	ss_stop
	wait "$con" || e2e_fail "cycle $c: connections failed: $(tail -n 2 "$E2E_TMP/lat.$c")"
	kill "$gen" 2>/dev/null || true	# it may have finished
	wait "$gen" 2>/dev/null || true
	rx=$(ss_stat queues.0.received) vd=$rx
	holds && vd=$(ss_stat queues.0.verdicts)
	[ "$rx" = "$vd" ] || e2e_fail "cycle $c: received $rx, verdicts $vd"
	max=$(sed -n 's/^latency_us .* max \([0-9]*\)$/\1/p' "$E2E_TMP/lat.$c")
	[ -n "$max" ] || e2e_fail "cycle $c: no latency line"
	[ "$max" -lt 900000 ] || e2e_fail "cycle $c: a connection took $max us (a SYN was dropped)"
	echo "  cycle $c: received = verdicts = $rx; $CONNS connections, slowest $max us"
done
e2e_pass "$CYCLES stops under load, no packet left without a verdict"

#!/usr/bin/env bash
# The ebpf source (--source ebpf:IFACE): a tc program on s0 copies each
# SYN's headers into a ring buffer; no rule anywhere, nothing held.
#   1. The odd set through NFQUEUE, then through the program with every
#      rule gone: the same events field by field (but source, queue, id
#      and ts), the same decode errors.
#   2. Real v4 and v6 connections: exactly 2N events more, the program's
#      seen equal to what was read, lost 0; /metrics says so under
#      ring="0".  A tc filter of another program on s0 at priority 1 is
#      left as it was, before, during and after.
#   3. Overflow: a flat-out flood into a 4 KiB ring while the reader is
#      stopped (SIGSTOP): the program saw every SYN sent, and seen =
#      received + lost, exactly, lost > 0; the default ring, reading, the
#      same flood: lost 0, every SYN an event.
#   4. SIGKILL, then start again: one filter of ours on each hook, not two,
#      and events flow; after a clean stop, none.
#   5. One line and exit 1: a bogus interface (--check-config: exit 64), a
#      device without Ethernet frames (tun),
#      our place held by another filter, and without CAP_BPF/CAP_SYS_ADMIN
#      or CAP_NET_ADMIN.
#   6. With --user nobody: the filters are still detached at the stop.
. "$(dirname "$0")/lib.sh"
N=10
FLOOD=${EBPF_FLOOD:-30000}
METRICS=127.0.0.1:9472
e2e_init

# filters HOOK: our filters (handle 0x5359) on s0's hook, counted.
filters() {
	local out
	out=$(lab_srv tc filter show dev s0 "$1")
	grep -c 'handle 0x5359 ' <<<"$out" || true
}
no_rules() {
	local out
	out=$(lab_srv iptables-save -t raw; lab_srv ip6tables-save -t raw; lab_srv nft list ruleset)
	not grep -q -e NFQUEUE -e NFLOG -e ' log ' -e queue <<<"$out" || e2e_fail "a rule is there: $out"
}

# --- 1. the same events as NFQUEUE's -------------------------------------
n_events=0 # odd_nfqueue sets it
odd_nfqueue
no_rules

# Somebody else's tc program on s0 (classic BPF through cls_bpf, matching
# nothing, so the next filter runs: a match would end the hook's walk
# before ours, as tc does for any two filters): ours goes beside it, and it
# stays.
lab_srv tc qdisc add dev s0 clsact
lab_srv tc filter add dev s0 ingress prio 1 handle 1 bpf bytecode '1,6 0 0 0,'
other() { lab_has 'pref 1 bpf chain 0 handle 0x1 ' lab_srv tc filter show dev s0 ingress; }
ss_start "$E2E_TMP/e.out" "$E2E_TMP/e.err" --source ebpf:s0 --sink stdout:format=json \
	--metrics $METRICS
grep -q "listening on ebpf on s0 (both)" "$SS_ERR" || e2e_fail "not listening on s0"
[ "$(filters ingress)" = 1 ] && [ "$(filters egress)" = 1 ] || e2e_fail "our filters are not there"
other || e2e_fail "the other filter went at our start"
odd_set "$E2E_TMP/odd.e"
wait_lines "$E2E_TMP/e.out" "$n_events"
python3 "$E2E_DIR/same-events.py" "$E2E_TMP/q.out" "$E2E_TMP/e.out" ebpf queue ||
	e2e_fail "the ebpf source's events differ from NFQUEUE's"

# --- 2. real connections --------------------------------------------------
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N
connect $LAB_V6_SRV 22 $N
wait_lines "$E2E_TMP/e.out" $((n_events + 2 * N))
metrics=$(lab_srv curl -sf "http://$METRICS/metrics")
for want in "synsink_events_total{ring=\"0\"} $((n_events + 2 * N))" \
	'synsink_ebpf_lost_total{ring="0"} 0' 'synsink_decode_errors_total{ring="0",kind='; do
	grep -qF "$want" <<<"$metrics" || e2e_fail "/metrics has no '$want'"
done
seen=$(awk '/^synsink_ebpf_seen_total\{ring="0"\}/ { print $2 }' <<<"$metrics")
received=$(awk '/^synsink_packets_received_total\{ring="0"\}/ { print $2 }' <<<"$metrics")
[ -n "$seen" ] && [ "$seen" = "$received" ] || e2e_fail "/metrics: seen $seen, received $received"
not grep -q 'synsink_verdict' <<<"$(grep -v '^#' <<<"$metrics")" || e2e_fail "/metrics has verdicts"
ss_stop
[ "$(ss_stat rings.0.events)" = $((n_events + 2 * N)) ] || e2e_fail "events $(ss_stat rings.0.events)"
[ "$(ss_stat rings.0.lost)" = 0 ] || e2e_fail "lost $(ss_stat rings.0.lost)"
python3 - "$E2E_TMP/q.err" "$E2E_TMP/e.err" <<'PY' || e2e_fail "decode errors differ"
import json, sys
def final(path):
    return [json.loads(l) for l in open(path) if '"final":true' in l][-1]["stats"]
q, e = final(sys.argv[1]), final(sys.argv[2])
assert q["queues"][0]["decode_errors"] == e["rings"][0]["decode_errors"], (q, e)
PY
[ "$(filters ingress)" = 0 ] && [ "$(filters egress)" = 0 ] || e2e_fail "our filters stayed after the stop"
other || e2e_fail "the other filter went at our stop"
lab_srv tc filter del dev s0 ingress prio 1

# --- 3. overflow: lost is counted, exactly --------------------------------
# flood RING [stall]: FLOOD raw SYNs flat out (with stall, while synsink is
# stopped), then one real connection, which must arrive.  Sets seen,
# received, lost, events.
flood() {
	ss_start "$E2E_TMP/f.out" "$E2E_TMP/f.err" --source ebpf:s0 --ebpf-ring "$1" \
		--sink "file:path=$E2E_TMP/f.json,format=json"
	flood_then_one "$FLOOD" "${2:-}"
	lab_busywait 20000 sh -c "[ -s '$E2E_TMP/f.json' ] && grep -q '\"dport\":23,' '$E2E_TMP/f.json'" ||
		e2e_fail "the connection after the flood is not there: synsink stopped?"
	ss_stop
	seen=$(ss_stat rings.0.seen) received=$(ss_stat rings.0.received)
	lost=$(ss_stat rings.0.lost) events=$(wc -l <"$E2E_TMP/f.json")
	[ "$seen" = $((FLOOD + 1)) ] || e2e_fail "the program saw $seen of $((FLOOD + 1)) sent"
	[ $((received + lost)) = "$seen" ] ||
		e2e_fail "received $received + lost $lost != $seen the program saw"
	[ "$events" = "$received" ] || e2e_fail "$events events of $received received"
	rm -f "$E2E_TMP/f.json"
}
flood 4096 stall
[ "$lost" -gt 0 ] || e2e_fail "a stopped reader and a 4 KiB ring lost nothing"
said="4 KiB ring, reader stopped: seen $seen = received $received + lost $lost"
flood 4194304
[ "$lost" = 0 ] || e2e_fail "the default ring lost $lost"
said+="; default ring: $received events of $seen, lost 0"
echo "  $said"

# --- 4. SIGKILL, then start again -----------------------------------------
ss_start "$E2E_TMP/k.out" "$E2E_TMP/k.err" --source ebpf:s0 --sink stdout:format=json
kill -KILL "$SS_PID"
wait "$SS_PID" || true
SS_PID=""
[ "$(filters ingress)" = 1 ] && [ "$(filters egress)" = 1 ] ||
	e2e_fail "after SIGKILL: $(lab_srv tc filter show dev s0 ingress)"
ss_start "$E2E_TMP/k.out" "$E2E_TMP/k2.err" --source ebpf:s0 --sink stdout:format=json
grep -q "s0 ingress: replacing the filter an earlier synsink left there" "$SS_ERR" ||
	e2e_fail "no word of the filter left"
[ "$(filters ingress)" = 1 ] && [ "$(filters egress)" = 1 ] ||
	e2e_fail "after the restart: $(lab_srv tc filter show dev s0 ingress)"
listen_start 24 1
connect $LAB_V4_SRV 24 1
wait_lines "$E2E_TMP/k.out" 1
ss_stop
[ "$(filters ingress)" = 0 ] && [ "$(filters egress)" = 0 ] || e2e_fail "filters left after the stop"

# --- 5. what stops it at start: one line, exit 1 --------------------------
ss_refused 1 "ebpf: no interface 'bogus0' here" --source ebpf:bogus0
ss_refused 1 "ebpf: no interface 'nope' here" --source ebpf:s0,nope
ss_refused 64 "ebpf: no interface 'bogus0' here" --check-config --source ebpf:bogus0
lab_srv ip tuntap add dev t0 mode tun
ss_refused 1 "ebpf: 't0' is not an Ethernet device (link type 65534)" --source ebpf:s0,t0
lab_has "configuration OK: ebpf on s0 (in)" lab_srv "$SYNSINK" --check-config --source ebpf:s0 \
	--ebpf-dir in || e2e_fail "--check-config refused ebpf:s0"
[ "$(filters ingress)" = 0 ] || e2e_fail "a refused start left a filter on s0"
lab_srv tc filter add dev s0 ingress prio 21337 handle 0x5359 bpf bytecode '1,6 0 0 4294967295,'
ss_refused 1 "holds another filter ('not a synsink program'); synsink will not replace it" \
	--source ebpf:s0
lab_srv tc filter del dev s0 ingress prio 21337
# Without the capabilities: synsink through setpriv, which takes them out
# of the bounding set (root's exec then cannot have them).
SYNSINK_REAL=$SYNSINK
SYNSINK="$E2E_TMP/nocap"
printf '#!/bin/sh\nexec setpriv --bounding-set %s -- "%s" "$@"\n' -bpf,-sys_admin "$SYNSINK_REAL" >"$SYNSINK"
chmod +x "$SYNSINK"
ss_refused 1 "ebpf: loading the program is not permitted (it needs CAP_BPF and CAP_NET_ADMIN)" \
	--source ebpf:s0
printf '#!/bin/sh\nexec setpriv --bounding-set %s -- "%s" "$@"\n' -net_admin "$SYNSINK_REAL" >"$SYNSINK"
ss_refused 1 "ebpf: s0 ingress: attaching is not permitted (it needs CAP_NET_ADMIN)" \
	--source ebpf:s0
SYNSINK=$SYNSINK_REAL
[ "$(filters ingress)" = 0 ] && [ "$(filters egress)" = 0 ] || e2e_fail "a refused start left a filter"

# --- 6. --user: the detach at the stop still works ------------------------
ss_start "$E2E_TMP/u.out" "$E2E_TMP/u.err" --source ebpf:s0 --user nobody \
	--sink stdout:format=json
listen_start 25 1
connect $LAB_V6_SRV 25 1
wait_lines "$E2E_TMP/u.out" 1
ss_stop
[ "$(filters ingress)" = 0 ] && [ "$(filters egress)" = 0 ] ||
	e2e_fail "filters left after a stop under --user"
e2e_pass "$n_events odd + $((2 * N)) real, no rule; $said; SIGKILL + restart: one filter"

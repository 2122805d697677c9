#!/usr/bin/env bash
# The NFLOG source (--source nflog): the kernel logs each SYN to a group,
# the packet goes on, synsink reads the copy.
#   1. The odd set through NFQUEUE, then through an nft `log group` rule:
#      the same events field by field (but source, id and ts), the same
#      decode errors.
#   2. Real v4 and v6 connections through that rule: exactly 2N events,
#      nothing lost; /metrics says so under group="1".
#   3. A second synsink on the same group: one line, exit 1, and the first
#      keeps receiving.
#   4. An iptables NFLOG rule, a small receive buffer and a reader that
#      stops (SIGSTOP) during a flood: the socket overruns (enobufs), every
#      SYN the rule counted is an event or counted lost, exactly, and
#      synsink goes on; with the default buffer, reading, the same flood
#      loses nothing.
#   5. SIGTERM under a flood, with a backlog unread (SIGSTOP): every SYN
#      the rule counted before the signal is an event or counted lost, and
#      no more than the rule counted in all.
. "$(dirname "$0")/lib.sh"
N=10
FLOOD=${NFLOG_FLOOD:-30000}
TFLOOD=300000 # 3 s at 100k/s: under way before, during and after the stop
e2e_init

# --- 1. the same events as NFQUEUE's -------------------------------------
n_events=0 # odd_nfqueue sets it
odd_nfqueue

LAB_RULES_BACKEND=nft lab_rules_add --target log --group 1
lab_has 'log group 1' lab_srv nft list table inet synsink || e2e_fail "no nft log rule"
ss_start "$E2E_TMP/l.out" "$E2E_TMP/l.err" --source nflog:1 --sink stdout:format=json \
	--metrics 127.0.0.1:9465
grep -q "listening on nflog group 1" "$SS_ERR" || e2e_fail "not listening on the group"
odd_set "$E2E_TMP/odd.l"
wait_lines "$E2E_TMP/l.out" "$n_events"
python3 "$E2E_DIR/same-events.py" "$E2E_TMP/q.out" "$E2E_TMP/l.out" nflog ||
	e2e_fail "NFLOG's events differ from NFQUEUE's"

# --- 2. real connections --------------------------------------------------
listen_start 22 $((2 * N + 1))
connect $LAB_V4_SRV 22 $N
connect $LAB_V6_SRV 22 $N
wait_lines "$E2E_TMP/l.out" $((n_events + 2 * N))

# --- 3. the group is ours: a second synsink is refused --------------------
rc=0
ip netns exec "$LAB_SRV" "$SYNSINK" --source nflog:1 >/dev/null 2>"$E2E_TMP/second.err" || rc=$?
[ "$rc" = 1 ] || e2e_fail "a second synsink on group 1 exited $rc: $(cat "$E2E_TMP/second.err")"
[ "$(wc -l <"$E2E_TMP/second.err")" = 1 ] &&
	grep -q "nflog group 1 is already bound by another process" "$E2E_TMP/second.err" ||
	e2e_fail "second synsink said: $(cat "$E2E_TMP/second.err")"
connect $LAB_V4_SRV 22 1
wait_lines "$E2E_TMP/l.out" $((n_events + 2 * N + 1))
# /metrics labels the group's series group="1", has its lost, no verdicts.
lab_srv curl -sS -o "$E2E_TMP/metrics" http://127.0.0.1:9465/metrics || e2e_fail "curl"
/usr/bin/python3 "$E2E_DIR/promcheck.py" "$E2E_TMP/metrics" || e2e_fail "not valid Prometheus text"
grep -qx "synsink_events_total{group=\"1\"} $((n_events + 2 * N + 1))" "$E2E_TMP/metrics" &&
	grep -qx 'synsink_nflog_lost_total{group="1"} 0' "$E2E_TMP/metrics" &&
	! grep -q '^synsink_verdicts_total{' "$E2E_TMP/metrics" ||
	e2e_fail "/metrics: $(grep -E '^synsink_(events|nflog_lost|verdicts)_total' "$E2E_TMP/metrics")"
ss_stop
[ "$(grep -c '"dport":22,' "$E2E_TMP/l.out")" = $((2 * N + 1)) ] ||
	e2e_fail "$(grep -c '"dport":22,' "$E2E_TMP/l.out") connection events, expected $((2 * N + 1))"
[ "$(grep -c '"source":"nflog"' "$E2E_TMP/l.out")" = $((n_events + 2 * N + 1)) ] ||
	e2e_fail "events without source nflog"
[ "$(ss_stat groups.0.lost)" = 0 ] || e2e_fail "lost $(ss_stat groups.0.lost) at a trickle"
python3 - "$E2E_TMP/q.err" "$E2E_TMP/l.err" <<'PY' || e2e_fail "decode errors differ"
import json, sys
def final(path):
    for line in open(path):
        if '"final":true' in line:
            return json.loads(line)["stats"]
q, l = final(sys.argv[1]), final(sys.argv[2])
assert q["queues"][0]["decode_errors"] == l["groups"][0]["decode_errors"], (q, l)
PY
lab_rules_del

# --- 4. overrun: lost is counted, exactly ---------------------------------
# flood RCVBUF [stall]: FLOOD raw SYNs flat out (with stall, while synsink
# is stopped), then one real connection (its number shows any gap at the
# end of the flood); the rule's own counter against what synsink received
# and counted lost.
flood() {
	# sets pkts, received, lost, enobufs for the caller
	LAB_RULES_BACKEND=iptables lab_rules_add --target log --group 2
	ss_start "$E2E_TMP/f.out" "$E2E_TMP/f.err" --source nflog:2 --nflog-rcvbuf "$1" \
		--sink "file:path=$E2E_TMP/f.json,format=json"
	flood_then_one "$FLOOD" "${2:-}"
	pkts=$(LAB_RULES_BACKEND=iptables lab_rules_count)
	[ "$pkts" = $((FLOOD + 1)) ] || e2e_fail "the rule counted $pkts, sent $((FLOOD + 1))"
	lab_busywait 20000 sh -c "[ -s '$E2E_TMP/f.json' ] && grep -q '\"dport\":23,' '$E2E_TMP/f.json'" ||
		e2e_fail "the connection after the flood is not there: synsink stopped?"
	ss_stop
	received=$(ss_stat groups.0.received) lost=$(ss_stat groups.0.lost)
	enobufs=$(ss_stat groups.0.enobufs) events=$(wc -l <"$E2E_TMP/f.json")
	[ $((received + lost)) = "$pkts" ] ||
		e2e_fail "received $received + lost $lost != $pkts the rule counted"
	[ "$events" = "$received" ] || e2e_fail "$events events of $received received"
	lab_rules_del
	rm -f "$E2E_TMP/f.json"
}
flood 65536 stall
[ "$lost" -gt 0 ] && [ "$enobufs" -gt 0 ] ||
	e2e_fail "a 64 KiB buffer, not read, did not overrun (lost $lost, enobufs $enobufs)"
small="64 KiB not read for a while: $pkts = received $received + lost $lost, enobufs $enobufs"
flood 0
[ "$lost" = 0 ] || e2e_fail "the default buffer lost $lost of $pkts"
default="$received of $pkts, lost 0"
# --- 5. SIGTERM under a flood ---------------------------------------------
# rule_ge N: the rule has counted at least N packets.
rule_ge() { [ "$(LAB_RULES_BACKEND=nft lab_rules_count)" -ge "$1" ]; }
LAB_RULES_BACKEND=nft lab_rules_add --target log --group 3
ss_start "$E2E_TMP/t.out" "$E2E_TMP/t.err" --source nflog:3 \
	--sink "file:path=$E2E_TMP/t.json,format=json"
ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
	-p 9 -n "$TFLOOD" -r 100000 -t 60 >"$E2E_TMP/traw" &
raw_pid=$!
lab_busywait 20000 rule_ge 20000 || e2e_fail "the flood did not start"
kill -STOP "$SS_PID"
c=$(LAB_RULES_BACKEND=nft lab_rules_count)
lab_busywait 20000 rule_ge $((c + 10000)) || e2e_fail "the flood stopped"
before=$(LAB_RULES_BACKEND=nft lab_rules_count)
kill -TERM "$SS_PID"
kill -CONT "$SS_PID"
ss_stop
wait "$raw_pid" || e2e_fail "syngen raw: $(cat "$E2E_TMP/traw")"
all=$(LAB_RULES_BACKEND=nft lab_rules_count)
received=$(ss_stat groups.0.received) lost=$(ss_stat groups.0.lost)
# (the backlog reaches the file sink at once: its ring may drop some,
# counted, and check_accounts has seen that add up)
events=$(ss_stat groups.0.events)
[ "$(wc -l <"$E2E_TMP/t.json")" = "$(ss_stat sinks.0.delivered)" ] || e2e_fail "lines != delivered"
[ $((received + lost)) -ge "$before" ] ||
	e2e_fail "received $received + lost $lost < $before counted before SIGTERM"
[ $((received + lost)) -le "$all" ] || e2e_fail "received $received + lost $lost > $all counted"
[ "$events" = "$received" ] || e2e_fail "$events events of $received received"
lab_lacks "at the stop" cat "$SS_ERR" || e2e_fail "$(grep 'at the stop' "$SS_ERR")"
lab_rules_del
stop="SIGTERM under a flood, $((all - before)) SYNs after it, a backlog unread: $before counted before <= received $received + lost $lost <= $all"

e2e_pass "odd set as NFQUEUE's; $((2 * N + 1)) connections; group held; $small; default buffer: $default; $stop"

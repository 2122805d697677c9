#!/usr/bin/env bash
# The alert rules (dist/prometheus/synsink-rules.yml) against a real
# Prometheus scraping two real synsinks every second: A holds SYNs
# (NFQUEUE, queue 1: stdout, Redis, and a slow sink with a 64 KiB spool;
# --config, --owner=full), B watches them (NFLOG group 2, a small receive
# buffer).  The rules run as shipped but 60 times faster: every "Nm" of
# for: and keep_firing_for: becomes "Ns".  Background SYNs at 2/s.
#
# Each fault is caused for real; the test waits until /api/v1/alerts shows
# the matching alert firing and no other, clears the fault, and waits
# until nothing fires:
#   1. a reload of a broken config  -> SynsinkReloadFailed  (fixed, reloaded)
#   2. Redis stopped                -> SynsinkSinkFailing   (Redis back)
#   3. B stopped under a flood      -> SynsinkKernelDropping (the group
#      overruns: lost, enobufs)                             (10 s after)
#   4. a burst past the slow sink   -> SynsinkSpoolFilling  (delivered)
#      (20 events/s, 64 KiB spool)
#   5. no SYN at all                -> SynsinkNoSyns        (traffic again)
#      (background stopped)
# Then the dashboard (dist/grafana/synsink.json): its JSON has the fields
# Grafana needs, and every panel's every query returns at least one
# series from this Prometheus.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
. "$E2E_DIR/../../lab/prometheus.sh"
RULES=$E2E_DIR/../../dist/prometheus/synsink-rules.yml
DASHBOARD=$E2E_DIR/../../dist/grafana/synsink.json
A_METRICS=127.0.0.1:9481
B_METRICS=127.0.0.1:9482
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6390 || e2e_fail "redis-server"
sed -E 's/^( *(for|keep_firing_for): [0-9]+)m$/\1s/' "$RULES" >"$E2E_TMP/rules.yml"
grep -Eq '^ *(for|keep_firing_for): [0-9]+m$' "$E2E_TMP/rules.yml" && e2e_fail "a duration left in minutes"

# A's config: written whole, then renamed into place.
conf() {
	{
		echo "metrics = $A_METRICS"
		echo "owner = full"
		echo "[sink file]"
		echo "path = $E2E_TMP/a.json"
		echo "[sink redis]"
		echo "port = 6390"
		echo "mode = rpush"
		echo "key = syn"
		echo "[sink block]"
		echo "hold_ms = 0"
		echo "event_us = 50000"
		echo "buffer = 2"
		echo "spool = $E2E_TMP/spool"
		echo "spool_max = 64K"
		[ -z "${1:-}" ] || echo "$1"
	} >"$E2E_TMP/a.conf.new"
	mv "$E2E_TMP/a.conf.new" "$E2E_TMP/a.conf"
}
conf
# The NFLOG rule goes in front of the NFQUEUE one: both see every SYN but
# the flood of fault 3 (from FLOOD_SRC), which only B is to see.
FLOOD_SRC=198.18.0.40
lab_rules_add --queue 1
lab_srv iptables -w -t raw -I PREROUTING -s $FLOOD_SRC/29 -p tcp -j ACCEPT
LAB_RULES_BACKEND=iptables lab_rules_add --target log --group 2
ss_start "$E2E_TMP/a.out" "$E2E_TMP/a.err" --queue 1 --config "$E2E_TMP/a.conf" \
	--plugin-dir "$E2E_PLUGIN_DIR"
ip netns exec "$LAB_SRV" "$SYNSINK" --source nflog:2 --nflog-rcvbuf 65536 \
	--metrics "$B_METRICS" --sink "file:path=$E2E_TMP/b.json" >"$E2E_TMP/b.out" 2>"$E2E_TMP/b.err" &
B_PID=$!
lab_busywait 30000 grep -q "synsink: listening on" "$E2E_TMP/b.err" || e2e_fail "B did not start"

# background: SYNs at 2/s until stopped (and at most 400 s).  $! is
# syngen itself (ip netns exec execs it; a function would be a subshell).
background() {
	ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n 800 -r 2 -t 400 \
		>>"$E2E_TMP/bg.raw" 2>&1 &
	BG=$!
}
background_stop() {
	kill "$BG"
	wait "$BG" 2>/dev/null || true # its SIGTERM status
}
background
lab_busywait 10000 live_stat_ge queues.0.events 5 || e2e_fail "no background SYN reached A"
prom_start "$LAB_SRV" "$E2E_TMP/prom" 9490 "$E2E_TMP/rules.yml" "$A_METRICS" "$B_METRICS" ||
	e2e_fail "prometheus"

# firing_is NAMES: exactly these alerts fire (space-separated, sorted; ""
# for none).  The API answers JSON; a failed call is not a match.
firing_is() {
	local now
	now=$(prom_alerts firing) || return 1
	[ "$(echo $now)" = "$1" ] # word-split on purpose: one line
}
# expect WHAT NAMES: wait (60 s at most) until NAMES fire, alone.
expect() {
	local t0=$SECONDS
	lab_busywait 60000 firing_is "$2" || {
		prom_api /api/v1/alerts >&2 || true
		e2e_fail "$1: firing '$(prom_alerts firing | tr '\n' ' ')', expected '$2'"
	}
	echo "  $1: '${2:-nothing}' firing after $((SECONDS - t0)) s"
}
# Both targets scraped, the rules evaluated: every synsink:up is 1.
ups_are_1() {
	[ "$(prom_query 'count(synsink:up == 1)' | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else 0)')" = 2 ]
}
lab_busywait 30000 ups_are_1 || e2e_fail "Prometheus does not see both synsinks up"
expect "at the start" ""

# --- 1. a broken config on reload ---------------------------------------------
conf "bogus-key = 1"
kill -HUP "$SS_PID"
expect "reload refused" SynsinkReloadFailed
conf
kill -HUP "$SS_PID"
expect "reloaded" ""
grep -q "reload refused, the running configuration stays: $E2E_TMP/a.conf:" "$E2E_TMP/a.err" ||
	e2e_fail "no refusal line"

# --- 2. Redis stopped --------------------------------------------------------------
redis_stop
expect "Redis stopped" SynsinkSinkFailing
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6390 || e2e_fail "redis-server again"
expect "Redis back" ""

# --- 3. B stopped while a flood passes: its group overruns -------------------------
kill -STOP "$B_PID"
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s $FLOOD_SRC -k 8 -p 9 -n 20000 -t 30 >"$E2E_TMP/flood" 2>&1 ||
	e2e_fail "flood: $(cat "$E2E_TMP/flood")"
kill -CONT "$B_PID"
lost_seen() {
	lab_srv curl -sf "http://$B_METRICS/metrics" | awk '
		/^synsink_(nflog_lost|enobufs)_total/ { n += $2 } END { exit !(n > 0) }'
}
lab_busywait 10000 lost_seen || e2e_fail "B counted no loss: $(cat "$E2E_TMP/flood")"
expect "B's group overrun" SynsinkKernelDropping
expect "10 s without loss" ""

# --- 4. a burst the slow sink cannot take: its spool fills past 80% ----------
# The slow sink takes 20 events/s; the background stops (the spool takes
# every newer event until it is empty, and its bytes go down only as whole
# segments are delivered).  A first burst shows the bytes a spooled event
# takes (bytes and appended from one stats line); once it is delivered, a
# second burst fills the spool to 90% of spool_max, from where it empties
# in some 12 s.
background_stop
spool_ge() { # RATIO: bytes >= RATIO * spool_max, by /metrics
	lab_srv curl -sf "http://$A_METRICS/metrics" | awk -v min="$1" '
		/^synsink_sink_spool_bytes\{sink="block"\}/ { b = $2 }
		/^synsink_sink_spool_max_bytes\{sink="block"\}/ { m = $2 }
		END { exit !(m > 0 && b >= min * m) }'
}
spool_empty() { [ "$(ss_live_stat sinks.2.spool.bytes)" -le 16 ]; }
burst() {
	lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.20 -k 8 -p 9 -n "$1" -t 10 >/dev/null 2>&1 ||
		e2e_fail "burst of $1"
}
lab_busywait 20000 spool_empty || e2e_fail "the spool is not empty at the start"
a0=$(ss_live_stat sinks.2.spool.appended)
burst 40
lab_busywait 10000 live_stat_ge sinks.2.spool.appended $((a0 + 30)) || e2e_fail "no spooling"
line=$(lab_stats_live "$SS_PID" "$SS_ERR" 2000)
b=$(lab_stats_get sinks.2.spool.bytes <<<"$line")
a=$(($(lab_stats_get sinks.2.spool.appended <<<"$line") - a0))
m=$(lab_stats_get sinks.2.spool.max_bytes <<<"$line")
rec=$(((b - 16) / a))
lab_busywait 20000 spool_empty || e2e_fail "the first burst is not delivered"
more=$(((m - 16) * 90 / 100 / rec))
echo "  spool: $a events took $b bytes ($rec each) of $m: $more for 90%"
burst "$more"
lab_busywait 10000 spool_ge 0.85 || e2e_fail "the spool did not fill"
expect "spool over 80%" SynsinkSpoolFilling
expect "spool delivered" ""

# --- 5. no SYN at all (the background is still stopped) ---------------------------------
expect "no SYN" SynsinkNoSyns
background
expect "SYNs again" ""

# --- the dashboard ---------------------------------------------------------------------
# SYNs from A's own namespace (the OUTPUT rule, added only now: the test's
# and Prometheus's own connections would reach the slow sink too), for
# the owner lookups.
lab_rules_add --queue 1 --chain OUTPUT
lab_srv bash -c 'for i in $(seq 20); do (exec 3<>/dev/tcp/198.18.0.1/9) 2>/dev/null; done' || true
lab_busywait 10000 live_stat_ge owner.lookups 20 || e2e_fail "no owner lookups"
lab_srv python3 "$E2E_DIR/dashboard.py" "$DASHBOARD" "http://127.0.0.1:9490" ||
	e2e_fail "the dashboard"
background_stop
prom_stop
kill -TERM "$B_PID"
wait "$B_PID" || e2e_fail "B exited $?"
ss_stop
[ "$(ss_stat reload_errors)" = 1 ] || e2e_fail "A's reload_errors: $(ss_stat reload_errors)"
e2e_pass "5 faults, each fired its alert alone and resolved; every dashboard query has data"

# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/e2e/lib.sh - shared by the end-to-end tests.  Each test sources
# this, calls e2e_init, and ends with e2e_pass.  Any failure prints the
# reason, the ruleset, the queue table and synsink's stderr, and exits 1;
# the trap tears the lab down, pass or fail.
#
# Strict mode for every test: a step that fails unchecked (a rule not
# added, a server not started) ends the test through the ERR trap, which
# names the line and the command: no test goes on past a broken setup, and
# none stops without saying why.  A test that expects a failure says so
# (`if`, `||`, `!`, not()).
#
# Environment (set by ctest): SYNSINK, SYNGEN - the binaries under test.

set -Eeuo pipefail
trap 'e2e_err $? "$BASH_COMMAND"' ERR
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../lab/lib.sh
. "$E2E_DIR/../../lab/lib.sh"

: "${SYNSINK:?set SYNSINK to the synsink binary}"
: "${SYNGEN:?set SYNGEN to the syngen binary}"
E2E_NAME=$(basename "$0" .sh)
SS_PID=""

e2e_cleanup() {
	local rc=$? job
	set +eE
	trap - ERR
	lab_down	# ends every process in the lab's namespaces too
	for job in $(jobs -p); do
		kill -KILL "$job" 2>/dev/null
	done
	wait 2>/dev/null
	for job in "${E2E_AT_EXIT[@]}"; do
		eval "$job"
	done
	[ -n "${E2E_TMP:-}" ] && rm -rf "$E2E_TMP"
	exit $rc
}

# e2e_at_exit COMMAND: run at the end, after the lab and every process in
# it are gone (removing a cgroup the test's processes were in).
E2E_AT_EXIT=()
e2e_at_exit() { E2E_AT_EXIT+=("$1"); }

e2e_init() {
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL: $E2E_NAME: needs root (network namespaces, iptables)"
		exit 1
	fi
	E2E_TMP=$(mktemp -d /tmp/synsink-e2e.XXXXXX)
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
	lab_up >/dev/null 2>"$E2E_TMP/lab.err" || e2e_fail "lab_up: $(cat "$E2E_TMP/lab.err")"
}

# e2e_err RC COMMAND: the ERR trap, for a step nothing checked.  Names
# the command and where it ran, innermost first: lib.sh:49 < json.sh:7.
e2e_err() {
	local i where=""

	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		where+=" < ${BASH_SOURCE[i]#"$E2E_DIR/../../"}:${BASH_LINENO[i - 1]}"
	done
	e2e_fail "'$2' exited $1 at ${where# < }"
}

e2e_fail() {
	# What follows only reports: none of it may end the report early.
	set +eE
	trap - ERR
	echo "FAIL: $E2E_NAME: $*"
	# A running synsink shows its counters as they are now.
	if [ -n "$SS_PID" ] && kill -USR1 "$SS_PID" 2>/dev/null; then
		lab_busywait 2000 grep -q '"final":false' "$SS_ERR"
	fi
	echo "--- ruleset and queues:"
	lab_rules_dump 2>/dev/null
	if [ -n "${SS_ERR:-}" ] && [ -f "$SS_ERR" ]; then
		echo "--- synsink stderr (last 30 lines):"
		tail -n 30 "$SS_ERR"
	fi
	exit 1
}

not() { ! "$@"; }

e2e_pass() { echo "PASS: $E2E_NAME${1:+: $1}$(holds || echo " [source nflog, ${LAB_RULES_BACKEND:-iptables} rules]")"; }

# ss_start OUT ERR ARGS...: synsink in the server namespace; returns once it
# says it listens (it prints that after binding and starting its threads).
# SS_WRAP, when set, goes in front of it (valgrind ...).
ss_start() {
	local args
	SS_OUT=$1 SS_ERR=$2
	shift 2
	lab_source_args args daemon "$@"
	# shellcheck disable=SC2086
	ip netns exec "$LAB_SRV" ${SS_WRAP:-} "$SYNSINK" "${args[@]}" >"$SS_OUT" 2>"$SS_ERR" &
	SS_PID=$!
	lab_busywait 30000 grep -q "synsink: listening on" "$SS_ERR" ||
		e2e_fail "synsink did not start"
}

# ss_stop: SIGTERM, expect exit 0 and the final counters on stderr, adding
# up; JSON events on stdout must be valid against doc/event.schema.json.
ss_stop() {
	local rc=0
	kill -TERM "$SS_PID"
	wait "$SS_PID" || rc=$?
	SS_PID=""
	[ "$rc" = 0 ] || e2e_fail "synsink exited $rc after SIGTERM"
	grep -q '"final":true' "$SS_ERR" || e2e_fail "no final counters"
	check_accounts
	check_events "${SS_OUT:-}"
}

# check_accounts: every sink's final counters add up (doc/delivery.md;
# tests/e2e/check-accounts.py), whatever the test did.
check_accounts() {
	local out
	out=$(grep '"final":true' "$SS_ERR" | tail -n 1 | python3 "$E2E_DIR/check-accounts.py") ||
		e2e_fail "the counters do not add up: $out"
}

# check_events FILE: if FILE holds JSON events, each is valid against the
# event schema (tests/e2e/check-events.py, Debian's python3-jsonschema);
# with E2E_FIELDS set (a fields= selection) none of its keys is required.
check_events() {
	[ -f "$1" ] && [ "$(head -c 6 "$1")" = '{"v":1' ] || return 0
	/usr/bin/python3 "$E2E_DIR/check-events.py" ${E2E_FIELDS:+--subset} "$1" >"$E2E_TMP/schema.out" 2>&1 ||
		e2e_fail "events not valid against doc/event.schema.json: $(tail -n 3 "$E2E_TMP/schema.out")"
}

# ss_stat PATH: one value from the final stats line, e.g. queues.0.events
ss_stat() {
	grep '"final":true' "$SS_ERR" | lab_stats_get "$(stat_path "$1")"
}

# holds: the SYNs come from NFQUEUE, held until the verdict (the default);
# false with LAB_SOURCE=nflog, where the checks of verdicts and of the
# kernel queue have nothing to check.
holds() { [ "${LAB_SOURCE:-nfqueue}" = nfqueue ]; }

# stat_path PATH: a queue's counter as the source has it: with NFLOG the
# group's (groups.N, its id gaps are "lost").
stat_path() {
	if holds; then
		printf '%s\n' "$1"
	else
		printf '%s\n' "$1" | sed 's/^queues\./groups./; s/\.id_gaps$/.lost/'
	fi
}

# after_outage SEEN DROPPED HELD: the figures of a restart-while-away test
# (redis_restart, syslog_restart), after ss_stop checked that they add
# up: sink 0 saw SEEN events, dropped DROPPED for a full buffer, has none
# pending, and the server holds HELD, exactly what was delivered.  Sets
# OUTAGE_SAID for the PASS line.
after_outage() {
	local seen delivered dropped failed
	seen=$(ss_stat sinks.0.seen) delivered=$(ss_stat sinks.0.delivered)
	dropped=$(ss_stat sinks.0.dropped_buffer) failed=$(ss_stat sinks.0.failed)
	[ "$seen" = "$1" ] || e2e_fail "seen $seen, expected $1"
	[ "$dropped" = "$2" ] || e2e_fail "dropped $dropped, expected $2"
	[ "$(ss_stat sinks.0.pending)" = 0 ] || e2e_fail "pending $(ss_stat sinks.0.pending)"
	[ "$3" = "$delivered" ] || e2e_fail "the server holds $3, delivered $delivered"
	# shellcheck disable=SC2034 # read by the test that calls it
	OUTAGE_SAID="seen $seen = delivered $delivered + dropped $dropped + failed $failed"
}

# ss_refused RC WHAT ARGS...: synsink ARGS (in the server namespace) does
# not start: it exits RC with one line that says WHAT, and that does not
# hold $E2E_SECRET when that is set.
ss_refused() {
	local want=$1 what=$2 rc=0 out
	shift 2
	# (timeout: one that starts after all would run on, not fail)
	out=$(timeout -k 2 30 ip netns exec "$LAB_SRV" "$SYNSINK" "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = "$want" ] || e2e_fail "$*: exit $rc ($out)"
	[ "$(wc -l <<<"$out")" = 1 ] || e2e_fail "$*: more than one line: $out"
	grep -qF -- "$what" <<<"$out" || e2e_fail "$*: '$out' does not say '$what'"
	[ -z "${E2E_SECRET:-}" ] || not grep -qF -- "$E2E_SECRET" <<<"$out" ||
		e2e_fail "$*: the secret in '$out'"
	echo "  ${out:0:240}"
}

# ss_p99_bucket: the verdict latency's p99 in the final stats line, as the
# index of its histogram bucket (0: le_1, 1: le_2, ...).
ss_p99_bucket() {
	python3 -c '
import json, sys
h = json.loads(sys.stdin.read())["stats"]["queues"][0]["verdict_latency_us"]
b = [v for k, v in h.items() if k.startswith("le_") or k == "inf"]
c = 0
for i, v in enumerate(b):
    c += v
    if c >= 0.99 * sum(b):
        print(i)
        break' <<<"$(grep '"final":true' "$SS_ERR")"
}

# ss_live_stat PATH: the same from a fresh SIGUSR1 stats line.
ss_live_stat() {
	local line
	line=$(lab_stats_live "$SS_PID" "$SS_ERR" 2000) || return 1
	lab_stats_get "$(stat_path "$1")" <<<"$line"
}

# live_stat_ge PATH N: the live value of PATH is at least N.
live_stat_ge() {
	local v
	v=$(ss_live_stat "$1") && [ "$v" -ge "$2" ]
}

# odd_set FILE: syngen's odd set (every odd shape of SYN, lab/README.md)
# from the client to port 9 of the server; its report, a line per SYN
# ("... event" for each that makes one), in FILE.
odd_set() {
	ip netns exec "$LAB_CLI" "$SYNGEN" odd -4 $LAB_V4_SRV -6 $LAB_V6_SRV \
		-S $LAB_V4_CLI -T $LAB_V6_CLI -p 9 >"$1" || e2e_fail "syngen odd failed"
}

# odd_nfqueue: the odd set through NFQUEUE queue 1, for another source's
# events to be held against: JSON events in $E2E_TMP/q.out, the final
# stats in q.err, their count in n_events; the rules gone after.
odd_nfqueue() {
	lab_rules_add --queue 1
	ss_start "$E2E_TMP/q.out" "$E2E_TMP/q.err" --queue 1 --sink stdout:format=json
	odd_set "$E2E_TMP/odd.q"
	n_events=$(grep -c ' event$' "$E2E_TMP/odd.q")
	wait_lines "$E2E_TMP/q.out" "$n_events"
	ss_stop
	lab_rules_del
}

# flood_then_one N [stall]: N raw SYNs flat out from the client's extra
# addresses to port 9 of the server (with stall, synsink stopped by
# SIGSTOP meanwhile, so nothing reads), then one real connection to port
# 23: the end of a flood has a marker that must arrive.
flood_then_one() {
	[ -z "${2:-}" ] || kill -STOP "$SS_PID"
	ip netns exec "$LAB_CLI" "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k $LAB_EXTRA_SRC \
		-p 9 -n "$1" -t 60 >"$E2E_TMP/raw" || e2e_fail "syngen raw: $(cat "$E2E_TMP/raw")"
	[ -z "${2:-}" ] || kill -CONT "$SS_PID"
	grep -q "^raw: sent $1$" "$E2E_TMP/raw" || e2e_fail "sent: $(cat "$E2E_TMP/raw")"
	listen_start 23 1
	connect $LAB_V4_SRV 23 1
}

# listen_start PORT COUNT: a listener on every server address.
listen_start() {
	local out=$E2E_TMP/listen.$1
	ip netns exec "$LAB_SRV" "$SYNGEN" listen -a :: -p "$1" -n "$2" -t 60 >"$out" 2>&1 &
	lab_busywait 5000 grep -q listening "$out" || e2e_fail "listener did not start"
}

# connect ADDR PORT N [extra args]: N real connections from the client;
# appends "ok SRC -> DST" lines to $E2E_TMP/made.
connect() {
	local addr=$1 port=$2 n=$3
	shift 3
	ip netns exec "$LAB_CLI" "$SYNGEN" connect -a "$addr" -p "$port" -n "$n" "$@" \
		>>"$E2E_TMP/made" 2>>"$E2E_TMP/connect.err" ||
		e2e_fail "connect to $addr: $(tail -n1 "$E2E_TMP/connect.err")"
}

# wait_lines FILE N: FILE reaches N lines (the sink thread may lag).
wait_lines() {
	lab_busywait 10000 lab_lines_ge "$1" "$2" ||
		e2e_fail "$1 has $(wc -l <"$1") lines, expected $2"
}

# expect_origin_lines: synsink's text output equals, line for line, what
# the client says it made (in any order).
expect_origin_lines() {
	sed 's/^ok /A new tcp connection will be established: /' "$E2E_TMP/made" |
		sort >"$E2E_TMP/expected"
	sort "$1" >"$E2E_TMP/got"
	diff -u "$E2E_TMP/expected" "$E2E_TMP/got" >"$E2E_TMP/diff" ||
		e2e_fail "events differ from connections made:
$(head -n 20 "$E2E_TMP/diff")"
}

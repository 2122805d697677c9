# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/lib.sh - the namespace lab, sourced by lab/lab, lab/demo and tests/e2e.
#
#   client namespace  $LAB_CLI                 server namespace  $LAB_SRV
#   +------------------------+                 +------------------------------+
#   | c0 198.18.0.1/24       |    veth pair    | s0 198.18.0.2/24             |
#   |    fd00:5e::1/64       |<--------------->|    fd00:5e::2/64             |
#   | + 198.18.0.10-41       |                 | raw PREROUTING: SYN->NFQUEUE |
#   | + fd00:5e::10-2f       |                 |                              |
#   | syngen connect/raw/odd |                 | synsink, syngen listen,      |
#   +------------------------+                 | redis/kafka/rsyslog on lo    |
#                                              +------------------------------+
#
# Addresses come from 198.18.0.0/15 and fd00::/8 only; nothing leaves the
# namespaces.  Names carry a per-run suffix; lab_down is idempotent and is
# meant to run from a trap.  Readiness is polled (lab_busywait), never slept.

LAB_V4_CLI=198.18.0.1
LAB_V4_SRV=198.18.0.2
LAB_V6_CLI=fd00:5e::1
LAB_V6_SRV=fd00:5e::2
LAB_EXTRA_SRC=32	# extra client addresses per family, for --queue-balance

lab_log() { printf '[lab] %s\n' "$*" >&2; }

# lab_busywait TIMEOUT_MS CMD...: run CMD until it succeeds or time is up.
# CMD's arguments are expanded once, by the caller: poll a value through a
# predicate function (lab_lines_ge below), never through "$(...)".
# The clock is bash's own ($EPOCHREALTIME, its point as the locale has
# it): one process a poll (sleep) rather than two, on machines of two CPUs
# where a test's polling shares them with what it measures.
lab_busywait() {
	local timeout_ms=$1 start now
	shift
	start=${EPOCHREALTIME/[.,]/}
	while :; do
		"$@" && return 0
		now=${EPOCHREALTIME/[.,]/}
		[ $(((now - start) / 1000)) -ge "$timeout_ms" ] && return 1
		sleep 0.02	# poll interval, not a wait for readiness
	done
}

# lab_has PATTERN CMD...: CMD succeeds and a line of its output matches the
# basic regular expression PATTERN.  lab_lacks: CMD succeeds and no line
# does.  Never "CMD | grep -q": grep -q leaves at its first match, and under
# pipefail the writer's SIGPIPE then makes a match a miss (CI met it in
# nflog.sh).  ci/check-shell refuses such a pipe.
lab_has() { local out; out=$("${@:2}") && grep -q -e "$1" <<<"$out"; }
lab_lacks() { local out; out=$("${@:2}") && ! grep -q -e "$1" <<<"$out"; }

# lab_link_up NS DEV: the link has carrier on both sides.
lab_link_up() { lab_has 'state UP' ip -n "$1" -o link show dev "$2"; }

# lab_lines_ge FILE N: FILE has at least N lines.
lab_lines_ge() { [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]; }

# lab_coproc_keep NAME: right after "coproc NAME ...", keep what outlives
# the coprocess.  Bash unsets NAME and NAME_PID and closes NAME's fds as
# soon as it reaps the coprocess, which may be between any two commands
# once it has ended: "kill $NAME_PID; wait $NAME_PID", or reading its last
# line after it exits, then meets an unset variable (CI did, in ci/test).
# Sets NAME_OUT, a fd of its output of our own, and NAME_CHILD, its pid.
# Fails if the coprocess is already gone.
lab_coproc_keep() {
	local -n lab_cp_fds=$1
	local lab_cp_pid=${1}_PID lab_cp_out
	[ -n "${lab_cp_fds[0]:-}" ] && [ -n "${!lab_cp_pid:-}" ] || return 1
	exec {lab_cp_out}<&"${lab_cp_fds[0]}"
	printf -v "${1}_OUT" %s "$lab_cp_out"
	printf -v "${1}_CHILD" %s "${!lab_cp_pid}"
}

lab_cli() { ip netns exec "$LAB_CLI" "$@"; }
lab_srv() { ip netns exec "$LAB_SRV" "$@"; }

# lab_up [ID]: build the topology.  Sets LAB_ID, LAB_CLI, LAB_SRV.
lab_up() {
	LAB_ID=${1:-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')}
	LAB_CLI=synsink-cli-$LAB_ID
	LAB_SRV=synsink-srv-$LAB_ID
	export LAB_ID LAB_CLI LAB_SRV
	ip netns add "$LAB_CLI" || return 1
	ip netns add "$LAB_SRV" || return 1
	ip link add c0 netns "$LAB_CLI" type veth peer name s0 netns "$LAB_SRV" || return 1
	local ns
	for ns in "$LAB_CLI" "$LAB_SRV"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 >/dev/null
	done
	ip -n "$LAB_CLI" addr add $LAB_V4_CLI/24 dev c0
	ip -n "$LAB_CLI" addr add $LAB_V6_CLI/64 dev c0 nodad
	ip -n "$LAB_SRV" addr add $LAB_V4_SRV/24 dev s0
	ip -n "$LAB_SRV" addr add $LAB_V6_SRV/64 dev s0 nodad
	# Extra sources: 198.18.0.10 and fd00:5e::10 (hex) onwards, as many
	# as LAB_EXTRA_SRC, consecutive in the last byte as syngen -k counts.
	local i
	for i in $(seq 0 $((LAB_EXTRA_SRC - 1))); do
		ip -n "$LAB_CLI" addr add 198.18.0.$((10 + i))/24 dev c0
		ip -n "$LAB_CLI" addr add "fd00:5e::$(printf %x $((16 + i)))/64" dev c0 nodad
	done
	ip -n "$LAB_CLI" link set c0 up
	ip -n "$LAB_SRV" link set s0 up
	lab_busywait 5000 lab_link_up "$LAB_CLI" c0 || {
		lab_log "c0 did not come up"; return 1; }
	lab_busywait 5000 lab_link_up "$LAB_SRV" s0 || {
		lab_log "s0 did not come up"; return 1; }
	lab_log "up: $LAB_CLI <-> $LAB_SRV"
}

# lab_rules_add [--queue N | --balance A:B [--fanout]] [--no-bypass] [--chain OUTPUT]
# NFQUEUE for SYNs arriving on s0 in the server's raw PREROUTING, IPv4 and
# IPv6 (or, with --chain OUTPUT, the SYNs the server namespace sends).
# Only s0: the sink servers' own connections on lo stay out.  The
# rules are what tools/synsink-rules writes, with the backend in
# LAB_RULES_BACKEND: iptables (the default) or nft (one inet table).
LAB_RULES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)/synsink-rules
lab_rules_add() {
	local in=(--in s0) args
	# SYNs sent from the server namespace (--chain OUTPUT) have no in.
	[[ " $* " == *" --chain OUTPUT "* ]] && in=()
	lab_source_args args rules "$@"
	lab_srv sh "$LAB_RULES" add --backend "${LAB_RULES_BACKEND:-iptables}" "${in[@]}" "${args[@]}"
}

# lab_source_args NAME rules|daemon ARGS...: ARGS into the array NAME; with
# LAB_SOURCE=nflog, the same SYNs logged to group N instead of queued, each
# "--queue N" becomes the group's words: "--target log --group N" for
# synsink-rules, "--source nflog:N" for synsink.
lab_source_args() {
	local -n lab_sa=$1
	local for=$2
	shift 2
	lab_sa=()
	while [ $# -gt 0 ]; do
		if [ "$1" = --queue ] && [ "${LAB_SOURCE:-nfqueue}" = nflog ]; then
			case $for in
			rules) lab_sa+=(--target log --group "$2") ;;
			*) lab_sa+=(--source "nflog:$2") ;;
			esac
			shift
		else
			lab_sa+=("$1")
		fi
		shift
	done
}

lab_rules_del() {
	local t
	for t in iptables ip6tables; do
		lab_srv $t -w -t raw -F PREROUTING 2>/dev/null || true
		lab_srv $t -w -t raw -F OUTPUT 2>/dev/null || true
	done
	# Absent unless the nft backend made it (callers may run under set -e).
	lab_srv nft delete table inet synsink 2>/dev/null || true
}

# lab_rules_count: the packets the rules lab_rules_add wrote have matched
# in the server namespace, both families, both chains, either backend (the
# nft rules carry a counter for it).
lab_rules_count() {
	local t out n=0
	if [ "${LAB_RULES_BACKEND:-iptables}" = nft ]; then
		out=$(lab_srv nft list table inet synsink)
		n=$(awk '{ for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) } END { print s + 0 }' <<<"$out")
	else
		for t in iptables ip6tables; do
			out=$(lab_srv $t -w -t raw -L -v -x -n)
			n=$((n + $(awk '/NFLOG|NFQUEUE/ { s += $1 } END { print s + 0 }' <<<"$out")))
		done
	fi
	echo "$n"
}

# lab_queue_bound N: a process has queue N bound in the server namespace
# (queues, like /proc/net, are per network namespace).
lab_queue_bound() {
	lab_srv awk -v q="$1" '$1 == q {found = 1} END {exit !found}' \
		/proc/net/netfilter/nfnetlink_queue
}

# lab_stats_get PATH: one value from a synsink stats line on stdin, by a
# dotted path into its "stats" object: queues.0.events, sinks.1.plugin.sent.
lab_stats_get() {
	python3 -c '
import json, sys
v = json.load(sys.stdin)["stats"]
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"
}

# lab_stats_live PID FILE MS: asks synsink PID for its counters (SIGUSR1)
# and prints the stats line it then writes to FILE, its stderr; fails if
# none comes within MS.
lab_stats_live() {
	local before
	before=$(grep -c '"final":false' "$2" || true)
	kill -USR1 "$1" || return 1
	lab_busywait "$3" lab_stats_lines_gt "$2" "$before" || return 1
	grep '"final":false' "$2" | tail -n 1
}

lab_stats_lines_gt() { [ "$(grep -c '"final":false' "$1")" -gt "$2" ]; }

# lab_rules_dump: what a failing test shows.
lab_rules_dump() {
	lab_srv iptables-save -t raw -c 2>&1
	lab_srv ip6tables-save -t raw -c 2>&1
	lab_srv nft list table inet synsink 2>/dev/null
	lab_srv cat /proc/net/netfilter/nfnetlink_queue 2>/dev/null
}

# lab_down: remove the namespaces (the veth pair goes with them).  Safe to
# call twice and with nothing up.
lab_down() {
	local ns pid
	for ns in ${LAB_CLI:-} ${LAB_SRV:-}; do
		grep -qw -- "$ns" <<<"$(ip netns list 2>/dev/null)" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	return 0
}

#!/usr/bin/env bash
# synsink --check-config: the settings checked as a start would, nothing
# opened.
#   1. The example config (dist/synsink.conf.example): exit 0, one line.
#   2. Thirteen broken configs, one fault each (the file's own syntax, the
#      core's sink options, secrets files, and each plugin's own check):
#      exit 64 with the very line a start of the daemon prints.
#   3. Redis and Kafka sinks aimed where nothing listens: --check-config
#      makes no connection attempt (an nft counter on the server's output
#      stays 0), where the daemon with the same config does try (it
#      counts), so the counter can see one.
. "$(dirname "$0")/lib.sh"
e2e_init
EXAMPLE=$E2E_DIR/../../dist/synsink.conf.example

# check ARGS...: synsink --check-config ARGS in the server namespace;
# sets rc and out (stdout and stderr).
check() {
	rc=0
	out=$(timeout -k 2 30 ip netns exec "$LAB_SRV" "$SYNSINK" --check-config "$@" 2>&1) || rc=$?
}

# --- 1. the example --------------------------------------------------------
check --config "$EXAMPLE"
[ "$rc" = 0 ] || e2e_fail "the example: exit $rc: $out"
[ "$out" = "synsink: configuration OK: queues 0-1, 2 sink(s), from $EXAMPLE" ] ||
	e2e_fail "the example: '$out'"

# --- 2. broken configs -----------------------------------------------------
# bad NAME WHAT: the config $E2E_TMP/NAME.conf (written by the caller) is
# refused by --check-config, exit 64, one line saying WHAT, the same line
# the daemon gives for it.
n_bad=0
bad() {
	local conf=$E2E_TMP/$1.conf daemon drc=0
	check --config "$conf"
	[ "$rc" = 64 ] || e2e_fail "$1: --check-config exited $rc: $out"
	[ "$(wc -l <<<"$out")" = 1 ] || e2e_fail "$1: more than one line: $out"
	grep -qF -- "$2" <<<"$out" || e2e_fail "$1: '$out' does not say '$2'"
	daemon=$(timeout -k 2 30 ip netns exec "$LAB_SRV" "$SYNSINK" --config "$conf" 2>&1) || drc=$?
	[ "$drc" = 64 ] || [ "$drc" = 1 ] || e2e_fail "$1: the daemon exited $drc: $daemon"
	[ "$daemon" = "$out" ] || e2e_fail "$1: the daemon said '$daemon', --check-config '$out'"
	n_bad=$((n_bad + 1))
}
w() { printf '%b\n' "$2" >"$E2E_TMP/$1.conf"; }

w key 'frobnicate = 1';						bad key "unknown"
w ring 'ring-size = 3';						bad ring "power of two"
w plugin '[sink nosuch]';					bad plugin "nosuch"
w option '[sink stdout]\ncolour = red';				bad option "colour"
w enum '[sink stdout]\nformat = xml';				bad enum "xml"
w fields '[sink stdout]\nformat = text\nfields = src';		bad fields "fields"
w secret '[sink redis]\npassword_file = /nonexistent/pw';	bad secret "password_file"
w relative '[sink file]\npath = events.json';			bad relative "relative"
w mode "[sink file]\npath = $E2E_TMP/ev.json\nmode = 0666";	bad mode "at most 0644"
w userpw '[sink redis]\nusername = bob';			bad userpw "username needs a password"
w ca '[sink redis]\ntls = true\nca = /nonexistent/ca.pem';	bad ca "/nonexistent/ca.pem"
w sasl '[sink kafka]\nbrokers = 198.18.0.1:9099\ntopic = t\nsasl_mechanism = PLAIN'
bad sasl "sasl_mechanism needs tls=true"
w target '[sink syslog]\ntarget = bogus:x';			bad target "bogus"
[ ! -e "$E2E_TMP/ev.json" ] || e2e_fail "a file sink's file was created"

# --- 3. no connection ------------------------------------------------------
lab_srv nft -f - <<'EOF'
table inet probe {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport { 6390, 9099 } counter
	}
}
EOF
e2e_at_exit 'lab_srv nft delete table inet probe 2>/dev/null'
tries() { lab_srv nft list table inet probe | awk '$1 == "tcp" { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'; }
cat >"$E2E_TMP/away.conf" <<EOF
[sink kafka]
brokers = $LAB_V4_SRV:9099
topic = syn
[sink redis]
host = $LAB_V4_SRV
port = 6390
EOF
check --config "$E2E_TMP/away.conf"
[ "$rc" = 0 ] || e2e_fail "away: exit $rc: $out"
[ "$(tries)" = 0 ] || e2e_fail "--check-config tried to connect: $(tries) packets"
rc=0
timeout -k 2 60 ip netns exec "$LAB_SRV" "$SYNSINK" --config "$E2E_TMP/away.conf" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || e2e_fail "the daemon with sinks away exited $rc"
[ "$(tries)" -gt 0 ] || e2e_fail "the daemon's connection attempts were not seen: the probe sees nothing"
e2e_pass "the example OK; $n_bad broken configs: exit 64, the daemon's own line; sinks away: no connection attempt (the daemon made $(tries))"

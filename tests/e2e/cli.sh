#!/usr/bin/env bash
# Every bad command line: one line on stderr, exit 64, nothing queued.
# A queue held by another process: one clear line, exit 1.
. "$(dirname "$0")/lib.sh"
e2e_init
check() {
	local out rc=0
	out=$(ip netns exec "$LAB_SRV" "$SYNSINK" "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 64 ] || e2e_fail "'$*' exited $rc, expected 64"
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "'$*' printed: $out"
	local args="$*"
	printf '  %-40s -> %s\n' "${args:0:60}" "$out"
}
check --queue 70000
check --queue 5-2
check --queue abc
check --bogus
check --sink nope
check --sink stdout:format
check --sink stdout:format=xml
check --sink stdout:colour=red
check --sink stdout:ring=1000
check --stats-interval -1
check --plugin-dir relative/dir
# A topic Kafka can never take, with no broker: the topic is the one line
# (a librdkafka thread's "connection refused" used to replace it).
check --sink "kafka:brokers=127.0.0.1:1,topic=$(printf 't%.0s' $(seq 100000))"
check --sink kafka:brokers=127.0.0.1:1,topic=a/b
# A p0f database that is not one: FILE:LINE and what is wrong.
printf 'classes = unix\n[tcp:request]\nlabel = s:unix:X:1\nsig = 4:64:0:*:*,*:mss:weird:0\n' >"$E2E_TMP/bad.fp"
check --p0f-db "$E2E_TMP/bad.fp"
grep -q "bad.fp:4: unknown quirk" <<<"$(ip netns exec "$LAB_SRV" "$SYNSINK" --p0f-db "$E2E_TMP/bad.fp" 2>&1)" ||
	e2e_fail "the bad p0f database's line is not named"
check --p0f-db "$E2E_TMP/no-such.fp"
lab_srv grep -q "" /proc/net/netfilter/nfnetlink_queue && e2e_fail "a queue was left bound"
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --sink nope 2>&1) || true
case $out in *"'nope'"*"--list-sinks shows"*) ;; *) e2e_fail "unknown sink not named, or no pointer to --list-sinks: $out" ;; esac
# Whole outputs into grep, not pipes: under pipefail a grep -q that stops
# early would make the writer's SIGPIPE the pipeline's status.
sinks=$("$SYNSINK" --list-sinks)
grep -q "^stdout - " <<<"$sinks" || e2e_fail "--list-sinks lacks stdout"
grep -q "format .*(text|json) default: text" <<<"$sinks" ||
	e2e_fail "--list-sinks lacks stdout's options"
# Plugins nobody should trust: one line naming the path and why, exit 1.
plugdir=$("$SYNSINK" --list-sinks | sed -n 's/^Sinks in \(.*\):$/\1/p')
refused() { ss_refused 1 "$2" --plugin-dir "$1"; } # refused DIR NEEDLE: DIR's stdout
mkdir -m 755 "$E2E_TMP/plug"
cp "$plugdir/stdout.so" "$E2E_TMP/plug/"
chmod 664 "$E2E_TMP/plug/stdout.so"
refused "$E2E_TMP/plug" "stdout.so: refused: writable by its group"
chmod 644 "$E2E_TMP/plug/stdout.so"
chmod 757 "$E2E_TMP/plug"
refused "$E2E_TMP/plug" "plug: refused: writable by others"
chmod 755 "$E2E_TMP/plug"
chown nobody "$E2E_TMP/plug/stdout.so"
refused "$E2E_TMP/plug" "stdout.so: refused: owned by uid $(id -u nobody)"
chown root "$E2E_TMP/plug/stdout.so"
# A parent another user may write (and not sticky) lets them swap the
# whole directory between the check and the load: refused too.
mkdir -m 777 "$E2E_TMP/open"
mv "$E2E_TMP/plug" "$E2E_TMP/open/plug"
refused "$E2E_TMP/open/plug" "open: refused: writable by others (mode 0777), and not sticky"
chmod 1777 "$E2E_TMP/open"
mv "$E2E_TMP/open/plug" "$E2E_TMP/plug"
sinks=$(ip netns exec "$LAB_SRV" "$SYNSINK" --plugin-dir "$E2E_TMP/plug" --list-sinks) ||
	e2e_fail "a trusted copy is refused"
grep -q "^stdout - " <<<"$sinks" || e2e_fail "a trusted copy lists no stdout"

# stdout:fd=N must be open at start: one opened later (a file sink's
# file) would take text lines into a JSON log, counted delivered.
ss_refused 1 "fd=77: not open" --queue 7 --sink stdout:fd=77 --sink "file:path=$E2E_TMP/f.json"

ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 7
rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --queue 7 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] || e2e_fail "second synsink on queue 7 exited $rc"
case $out in *"queue 7 is already bound by another process"*) ;;
*) e2e_fail "unclear error: $out" ;; esac
ss_stop
e2e_pass "bad input refused; busy queue named"

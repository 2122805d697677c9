#!/usr/bin/env bash
# What a hostile local user (nobody, through setpriv) and a stalled reader
# could do to a root synsink, from the third hardening pass (issue 28):
#  1. a FIFO where a file sink's path is: at start, and put in place of
#     the file before a SIGHUP; a FIFO for redis ca=
#  2. a FIFO for the spool's cursor, made by the --user account; a spool
#     of root's, with events in it, given to --user
#  3. a symbolic link among a file sink's parent directories; a log file
#     planted by nobody, mode 0666
#  4. a --config file nobody owns and anyone can write
#  5. stderr a FIFO whose reader never reads, then SIGUSR1 x300
# Before, 1, 2 and 5 left synsink blocked in open(2) or write(2) with
# SIGTERM unanswered; 3 and 4 were taken.  Now each is refused with one
# line, or synsink carries on, and SIGTERM ends it within --flush-timeout
# + 1 s.
. "$(dirname "$0")/lib.sh"
N=200
FLUSH_MS=1000
e2e_init
asnobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
# A sticky world-writable directory, as /tmp is, that nobody can reach.
chmod 711 "$E2E_TMP"
PUB=$E2E_TMP/pub
mkdir -m 1777 "$PUB"

# sigterm_within MS WHAT: SIGTERM, and synsink is gone within MS; exit 0.
gone() { ! kill -0 "$SS_PID" 2>/dev/null; }
sigterm_within() {
	local rc=0
	kill -TERM "$SS_PID"
	lab_busywait "$1" gone || e2e_fail "$2: still running $1 ms after SIGTERM"
	wait "$SS_PID" || rc=$?
	SS_PID=""
	[ "$rc" = 0 ] || e2e_fail "$2: exit $rc after SIGTERM"
}

# 1. FIFOs.
asnobody mkfifo "$PUB/fifo.log"
ss_refused 64 "$PUB/fifo.log: not a regular file" --queue 1 --sink "file:path=$PUB/fifo.log"
ss_refused 64 "ca $PUB/fifo.log: not a regular file" --queue 1 \
	--sink "redis:port=6399,tls=true,ca=$PUB/fifo.log"
lab_rules_add --queue 1
listen_start 22 $((2 * N + 15))
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --flush-timeout $FLUSH_MS \
	--sink "file:path=$PUB/events.log"
connect $LAB_V4_SRV 22 $N -c 4
lab_busywait 10000 live_stat_ge sinks.0.delivered $N || e2e_fail "first $N not delivered"
mv "$PUB/events.log" "$PUB/events.log.1"
asnobody mkfifo "$PUB/events.log"
kill -HUP "$SS_PID"
lab_busywait 5000 live_stat_ge sinks.0.plugin.reopen_errors 1 || e2e_fail "no reopen error counted"
connect $LAB_V4_SRV 22 $N -c 4
lab_busywait 10000 live_stat_ge sinks.0.delivered $((2 * N)) ||
	e2e_fail "after the SIGHUP: $(ss_live_stat sinks.0.delivered) delivered"
sigterm_within $((FLUSH_MS + 1000)) "FIFO at SIGHUP"
[ "$(wc -l <"$PUB/events.log.1")" = $((2 * N)) ] || e2e_fail "the old file has $(wc -l <"$PUB/events.log.1") lines"
grep -q "reopening $PUB/events.log: not a regular file; writing on to the old file" "$SS_ERR" ||
	e2e_fail "no line about the FIFO"
echo "  1: FIFOs refused at start, and at SIGHUP the old file kept: $((2 * N)) lines"

# 2. The spool's cursor a FIFO of the --user account's.
SPOOL=$E2E_TMP/spool
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --user nobody --flush-timeout $FLUSH_MS \
	--sink "redis:port=6399,spool=$SPOOL"
connect $LAB_V4_SRV 22 10 -c 2
lab_busywait 10000 live_stat_ge sinks.0.seen 10 || e2e_fail "spool: nothing seen"
sigterm_within $((FLUSH_MS + 1000)) "spool, first run"
[ "$(stat -c %U "$SPOOL")" = nobody ] || e2e_fail "the spool is not nobody's"
rm -f "$SPOOL/cursor"
asnobody mkfifo "$SPOOL/cursor" "$SPOOL/cursor.tmp"
SS_OUT=$E2E_TMP/out SS_ERR=$E2E_TMP/err2
ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 --user nobody --flush-timeout $FLUSH_MS \
	--sink "redis:port=6399,spool=$SPOOL" >"$SS_OUT" 2>"$SS_ERR" &
SS_PID=$!
lab_busywait 10000 grep -q "synsink: listening on" "$SS_ERR" ||
	e2e_fail "a FIFO for a cursor: no start: $(cat "$SS_ERR")"
grep -q "holds about 10 events" "$SS_ERR" || e2e_fail "the spool's 10 events not found"
sigterm_within $((FLUSH_MS + 1000)) "spool, FIFO cursor"
echo "  2: a FIFO for the spool's cursor: started, and stopped at once"
# A spool of root's with events in it is not handed to --user: its files
# would stay root's, unreadable after the drop, and set aside as "not a
# spool segment" (before: all of them lost, with that misleading word).
SPOOL_ROOT=$E2E_TMP/spool-root
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --flush-timeout 200 \
	--sink "redis:port=6399,spool=$SPOOL_ROOT"
connect $LAB_V4_SRV 22 5 -c 1
lab_busywait 10000 live_stat_ge sinks.0.seen 5 || e2e_fail "root spool: nothing seen"
ss_stop
ss_refused 1 "not handed over to uid 65534 (chown -R it to that user, or give an empty directory)" \
	--queue 1 --user nobody --sink "redis:port=6399,spool=$SPOOL_ROOT"
[ "$(stat -c %U "$SPOOL_ROOT")" = root ] || e2e_fail "the root spool was chowned"

# 3. A parent directory that is a symbolic link; a file nobody planted.
mkdir -m 700 "$E2E_TMP/rootonly"
asnobody ln -s "$E2E_TMP/rootonly" "$PUB/pdir"
ss_refused 64 "a symbolic link on the path" --queue 1 --sink "file:path=$PUB/pdir/events.log"
[ -z "$(ls "$E2E_TMP/rootonly")" ] || e2e_fail "a file was made in the root-only directory"
asnobody sh -c "umask 0; : >'$PUB/planted.log'"
ss_refused 64 "owned by another user or writable by group or others" --queue 1 \
	--sink "file:path=$PUB/planted.log"
echo "  3: a symlinked parent and a planted file refused"

# 4. A --config of nobody's, writable by all.
asnobody sh -c "umask 0; printf 'queue = 1\n' >'$PUB/synsink.conf'"
ss_refused 64 "$PUB/synsink.conf: refused: owned by uid 65534" --config "$PUB/synsink.conf"
echo "  4: a --config nobody can change refused"

# 5. stderr a FIFO nobody reads; SIGUSR1 x300 fills it.
mkfifo "$E2E_TMP/errfifo"
# shellcheck disable=SC2217  # the point: it opens the FIFO and never reads
sleep 300 <"$E2E_TMP/errfifo" &
ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 --flush-timeout $FLUSH_MS \
	--metrics 127.0.0.1:9466 >"$E2E_TMP/out5" 2>"$E2E_TMP/errfifo" &
SS_PID=$!
metrics() { lab_srv curl -sS -m 2 -o "$E2E_TMP/metrics" http://127.0.0.1:9466/metrics; }
lab_busywait 10000 metrics || e2e_fail "stalled stderr: /metrics never answered"
for _ in $(seq 300); do kill -USR1 "$SS_PID"; sleep 0.005; done # spaced: none merge
dropped() { metrics && awk '/^synsink_log_dropped_total / { exit !($2 > 0) }' "$E2E_TMP/metrics"; }
lab_busywait 10000 dropped || e2e_fail "no stats line counted dropped"
sigterm_within $((FLUSH_MS + 1000)) "stalled stderr"
echo "  5: stderr stalled: $(awk '/^synsink_log_dropped_total / { print $2 }' "$E2E_TMP/metrics") lines dropped and counted, SIGTERM answered"
e2e_pass "FIFOs, a swapped cursor, a symlinked parent, a planted file and config, a stalled stderr: refused or survived"

#!/usr/bin/env bash
# Who opened it, for connections closed at once: processes of two users in
# the server namespace each open 50 connections (v4 and v6 by turns) and
# close each at once, so no socket is left for sock_diag to find.  The
# connect hook saw each one made, in the process's own context.
#   1. --source ebpf:s0 --owner=full, no rule anywhere: all 100 events
#      carry the right uid, user, pid and comm, and the process still
#      running (daemon's, which waits) its exe too.
#   2. The NFQUEUE source (OUTPUT rule), --owner=full: the same, exactly;
#      owner lookups/found 100/100, those of closed sockets through the
#      hook (owner.hooked).
#   3. --owner=proc, the old way alone (sock_diag and /proc): its start
#      line says so, the hook is not asked, and it misses some of the 50
#      (the issue measured 0 of 10; the number is printed).
#      Without CAP_PERFMON the hook cannot load: --owner=full says so in
#      its start line and runs the old way.
#   4. Without --owner the ebpf source loads no hook: no owner anywhere.
. "$(dirname "$0")/lib.sh"
CLIENT=$E2E_DIR/connect_close.py
PER=50
e2e_init

mkfifo "$E2E_TMP/hold"

# listen PORT N: a listener in the client namespace for N connections.
listen() {
	lab_cli "$SYNGEN" listen -a :: -p "$1" -n "$2" -t 60 >"$E2E_TMP/listen$1" 2>&1 &
	lab_busywait 5000 grep -q listening "$E2E_TMP/listen$1" || e2e_fail "listener"
}

# clients USER NAME [hold]: PER connect-and-close connections from the
# server namespace as USER, its process named NAME; "PID SPORT" lines in
# $E2E_TMP/NAME.  With hold it waits, after, until fd 7 closes.
clients() {
	local gid
	gid=$(id -g "$1")
	ip netns exec "$LAB_SRV" setpriv --reuid="$1" --regid="$gid" --clear-groups \
		/usr/bin/python3 "$CLIENT" $LAB_V4_CLI $LAB_V6_CLI 9000 "$2" $PER ${3:-} \
		<"$E2E_TMP/hold" >"$E2E_TMP/$2" &
	lab_busywait 20000 lab_lines_ge "$E2E_TMP/$2" $PER || e2e_fail "client $2: $(wc -l <"$E2E_TMP/$2")"
}

# two_users RUN SOURCE: both users' clients, then every event of RUN's
# output checked against what they printed.
two_users() {
	exec 7<>"$E2E_TMP/hold" # the holding client waits while it is open
	clients nobody "$1-quick"
	clients daemon "$1-hold" hold
	lab_busywait 10000 lab_lines_ge "$SS_OUT" $((2 * PER)) || e2e_fail "$1: events: $(wc -l <"$SS_OUT")"
	ss_stop
	local hold_pid hold_exe
	hold_pid=$(awk '{print $1; exit}' "$E2E_TMP/$1-hold")
	hold_exe=$(readlink "/proc/$hold_pid/exe")
	exec 7>&- # the holding client ends
	/usr/bin/python3 - "$E2E_TMP" "$1" "$2" $PER "$(id -u nobody)" "$(id -u daemon)" "$hold_exe" <<'PY' ||
import json, sys
d, run, source, per, uid_nobody, uid_daemon, hold_exe = sys.argv[1:]
per, uid_nobody, uid_daemon = int(per), int(uid_nobody), int(uid_daemon)
evs = [json.loads(l) for l in open(f"{d}/{run}.out")]
assert len(evs) == 2 * per, ("events", len(evs))
by_port = {e["sport"]: e for e in evs}
right = 0
for who, user, uid in (("quick", "nobody", uid_nobody), ("hold", "daemon", uid_daemon)):
    name = f"{run}-{who}"
    lines = [l.split() for l in open(f"{d}/{name}")]
    assert len(lines) == per, (name, len(lines))
    fams = set()
    for pid, sport in lines:
        e = by_port[int(sport)]
        want = {"uid": uid, "user": user, "pid": int(pid), "comm": name, "source": source}
        bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
        assert not bad, (name, sport, "got/want", bad)
        if who == "hold":
            assert e["exe"] == hold_exe, (e["exe"], hold_exe)
        fams.add(":" in e["src"])
        right += 1
    assert fams == {False, True}, (name, "not v4 and v6")
print(f"  {source}: {right} of {2 * per} connect-and-close events name their process exactly")
PY
		e2e_fail "$1: the owners"
}

# one_user RUN: nobody's clients alone, their events awaited, synsink stopped.
one_user() {
	exec 7<>"$E2E_TMP/hold"
	clients nobody "$1-quick"
	lab_busywait 10000 lab_lines_ge "$SS_OUT" $PER || e2e_fail "$1: events"
	ss_stop
	exec 7>&-
}

listen 9000 $((8 * PER))

# --- 1. the ebpf source ---------------------------------------------------
ss_start "$E2E_TMP/ebpf.out" "$E2E_TMP/ebpf.err" --source ebpf:s0 --ebpf-dir out --owner=full \
	--sink stdout:format=json
grep -q "owner: from the connect hook" "$E2E_TMP/ebpf.err" || e2e_fail "ebpf: no owner line"
two_users ebpf ebpf

# --- 2. NFQUEUE, --owner=full ---------------------------------------------
lab_rules_add --queue 1 --chain OUTPUT
ss_start "$E2E_TMP/nfq.out" "$E2E_TMP/nfq.err" --queue 1 --owner=full --sink stdout:format=json
grep -q "owner: .*, or from the connect hook (tp_btf/inet_sock_set_state) when the socket is gone" \
	"$E2E_TMP/nfq.err" || e2e_fail "nfqueue: owner line: $(grep owner: "$E2E_TMP/nfq.err")"
two_users nfq nfqueue
[ "$(ss_stat owner.lookups)/$(ss_stat owner.found)" = $((2 * PER))/$((2 * PER)) ] ||
	e2e_fail "owner lookups/found $(ss_stat owner.lookups)/$(ss_stat owner.found)"
echo "  nfqueue: $(ss_stat owner.hooked) of them through the hook, their socket gone"

# --- 3. --owner=proc: the old way alone -----------------------------------
ss_start "$E2E_TMP/proc.out" "$E2E_TMP/proc.err" --queue 1 --owner=proc --sink stdout:format=json
grep -q "owner: uid and gid with each packet; the process from sock_diag and /proc after the verdict (--owner=proc)" \
	"$E2E_TMP/proc.err" || e2e_fail "proc: owner line: $(grep owner: "$E2E_TMP/proc.err")"
one_user proc
[ "$(ss_stat owner.hooked)" = 0 ] || e2e_fail "--owner=proc used the hook"
found=$(grep -c '"pid":[0-9]' "$E2E_TMP/proc.out") || true
echo "  --owner=proc: $found of $PER with a pid (the old way)"
# Were it all, this test would no longer show what the hook is for.
[ "$found" -lt $PER ] || e2e_fail "--owner=proc found every connect-and-close: no case for the hook here"

# --- 3b. --owner=full where the hook cannot load: the old way, said so -----
SS_WRAP="setpriv --bounding-set -perfmon,-sys_admin --" \
	ss_start "$E2E_TMP/nohook.out" "$E2E_TMP/nohook.err" --queue 1 --owner=full \
	--sink stdout:format=json
grep -q "owner: uid and gid with each packet; the process from sock_diag and /proc after the verdict (no connect hook: loading the connect hook is not permitted (it needs CAP_BPF and CAP_PERFMON))" \
	"$E2E_TMP/nohook.err" || e2e_fail "no hook: owner line: $(grep owner: "$E2E_TMP/nohook.err")"
one_user nohook
[ "$(ss_stat owner.hooked)" = 0 ] || e2e_fail "a hook that did not load found owners"
lab_rules_del

# --- 4. no --owner: no hook ------------------------------------------------
ss_start "$E2E_TMP/none.out" "$E2E_TMP/none.err" --source ebpf:s0 --ebpf-dir out \
	--sink stdout:format=json
grep -q "owner:" "$E2E_TMP/none.err" && e2e_fail "an owner line without --owner"
one_user none
[ "$(grep -c '"uid":' "$E2E_TMP/none.out")" = 0 ] || e2e_fail "an owner field without --owner"
e2e_pass "$((2 * PER)) connections closed at once, ebpf and nfqueue: uid, user, pid, comm right in every event"

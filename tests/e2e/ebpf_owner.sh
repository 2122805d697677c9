#!/usr/bin/env bash
# Who opened it, for connections closed at once (--source ebpf --owner):
# processes of two users in the server namespace each open 50 connections
# (v4 and v6 by turns) and close each at once, so no socket is left for
# sock_diag to find.  The connect hook saw each one being made, in the
# process's own context: all 100 events carry the right uid, user, pid and
# comm; the process still running (daemon's, which waits) also its exe.
# Without --owner the hook is not loaded: no owner in any event.
. "$(dirname "$0")/lib.sh"
CLIENT=$E2E_DIR/connect_close.py
PER=50
e2e_init

mkfifo "$E2E_TMP/hold"
exec 7<>"$E2E_TMP/hold" # the holding client waits while it is open

# listen PORT N: a listener in the client namespace for N connections.
listen() {
	lab_cli "$SYNGEN" listen -a :: -p "$1" -n "$2" -t 60 >"$E2E_TMP/listen$1" 2>&1 &
	lab_busywait 5000 grep -q listening "$E2E_TMP/listen$1" || e2e_fail "listener"
}

# clients USER NAME [hold]: PER connect-and-close connections from the
# server namespace as USER, its process named NAME; "PID SPORT" lines in
# $E2E_TMP/NAME.
clients() {
	local gid
	gid=$(id -g "$1")
	ip netns exec "$LAB_SRV" setpriv --reuid="$1" --regid="$gid" --clear-groups \
		/usr/bin/python3 "$CLIENT" $LAB_V4_CLI $LAB_V6_CLI 9000 "$2" $PER ${3:-} \
		<"$E2E_TMP/hold" >"$E2E_TMP/$2" &
	lab_busywait 20000 lab_lines_ge "$E2E_TMP/$2" $PER || e2e_fail "client $2: $(wc -l <"$E2E_TMP/$2")"
}

listen 9000 $((3 * PER))
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --source ebpf:s0 --ebpf-dir out --owner=full \
	--sink stdout:format=json
grep -q "owner: from the connect hook" "$E2E_TMP/err" || e2e_fail "no start line for the owner's way"
clients nobody ss-e2e-quick
clients daemon ss-e2e-hold hold
lab_busywait 10000 lab_lines_ge "$E2E_TMP/out" $((2 * PER)) || e2e_fail "events: $(wc -l <"$E2E_TMP/out")"
ss_stop
hold_pid=$(awk '{print $1; exit}' "$E2E_TMP/ss-e2e-hold")
hold_exe=$(readlink "/proc/$hold_pid/exe")
exec 7>&- # the holding client ends

/usr/bin/python3 - "$E2E_TMP" $PER "$(id -u nobody)" "$(id -u daemon)" "$hold_exe" <<'PY' ||
import json, sys
d, per, uid_nobody, uid_daemon, hold_exe = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
evs = [json.loads(l) for l in open(f"{d}/out")]
assert len(evs) == 2 * per, ("events", len(evs))
by_port = {e["sport"]: e for e in evs}
right = 0
for name, user, uid in (("ss-e2e-quick", "nobody", uid_nobody), ("ss-e2e-hold", "daemon", uid_daemon)):
    lines = [l.split() for l in open(f"{d}/{name}")]
    assert len(lines) == per, (name, len(lines))
    fams = set()
    for pid, sport in lines:
        e = by_port[int(sport)]
        want = {"uid": uid, "user": user, "pid": int(pid), "comm": name, "source": "ebpf"}
        bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
        assert not bad, (name, sport, "got/want", bad)
        if name == "ss-e2e-hold":
            assert e["exe"] == hold_exe, (e["exe"], hold_exe)
        fams.add(":" in e["src"])
        right += 1
    assert fams == {False, True}, (name, "not v4 and v6")
print(f"  {right} of {2 * per} connect-and-close events name their process exactly")
PY
	e2e_fail "the owners"

# Without --owner: no hook, no owner.
: >"$E2E_TMP/out"
exec 7<>"$E2E_TMP/hold"
ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --source ebpf:s0 --ebpf-dir out --sink stdout:format=json
grep -q "owner:" "$E2E_TMP/err2" && e2e_fail "an owner line without --owner"
clients nobody ss-e2e-none
lab_busywait 10000 lab_lines_ge "$E2E_TMP/out" $PER || e2e_fail "events without --owner"
ss_stop
exec 7>&-
[ "$(grep -c '"uid":' "$E2E_TMP/out")" = 0 ] || e2e_fail "an owner field without --owner"
e2e_pass "$((2 * PER)) connections closed at once: uid, user, pid, comm right in every event"

#!/usr/bin/env bash
# Who sent it (--owner=full), for SYNs the server namespace sends (the
# OUTPUT rule): processes of two users, one in a cgroup the test makes,
# each reported with its uid, user, pid, comm, exe and cgroup, checked
# against what the test started; then the same after --user nobody (what
# --owner=full keeps: CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH).  Last, a
# flood of outbound connections (10k/s from one process, each held 20 ms),
# with and without --owner=full in one run: every event arrives, verdict
# p99 stays in the bucket of the run without (or the next: at this rate
# p99 sits on a bucket edge), at least half are attributed, and the hit
# rate is printed.
. "$(dirname "$0")/lib.sh"
CLIENT=$E2E_DIR/owner_client.py
N=15000 RATE=10000
e2e_init
lab_rules_add --queue 1 --chain OUTPUT

cg2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
[ -n "$cg2" ] || e2e_fail "no cgroup v2 hierarchy mounted"
CG=$cg2/synsink-e2e-$$
mkdir "$CG"
e2e_at_exit 'lab_busywait 5000 rmdir "$CG" 2>/dev/null'

mkfifo "$E2E_TMP/hold"
exec 7<>"$E2E_TMP/hold" # the clients keep their connections while it is open

# client USER ADDR NAME [CGROUP]: one connection from the server namespace
# as USER, named NAME; "PID SPORT" lands in $E2E_TMP/NAME.
# (ip netns exec mounts a sysfs of the namespace's own, without cgroups:
# the process joins the cgroup before it.)
client() {
	local cmd gid
	gid=$(id -g "$1")
	cmd="exec ip netns exec $LAB_SRV setpriv --reuid=$1 --regid=$gid --clear-groups"
	cmd+=" /usr/bin/python3 $CLIENT $2 9000 $3"
	[ -n "${4:-}" ] && cmd="echo \$\$ >$4/cgroup.procs && $cmd"
	sh -c "$cmd" <"$E2E_TMP/hold" >"$E2E_TMP/$3" &
	lab_busywait 10000 test -s "$E2E_TMP/$3" || e2e_fail "client $3 did not connect"
}

# check NAME USER [CGROUP]: the event of client NAME names it.
check() {
	local pid sport
	read -r pid sport <"$E2E_TMP/$1"
	python3 - "$SS_OUT" "$pid" "$sport" "$1" "$2" "$(id -u "$2")" \
		"$(readlink "/proc/$pid/exe")" "$(sed -n 's/^0:://p' "/proc/$pid/cgroup")" "${3:-}" <<'PY' ||
import json, sys
out, pid, sport, comm, user, uid, exe, cgroup, want_cg = sys.argv[1:]
evs = [e for e in map(json.loads, open(out)) if e["sport"] == int(sport)]
assert len(evs) == 1, "%d events from port %s" % (len(evs), sport)
e = evs[0]
want = {"uid": int(uid), "user": user, "pid": int(pid), "comm": comm, "exe": exe,
        "cgroup": cgroup, "unit": None, "container": None, "secctx": None}
bad = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
assert not bad, "got/want: %s" % bad
assert not want_cg or cgroup.endswith("/" + want_cg), "cgroup %s, not the test's %s" % (cgroup, want_cg)
PY
		e2e_fail "event of $1"
}

# listen PORT N: a listener in the client namespace for N connections.
listen() {
	lab_cli "$SYNGEN" listen -a :: -p "$1" -n "$2" -t 60 >"$E2E_TMP/listen$1" 2>&1 &
	lab_busywait 5000 grep -q listening "$E2E_TMP/listen$1" || e2e_fail "listener"
}

# Two users, v4 and v6, one of them in the test's cgroup.
listen 9000 3
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --owner=full --sink stdout:format=json \
	--metrics $LAB_V4_SRV:9464
client nobody $LAB_V4_CLI ss-e2e-nobody
client daemon $LAB_V6_CLI ss-e2e-daemon "$CG"
lab_busywait 10000 lab_lines_ge "$E2E_TMP/out" 2 || e2e_fail "events"
# The counters in /metrics too (scraped from the client side: a SYN
# arriving, which the OUTPUT rule does not queue).
lab_cli curl -sS -o "$E2E_TMP/metrics" http://$LAB_V4_SRV:9464/metrics || e2e_fail "curl"
/usr/bin/python3 "$E2E_DIR/promcheck.py" "$E2E_TMP/metrics" || e2e_fail "not valid Prometheus text"
grep -qx 'synsink_owner_found_total 2' "$E2E_TMP/metrics" ||
	e2e_fail "/metrics: $(grep -m 1 '^synsink_owner_found' "$E2E_TMP/metrics")"
ss_stop
check ss-e2e-nobody nobody
check ss-e2e-daemon daemon "$(basename "$CG")"
[ "$(ss_stat owner.lookups)/$(ss_stat owner.found)" = 2/2 ] ||
	e2e_fail "owner lookups/found $(ss_stat owner.lookups)/$(ss_stat owner.found), not 2/2"

# After --user nobody: another user's process, found with the two
# capabilities --owner=full keeps, and no more than those three.
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --owner=full --user nobody \
	--sink stdout:format=json
caps=$(awk '/^CapEff/ {print $2}' "/proc/$SS_PID/status")
[ "$caps" = "$(printf '%016x' $(((1 << 12) | (1 << 19) | (1 << 2))))" ] ||
	e2e_fail "capabilities after --user: $caps (want NET_ADMIN, SYS_PTRACE, DAC_READ_SEARCH)"
client daemon $LAB_V4_CLI ss-e2e-priv
lab_busywait 10000 lab_lines_ge "$E2E_TMP/out" 1 || e2e_fail "event after --user"
ss_stop
check ss-e2e-priv daemon
exec 7>&- # the clients close

# flood PORT [ARGS...]: N connections at RATE a second from one process,
# each held open 20 ms (so the process holds some 200 sockets, which a
# lookup reads through), synsink run with ARGS; every SYN the kernel
# queued is one event.  With NFLOG, what the kernel numbered for the group
# (the last sequence number + 1) stands for what it queued, none lost.
flood() {
	local port=$1
	shift
	listen "$port" "$N"
	ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 "$@" --sink stdout:format=json
	lab_srv "$SYNGEN" connect -a $LAB_V4_CLI -p "$port" -n "$N" -c 512 -r "$RATE" -H 20 -t 60 \
		>/dev/null 2>"$E2E_TMP/connect" || e2e_fail "connect: $(cat "$E2E_TMP/connect")"
	ss_stop
	local queued events
	events=$(wc -l <"$E2E_TMP/out")
	if holds; then
		queued=$(ss_stat queues.0.kernel.id_sequence)
	else
		# The group's sequence numbers: the highest one says how many the
		# kernel numbered; a number seen twice is named with its events.
		queued=$(python3 - "$E2E_TMP/out" "$E2E_TMP/dup_ids" <<'PY'
import collections, json, sys
evs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    e = json.loads(line)
    evs[e["id"]].append("%s:%s>%s:%s %s" % (e["src"], e["sport"], e["dst"], e["dport"], e["ts"]))
with open(sys.argv[2], "w") as f:
    for i, v in sorted(evs.items()):
        if len(v) > 1:
            print("id %d: %s" % (i, "; ".join(v)), file=f)
print(max(evs) + 1)
PY
)
		[ ! -s "$E2E_TMP/dup_ids" ] || e2e_fail "sequence numbers seen twice: $(head -n 5 "$E2E_TMP/dup_ids")"
		[ "$(ss_stat groups.0.lost)" = 0 ] || e2e_fail "lost $(ss_stat groups.0.lost) of $queued"
	fi
	[ "$events" = "$queued" ] && [ "$(ss_stat queues.0.received)" = "$queued" ] ||
		e2e_fail "$events events, $(ss_stat queues.0.received) read, for $queued SYNs queued"
	# A few SYNs sent at this rate reach the rule but get no queue id, with
	# or without --owner (accepted unqueued by the kernel, counted nowhere
	# but in the rule's own packet counter): said, not hidden.  Seen: 0.1%
	# to 1.1% of them (the most under ASan in CI), so the floor is 95%: it
	# catches a queue that stopped taking SYNs, not the kernel's share.
	# NFLOG's log statement leaves a like share unnumbered (0.3% at the
	# start of the third flood running): never sent, so not lost to us.
	[ "$queued" -ge $((N * 95 / 100)) ] || e2e_fail "only $queued of $N SYNs queued"
	unqueued+=" $((N - queued))"
}
# Each twice, alternated: p99 of 15 000 verdicts moves by a bucket or
# two from run to run on a busy 2-vCPU machine with no --owner at all.
# The better --owner=full run must be within one bucket of the worse run
# without: a lookup that held up the verdicts would shift both.
unqueued="" base=0 full=99 found=0 lookups=0
for port in 9001 9003; do
	flood $port
	if holds; then
		p=$(ss_p99_bucket)
		[ "$p" -le "$base" ] || base=$p
	fi
	flood $((port + 1)) --owner=full
	if holds; then
		p=$(ss_p99_bucket)
		[ "$p" -ge "$full" ] || full=$p
	fi
	found=$((found + $(ss_stat owner.found))) lookups=$((lookups + $(ss_stat owner.lookups)))
done
# The last run's events against its counters, exactly: every event with
# a uid was looked up once, and each one found carries its pid.  (A SYN
# the kernel sends with no full socket behind it has no uid: seen once
# in CI among 15 000.)
read -r with_uid with_pid <<<"$(python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(sum(e["uid"] is not None for e in ev), sum(e["pid"] is not None for e in ev))' "$E2E_TMP/out")"
[ "$(ss_stat owner.lookups)" = "$with_uid" ] && [ "$(ss_stat owner.found)" = "$with_pid" ] ||
	e2e_fail "owner lookups/found $(ss_stat owner.lookups)/$(ss_stat owner.found), events with a uid/pid $with_uid/$with_pid"
no_uid=$(($(ss_stat queues.0.events) - with_uid))
# The lookups work under the flood (a floor that catches a broken path;
# the figure itself is printed).
[ $((found * 2)) -ge "$lookups" ] || e2e_fail "attribution $found of $lookups"
# (NFLOG holds nothing: no verdict, no latency to compare.)
! holds || [ "$full" -le $((base + 1)) ] ||
	e2e_fail "verdict p99 bucket $full at best with --owner=full, $base at worst without"
lat="verdict p99 bucket $full at best (without: $base at worst)"
holds || lat="no verdicts to time (NFLOG)"
e2e_pass "two users and a cgroup attributed exactly, also after --user; floods of $N at $RATE/s: every event, $lat, attribution $found of $lookups ($((found * 100 / lookups))%); SYNs the kernel left unqueued:$unqueued; last run's SYNs without a uid: $no_uid"

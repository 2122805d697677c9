#!/usr/bin/env bash
# With packet timestamps switched on host-wide (SO_TIMESTAMP, as tcpdump
# sets it), every queued packet carries NFQA_TIMESTAMP, a struct of two
# be64 at netlink's 4-byte alignment.  synsink must read it without a
# misaligned access: the ASan/UBSan build aborted here (capture.c, member
# access within misaligned address) and the SYN was lost.
. "$(dirname "$0")/lib.sh"
N=20
e2e_init
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc TSTAMP { exec python3 "$E2E_DIR/tstamp-on.py" 120; }
lab_coproc_keep TSTAMP && read -r -t 10 line <&"$TSTAMP_OUT" &&
	[ "$line" = "timestamps on" ] || e2e_fail "could not switch timestamps on"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 5
connect $LAB_V6_SRV 22 $N -c 5
wait_lines "$E2E_TMP/out" $((2 * N))
ss_stop
[ "$(ss_stat queues.0.events)" = $((2 * N)) ] || e2e_fail "events counter"
[ "$(ss_stat queues.0.verdicts)" = "$(ss_stat queues.0.received)" ] || e2e_fail "verdicts != received"
# Each event's time is the kernel's (within a minute of ours).
python3 - "$E2E_TMP/out" <<'PY' || e2e_fail "event times"
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
for line in open(sys.argv[1]):
    ts = datetime.datetime.fromisoformat(json.loads(line)["ts"].replace("Z", "+00:00"))
    assert abs((now - ts).total_seconds()) < 60, ts
PY
e2e_pass "$N IPv4 + $N IPv6 connections with NFQA_TIMESTAMP on every packet"

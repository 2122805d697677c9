#!/usr/bin/env bash
# The syslog sink against a real rsyslogd: the unix socket (RFC 3164),
# UDP (RFC 5424, JSON) and TCP (RFC 5424, octet counting) at once.  N
# connections per family -> exactly 2N messages per input, with the
# facility, severity, tag and hostname asked for, and the flows made.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
N=10
e2e_init
rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5514 5515 || e2e_fail "rsyslogd"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "syslog:target=unix:$E2E_TMP/rs/log.sock,facility=local3,severity=notice" \
	--sink "syslog:target=udp:127.0.0.1:5514,facility=local4,severity=warning,format=json,hostname=lab-udp" \
	--sink "syslog:target=tcp:127.0.0.1:5515,facility=auth,tag=synsink-tcp,hostname=lab-tcp"
listen_start 22 $((2 * N))
connect $LAB_V4_SRV 22 $N -c 2
connect $LAB_V6_SRV 22 $N -c 2
for input in imuxsock imudp imtcp; do
	lab_busywait 10000 rsyslog_count_is $input $((2 * N)) ||
		e2e_fail "$input: $(grep -c "^$input " "$E2E_TMP/rs/out.log") messages"
done
ss_stop
rsyslog_stop
for i in 0 1 2; do
	[ "$(ss_stat sinks.$i.plugin.sent)" = $((2 * N)) ] || e2e_fail "sink $i sent"
	[ "$(ss_stat sinks.$i.plugin.failed)" = 0 ] || e2e_fail "sink $i failed"
done
python3 - "$E2E_TMP/rs/out.log" "$E2E_TMP/made" <<'PY' || e2e_fail "message contents"
import collections, json, sys
made = {l.strip()[3:] for l in open(sys.argv[2])}     # "SRC -> DST"
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    inp, fac, sev, tag, host, msg = line.rstrip("\n").split(" ", 5)
    by[inp].append((fac, sev, tag, host, msg.strip()))
pre = "A new tcp connection will be established: "
ux = by["imuxsock"]
assert all(m[:3] == ("local3", "notice", "synsink") for m in ux), ux[0]
assert {m[4][len(pre):] for m in ux} == made
tcp = by["imtcp"]
assert all(m[:4] == ("auth", "info", "synsink-tcp", "lab-tcp") for m in tcp), tcp[0]
assert {m[4][len(pre):] for m in tcp} == made
udp = by["imudp"]
assert all(m[:4] == ("local4", "warning", "synsink", "lab-udp") for m in udp), udp[0]
ev = [json.loads(m[4]) for m in udp]
fmt = lambda a, f: f"[{a}]" if f == "ipv6" else a
assert {f'{fmt(e["src"], e["family"])}:{e["sport"]} -> {fmt(e["dst"], e["family"])}:{e["dport"]}' for e in ev} == made
PY
e2e_pass "unix/3164, udp/5424+JSON, tcp/5424 octet-counted: $((2 * N)) each, fields right"

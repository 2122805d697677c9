#!/usr/bin/env bash
# The file sink under the real logrotate: rotated four times while SYNs
# arrive (rename, then SIGHUP as dist/synsink.logrotate does it), every
# event is in exactly one of the files, none lost, none twice.
. "$(dirname "$0")/lib.sh"
N=8000 RATE=2000 ROTATIONS=4
e2e_init
command -v logrotate >/dev/null || e2e_fail "logrotate is not installed"
mkdir -m 700 "$E2E_TMP/log"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 \
	--sink "file:path=$E2E_TMP/log/events.json,mode=0600"
cat >"$E2E_TMP/logrotate.conf" <<EOC
$E2E_TMP/log/events.json {
	rotate 10
	nocompress
	missingok
	postrotate
		kill -HUP $SS_PID
	endscript
}
EOC
lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n $N -r $RATE -t 20 \
	>"$E2E_TMP/raw" 2>&1 &
gen=$!
for r in $(seq $ROTATIONS); do
	# Rotate once the live file has a share of the events: the rotations
	# spread over the run, each under traffic.
	lab_busywait 10000 lab_lines_ge "$E2E_TMP/log/events.json" $((N / (ROTATIONS + 2))) ||
		e2e_fail "rotation $r: the live file does not fill"
	logrotate -f -s "$E2E_TMP/logrotate.state" "$E2E_TMP/logrotate.conf" ||
		e2e_fail "logrotate failed"
	lab_busywait 5000 live_stat_ge sinks.0.plugin.reopens "$r" || e2e_fail "rotation $r: no reopen"
done
wait "$gen" || e2e_fail "syngen: $(cat "$E2E_TMP/raw")"
lab_busywait 10000 live_stat_ge sinks.0.delivered $N || e2e_fail "not every event reached the sink"
ss_stop
ls "$E2E_TMP/log" >"$E2E_TMP/files"
[ "$(grep -c . "$E2E_TMP/files")" = $((ROTATIONS + 1)) ] || e2e_fail "files: $(tr '\n' ' ' <"$E2E_TMP/files")"
/usr/bin/python3 - "$E2E_TMP/log" $N <<'PY' || e2e_fail "events across the files"
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
ids, per_file = [], {}
for f in sorted(os.listdir(d)):
    lines = open(os.path.join(d, f)).read().splitlines()
    per_file[f] = len(lines)
    ids += [json.loads(l)["id"] for l in lines]
assert len(ids) == n, ("lines", len(ids), per_file)
assert len(set(ids)) == n, ("distinct", len(set(ids)))
assert all(per_file.values()), ("an empty file", per_file)
print("  per file:", per_file)
PY
[ "$(ss_stat sinks.0.plugin.lines)" = $N ] || e2e_fail "lines $(ss_stat sinks.0.plugin.lines)"
[ "$(ss_stat sinks.0.plugin.reopens)" = $ROTATIONS ] || e2e_fail "reopens $(ss_stat sinks.0.plugin.reopens)"
[ "$(stat -c %a "$E2E_TMP/log/events.json")" = 600 ] || e2e_fail "mode $(stat -c %a "$E2E_TMP/log/events.json")"
e2e_pass "$N events across $ROTATIONS rotations into $((ROTATIONS + 1)) files: each exactly once"

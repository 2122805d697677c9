#!/usr/bin/env bash
# stdout and the file sink into files on a full filesystem (a 64 KiB tmpfs,
# unmounted at exit): the failures are counted, synsink carries
# on and exits cleanly, and delivered + failed = events.  Each file holds
# exactly the delivered events' lines, whole: a write cut short by the full
# disk is cut back to the last whole line.  (Before: the last line torn,
# `{"v":1,"v_minor"`, and more lines counted failed than were missing.)
. "$(dirname "$0")/lib.sh"
N=400
e2e_init
lab_rules_add --queue 1
mkdir "$E2E_TMP/full"
mount -t tmpfs -o size=64k lab-full "$E2E_TMP/full"
e2e_at_exit "umount '$E2E_TMP/full'"
ss_start "$E2E_TMP/full/out" "$E2E_TMP/err" --queue 1 --sink stdout:format=json \
	--sink "file:path=$E2E_TMP/full/file.json"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N -c 8
lab_busywait 10000 live_stat_ge sinks.0.plugin.write_errors 1 || e2e_fail "no write error counted"
lab_busywait 10000 sh -c "grep '\"final\":false' '$SS_ERR' | tail -n1 | grep -q '\"events\":$N,'" ||
	e2e_fail "not all events captured"
ss_stop
said=""
for i in 0 1; do
	f=$([ $i = 0 ] && echo out || echo file.json)
	delivered=$(ss_stat sinks.$i.delivered) failed=$(ss_stat sinks.$i.failed)
	[ "$failed" -gt 0 ] || e2e_fail "sink $i: nothing failed on a full filesystem?"
	[ $((delivered + failed)) = $N ] || e2e_fail "sink $i: delivered $delivered + failed $failed != $N"
	lines=$(wc -l <"$E2E_TMP/full/$f") last=$(tail -c1 "$E2E_TMP/full/$f" | od -An -tx1 | tr -d ' ')
	[ "$lines" = "$delivered" ] || e2e_fail "$f: $lines lines, $delivered counted delivered"
	[ "$last" = 0a ] || e2e_fail "$f: the last line is torn (ends in byte $last)"
	said="$said sink $i: $delivered delivered = lines, $failed failed;"
done
[ "$(grep -c 'write: No space left on device' "$SS_ERR")" = 1 ] || e2e_fail "stderr: $(grep -v stats "$SS_ERR")"
[ "$(grep -c "file.json: No space left on device" "$SS_ERR")" = 1 ] || e2e_fail "stderr: $(grep -v stats "$SS_ERR")"
e2e_pass "ENOSPC:$said one line each, clean exit"

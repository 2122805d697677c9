#!/usr/bin/env bash
# --config: the file's settings and sinks apply, flags override them, and
# a bad file is one "FILE:LINE: why" line with exit 64.
. "$(dirname "$0")/lib.sh"
e2e_init
cat >"$E2E_TMP/synsink.conf" <<EOC
# the lab's config
queue = 5
stats-interval = 1
[sink stdout]
format = json
EOC
lab_rules_add --queue 6
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --config "$E2E_TMP/synsink.conf" --queue 6
listen_start 22 2
connect $LAB_V4_SRV 22 2
wait_lines "$E2E_TMP/out" 2
lab_busywait 5000 grep -q '"final":false' "$E2E_TMP/err" || e2e_fail "stats-interval from the file"
ss_stop
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$E2E_TMP/out" ||
	e2e_fail "the file's format=json did not apply"
[ "$(ss_stat queues.0.queue)" = 6 ] || e2e_fail "--queue did not override the file"
printf 'queue = 1\n[sink stdout]\nformat = xml\n' >"$E2E_TMP/bad.conf"
rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --config "$E2E_TMP/bad.conf" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 64 ] || e2e_fail "bad sink value: exit $rc: $out"
case $out in "synsink: $E2E_TMP/bad.conf:2: sink stdout: option 'format': 'xml'"*) ;;
*) e2e_fail "unclear: $out" ;; esac
printf 'queue = 1\nqueu = 2\n' >"$E2E_TMP/bad.conf"
rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --config "$E2E_TMP/bad.conf" 2>&1 >/dev/null) || rc=$?
[ "$rc" = 64 ] && [ "$out" = "synsink: $E2E_TMP/bad.conf:2: unknown key 'queu'" ] ||
	e2e_fail "unknown key: exit $rc: $out"
# refused_conf FILE EXPECTED: exactly that one line, exit 64, within 5 s
# (a FIFO used to hang, /dev/zero to grow without bound).
refused_conf() {
	local rc=0 out
	out=$(timeout 5 ip netns exec "$LAB_SRV" "$SYNSINK" --config "$1" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 64 ] && [ "$out" = "synsink: $2" ] || e2e_fail "--config $1: exit $rc: $out"
	printf '  %-40s -> %s\n' "--config ${1#"$E2E_TMP"/}" "$out"
}
refused_conf /etc "/etc: not a regular file (a directory)"
refused_conf /dev/zero "/dev/zero: not a regular file (a device)"
mkfifo "$E2E_TMP/fifo.conf"
refused_conf "$E2E_TMP/fifo.conf" "$E2E_TMP/fifo.conf: not a regular file (a FIFO)"
printf 'queue = 1\nstats-interval = 5\0 0\n' >"$E2E_TMP/bad.conf"
refused_conf "$E2E_TMP/bad.conf" "$E2E_TMP/bad.conf:2: a NUL byte in the line"
printf 'queue = 1\nqueue = 2\n' >"$E2E_TMP/bad.conf"
refused_conf "$E2E_TMP/bad.conf" "$E2E_TMP/bad.conf:2: 'queue' given twice (first at line 1)"
printf 'queue = 1\n\ngroup = root\n' >"$E2E_TMP/bad.conf"
refused_conf "$E2E_TMP/bad.conf" "$E2E_TMP/bad.conf:3: --group needs --user"
lab_queue_bound 1 && e2e_fail "a refused config bound a queue"
e2e_pass "file settings applied, --queue overrode, bad files refused with FILE:LINE"

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
e2e_pass "file settings applied, --queue overrode, bad files refused with FILE:LINE"

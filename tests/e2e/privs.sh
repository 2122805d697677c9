#!/usr/bin/env bash
# --user: after set-up synsink runs as that user with CAP_NET_ADMIN only
# (effective, permitted and bounding; nothing inheritable; no_new_privs),
# in every thread, and still gives verdicts and unbinds cleanly.
. "$(dirname "$0")/lib.sh"
e2e_init
lab_rules_add --queue 1
rc=0
out=$(ip netns exec "$LAB_SRV" "$SYNSINK" --queue 1 --user no-such-user 2>&1 >/dev/null) || rc=$?
[ "$rc" = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || e2e_fail "unknown user: exit $rc: $out"
case $out in *"no user 'no-such-user'"*) ;; *) e2e_fail "unclear: $out" ;; esac
lab_queue_bound 1 && e2e_fail "queue left bound"

# A second sink with a spool and no server: the spool is the --user
# account's, 0700, and takes the events after the privilege drop.
# A Kafka sink with no broker: librdkafka starts threads of its own while
# synsink is still root; they too must end with the bounding set and
# no_new_privs (no way back to root through a set-uid exec).
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --user nobody --flush-timeout 200 \
	--sink stdout --sink "redis:port=6499,buffer=2,spool=$E2E_TMP/spool" \
	--sink kafka:brokers=127.0.0.1:9,topic=t
listen_start 22 6
connect $LAB_V4_SRV 22 3
connect $LAB_V6_SRV 22 3
wait_lines "$E2E_TMP/out" 6
uid=$(id -u nobody) gid=$(id -g nobody)
for st in /proc/"$SS_PID"/task/*/status; do
	grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid$" "$st" || e2e_fail "$st: $(grep Uid "$st")"
	grep -qP "^Gid:\t$gid\t$gid\t$gid\t$gid$" "$st" || e2e_fail "$st: $(grep Gid "$st")"
	grep -qP "^Groups:\t$gid ?$" "$st" || e2e_fail "$st: $(grep Groups "$st")"
	grep -qP "^CapBnd:\t0000000000001000$" "$st" || e2e_fail "$st: $(grep CapBnd "$st")"
	# Ours keep CAP_NET_ADMIN (bit 12), a library's threads nothing.
	case $(cat "${st%/status}/comm") in
	rdk:*) caps=0000000000000000 ;;
	*) caps=0000000000001000 ;;
	esac
	for k in CapEff CapPrm; do
		grep -qP "^$k:\t$caps$" "$st" || e2e_fail "$st: $(grep "$k" "$st")"
	done
	grep -qP "^CapInh:\t0000000000000000$" "$st" || e2e_fail "$st: $(grep CapInh "$st")"
	grep -qP "^NoNewPrivs:\t1$" "$st" || e2e_fail "$st: no_new_privs"
done
threads=$(ls /proc/"$SS_PID"/task | wc -l)
# The kernel's counters (a root-only file) stay readable after the drop:
# live, and in the final line taken just before the unbind.
[ "$(ss_live_stat queues.0.kernel.queue_total)" = 0 ] || e2e_fail "no kernel counters after --user"
ss_stop
[ "$(stat -c '%U %a' "$E2E_TMP/spool")" = "nobody 700" ] || e2e_fail "spool: $(stat -c '%U %a' "$E2E_TMP/spool")"
[ "$(ss_stat sinks.1.spooled)" = 6 ] || e2e_fail "spooled $(ss_stat sinks.1.spooled)"
for f in "$E2E_TMP"/spool/*.seg; do
	[ "$(stat -c '%U %a' "$f")" = "nobody 600" ] || e2e_fail "$f: $(stat -c '%U %a' "$f")"
done
[ "$(ss_stat queues.0.events)" = 6 ] || e2e_fail "events"
[ "$(ss_stat queues.0.kernel.id_sequence)" = 6 ] || e2e_fail "final kernel counters: $(ss_stat queues.0.kernel)"
[ "$(ss_stat queues.0.verdicts)" = 6 ] || e2e_fail "verdicts"
lab_queue_bound 1 && e2e_fail "queue still bound after exit"
e2e_pass "uid/gid $uid/$gid, CAP_NET_ADMIN only, no_new_privs, in all $threads threads; verdicts and unbind work; the spool is nobody's, 0700"

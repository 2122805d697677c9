#!/usr/bin/env bash
# "synsink --sink syslog" with no options logs to the host's syslog: the
# default target is /dev/log.  rsyslogd (imuxsock on /dev/log) and synsink
# run in a private mount namespace over a scratch /dev, so the host's
# /dev/log is never touched.
. "$(dirname "$0")/lib.sh"
e2e_init
lab_rules_add --queue 1
listen_start 22 3
cat >"$E2E_TMP/rsyslog.conf" <<EOC
global(workDirectory="$E2E_TMP")
module(load="imuxsock" SysSock.Use="on" SysSock.RateLimit.Interval="0")
template(name="lab" type="string" string="%syslogfacility-text% %syslogseverity-text% %programname% %msg%\n")
*.* action(type="omfile" file="$E2E_TMP/out.log" template="lab")
EOC
cat >"$E2E_TMP/inner.sh" <<EOS
set -euo pipefail
mount -t tmpfs -o mode=755 scratch-dev /dev
mknod -m 666 /dev/null c 1 3
mknod -m 444 /dev/urandom c 1 9
rsyslogd -n -f "$E2E_TMP/rsyslog.conf" -i "$E2E_TMP/rsyslogd.pid" &
rs=\$!
for i in \$(seq 500); do [ -S /dev/log ] && break; sleep 0.02; done
[ -S /dev/log ] || { echo "no /dev/log"; exit 1; }
"$SYNSINK" --queue 1 --sink syslog 2>"$E2E_TMP/err" &
ss=\$!
for i in \$(seq 500); do grep -q "synsink: listening" "$E2E_TMP/err" && break; sleep 0.02; done
echo ready >"$E2E_TMP/ready"
for i in \$(seq 1000); do [ -f "$E2E_TMP/go" ] && break; sleep 0.02; done
kill -TERM \$ss; wait \$ss
kill -TERM \$rs; wait \$rs || true
EOS
# shellcheck disable=SC2034  # read by lib.sh's e2e_fail
SS_ERR=$E2E_TMP/err
ip netns exec "$LAB_SRV" unshare --mount --propagation private bash "$E2E_TMP/inner.sh" \
	>"$E2E_TMP/inner.out" 2>&1 &
inner=$!
lab_busywait 15000 test -f "$E2E_TMP/ready" || e2e_fail "inner: $(cat "$E2E_TMP/inner.out")"
connect $LAB_V4_SRV 22 3
touch "$E2E_TMP/go"
wait $inner || e2e_fail "inner: $(cat "$E2E_TMP/inner.out")"
[ "$(grep -c '^daemon info synsink  *A new tcp connection will be established: 198.18.0.1:' "$E2E_TMP/out.log")" = 3 ] ||
	e2e_fail "out.log: $(cat "$E2E_TMP/out.log")"
[ -e /dev/log ] && [ ! -S /dev/log ] && e2e_fail "the host's /dev/log changed"
e2e_pass "no options: 3 messages via /dev/log, facility daemon, severity info"

#!/usr/bin/env bash
# Secrets from files, on the Redis sink (any plugin option of type secret
# has a NAME_file form; the core reads it): against a redis-server with a
# password, password_file= delivers every event, and while synsink runs
# neither /proc/PID/cmdline nor ps shows the password, nor does any
# warning.  A file readable by others, owned by another user, a
# directory, a symbolic link, an empty or two-line file, a missing one,
# and a password given both ways: each refused in one line, exit 64.  The
# password inline on the command line: it works, with one warning that it
# is visible; from the config file: no warning.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=10
PASS=lab-secret-$$
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6391 "$PASS" || e2e_fail "redis-server"
printf '%s\n' "$PASS" >"$E2E_TMP/pw"
chmod 600 "$E2E_TMP/pw"
lab_rules_add --queue 1
listen_start 22 $((3 * N))

ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "redis:port=6391,password_file=$E2E_TMP/pw,key=s"
grep -qF -- "$PASS" <<<"$(tr '\0' ' ' <"/proc/$SS_PID/cmdline")" && e2e_fail "the password in cmdline"
grep -qF -- "$PASS" <<<"$(ps -p "$SS_PID" -o args=)" && e2e_fail "the password in ps"
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 redis_len_is x s $N || e2e_fail "XLEN $(rcli xlen s)"
ss_stop
grep -q "can be read by every local user" "$SS_ERR" && e2e_fail "a warning for a file"
grep -qF -- "$PASS" "$SS_ERR" && e2e_fail "the password in stderr"

# refused OPTS WHAT: the sink with OPTS is refused in one line naming WHAT.
# shellcheck disable=SC2034 # read by ss_refused (lib.sh)
E2E_SECRET=$PASS
refused() { ss_refused 64 "$2" --queue 1 --sink "redis:port=6391,key=s,$1"; }
cp -p "$E2E_TMP/pw" "$E2E_TMP/open"
chmod 644 "$E2E_TMP/open"
refused "password_file=$E2E_TMP/open" "mode 0644 lets group or others at it"
cp -p "$E2E_TMP/pw" "$E2E_TMP/theirs"
chown nobody "$E2E_TMP/theirs"
refused "password_file=$E2E_TMP/theirs" "owned by uid $(id -u nobody)"
mkdir -m 700 "$E2E_TMP/dir"
refused "password_file=$E2E_TMP/dir" "not a regular file"
ln -s "$E2E_TMP/pw" "$E2E_TMP/link"
refused "password_file=$E2E_TMP/link" "a symbolic link"
install -m 600 /dev/null "$E2E_TMP/empty"
refused "password_file=$E2E_TMP/empty" "empty"
printf 'a\nb\n' >"$E2E_TMP/two"
chmod 600 "$E2E_TMP/two"
refused "password_file=$E2E_TMP/two" "not one line of text"
refused "password_file=$E2E_TMP/missing" "No such file"
refused "password=x,password_file=$E2E_TMP/pw" "give 'password' or 'password_file', not both"

# Inline on the command line: delivered, and said to be visible.
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --sink "redis:port=6391,password=$PASS,key=s2"
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 redis_len_is x s2 $N || e2e_fail "XLEN s2 $(rcli xlen s2)"
ss_stop
[ "$(grep -c "option 'password' on the command line can be read by every local user" "$SS_ERR")" = 1 ] ||
	e2e_fail "no warning for an inline password"
# In the config file (root's, 0600): no warning.
printf '[sink redis]\nport = 6391\npassword = %s\nkey = s3\n' "$PASS" >"$E2E_TMP/conf"
chmod 600 "$E2E_TMP/conf"
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --config "$E2E_TMP/conf"
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 redis_len_is x s3 $N || e2e_fail "XLEN s3 $(rcli xlen s3)"
ss_stop
grep -q "can be read by every local user" "$SS_ERR" && e2e_fail "a warning for the config file"
e2e_pass "password_file: $N events, no secret in cmdline, ps or stderr; 8 bad files refused in one line; inline warned once, the config file not"

#!/usr/bin/env bash
# lab/lib.sh's lab_coproc_keep: a coprocess's last line and its pid are
# still there after bash has reaped it (which unsets NAME and NAME_PID and
# closes NAME's fds: ci/test's "wait $TSTAMP_PID" met an unset variable).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/lab/lib.sh"
fail() { echo "test_coproc_keep: $*" >&2; exit 1; }
reaped() { [ -z "${!1:-}" ]; } # reaped NAME_PID: unset, so bash has reaped NAME

# One that says its line and ends.
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc BYE { echo bye; }
lab_coproc_keep BYE || fail "the coprocess was gone at once"
lab_busywait 5000 reaped BYE_PID || fail "bash did not reap the coprocess"
read -r -t 5 line <&"$BYE_OUT" || fail "its line is lost"
[ "$line" = bye ] || fail "read '$line', not 'bye'"
exec {BYE_OUT}<&-

# One that is killed: kill and wait by the kept pid, whenever bash reaps.
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc HOLD { exec sleep 60; }
lab_coproc_keep HOLD || fail "the holder was gone at once"
kill "$HOLD_CHILD"
lab_busywait 5000 reaped HOLD_PID || fail "bash did not reap the holder"
wait "$HOLD_CHILD" 2>/dev/null || true
! kill -0 "$HOLD_CHILD" 2>/dev/null || fail "the holder lives on"

# One already gone when asked: a failure, not an unset-variable abort.
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc GONE { :; }
lab_busywait 5000 reaped GONE_PID || fail "bash did not reap the third"
! lab_coproc_keep GONE || fail "kept a coprocess that had ended"
echo "test_coproc_keep: passed"

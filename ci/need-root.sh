# SPDX-License-Identifier: MIT
# ci/need-root.sh - sourced by the README's commands (lab/demo, ci/test).
# need_root SCRIPT ARGS...: returns when we are root; otherwise runs the
# script again through sudo when sudo is installed, or says why not and
# exits 1.  So `lab/demo` works as written for root on a machine without
# sudo (containers, fresh Debian images) and for a sudo user alike.
need_root() {
	[ "$(id -u)" = 0 ] && return 0
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$@"
	fi
	echo "$(basename "$1"): needs root (network namespaces, iptables, apt), and sudo is not installed: run it as root" >&2
	exit 1
}

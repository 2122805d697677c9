# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# ci/need-root.sh - sourced by the README's commands (lab/demo, ci/test).
#
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

# tree_trusted DIR: DIR and every directory above it are owned by root and
# not writable by group or others unless sticky (/tmp): what synsink's
# plugin loader demands of the path to its plugins (SECURITY.md).
tree_trusted() {
	local d=$1 uid mode
	while :; do
		read -r uid mode < <(stat -c '%u %a' "$d") || return 1
		[ "$uid" = 0 ] || return 1
		if (( 8#$mode & 8#022 )) && ! (( 8#$mode & 8#1000 )); then
			return 1
		fi
		[ "$d" = / ] && return 0
		d=$(dirname "$d")
	done
}

# in_trusted_tree TOP SCRIPT ARGS...: returns when the checkout TOP is a
# trusted tree.  Otherwise (a checkout in a user's home, run through sudo)
# root's synsink would rightly refuse to load the plugins built there, so
# the working tree (without build trees and .git) is copied into a
# root-owned temporary directory, SCRIPT (relative to TOP) runs from the
# copy, the copy is removed, and this exits with SCRIPT's status.
in_trusted_tree() {
	local top=$1 script=$2 copy rc=0
	shift 2
	# Once only: the copy is root's by construction (and never copied again).
	[ -z "${SYNSINK_TREE_COPY:-}" ] || return 0
	tree_trusted "$top" && return 0
	copy=$(mktemp -d /tmp/synsink-tree.XXXXXX)
	echo "$script: $top is not root's all the way up; running from a copy in $copy" >&2
	# Owned by root, whoever owns the checkout; the copy's own mode kept.
	tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=./.fuzz-build -cf - . |
		tar -C "$copy" --no-same-owner --no-overwrite-dir -xf - || { rm -rf "$copy"; exit 1; }
	if ! tree_trusted "$copy"; then
		echo "$script: the copy in $copy is not trusted either; giving up" >&2
		rm -rf "$copy"
		exit 1
	fi
	(cd "$copy" && SYNSINK_TREE_COPY=1 bash "$script" "$@") || rc=$?
	rm -rf "$copy"
	exit $rc
}

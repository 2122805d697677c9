# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/rsyslog.sh - a throw-away rsyslogd for the lab, sourced after
# lab/lib.sh.  It runs in a namespace from its own directory with its own
# configuration: imuxsock on DIR/log.sock, imudp on 127.0.0.1:UDP_PORT,
# imtcp on 127.0.0.1:TCP_PORT, every message into DIR/out.log as
#   INPUT FACILITY SEVERITY TAG HOSTNAME MSG
#
#   rsyslog_start NS DIR UDP_PORT TCP_PORT   start; returns once all three listen
#   rsyslog_stop                             SIGTERM and wait (it flushes first)

RSYSLOG_PID=""

rsyslog_start() {
	RSYSLOG_NS=$1 RSYSLOG_DIR=$2
	local udp=$3 tcp=$4
	mkdir -p "$RSYSLOG_DIR/work"
	cat >"$RSYSLOG_DIR/rsyslog.conf" <<EOC
global(workDirectory="$RSYSLOG_DIR/work" maxMessageSize="8k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$RSYSLOG_DIR/log.sock" CreatePath="on"
      RateLimit.Interval="0" UseSysTimeStamp="off")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$udp" RateLimit.Interval="0")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$tcp")
template(name="lab" type="string"
         string="%inputname% %syslogfacility-text% %syslogseverity-text% %programname% %hostname% %msg%\n")
*.* action(type="omfile" file="$RSYSLOG_DIR/out.log" template="lab")
EOC
	ip netns exec "$RSYSLOG_NS" rsyslogd -n -f "$RSYSLOG_DIR/rsyslog.conf" \
		-i "$RSYSLOG_DIR/rsyslogd.pid" >"$RSYSLOG_DIR/stderr" 2>&1 &
	RSYSLOG_PID=$!
	lab_busywait 10000 rsyslog_ready "$udp" "$tcp" || {
		lab_log "rsyslogd did not come up:"
		cat "$RSYSLOG_DIR/stderr" >&2
		return 1
	}
}

rsyslog_ready() {
	[ -S "$RSYSLOG_DIR/log.sock" ] &&
		[ -n "$(ip netns exec "$RSYSLOG_NS" ss -Hlun "sport = :$1")" ] &&
		[ -n "$(ip netns exec "$RSYSLOG_NS" ss -Hltn "sport = :$2")" ]
}

rsyslog_stop() {
	[ -n "$RSYSLOG_PID" ] || return 0
	kill -TERM "$RSYSLOG_PID" 2>/dev/null || true	# it may be gone already
	wait "$RSYSLOG_PID" 2>/dev/null || true
	RSYSLOG_PID=""
}

# rsyslog_count INPUT N: out.log holds N lines from INPUT (imuxsock, ...).
rsyslog_count_is() {
	[ "$(grep -c "^$1 " "$RSYSLOG_DIR/out.log" 2>/dev/null)" = "$2" ]
}

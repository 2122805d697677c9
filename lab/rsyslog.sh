# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/rsyslog.sh - a throw-away rsyslogd for the lab, sourced after
# lab/lib.sh.  It runs in a namespace from its own directory with its own
# configuration: imuxsock on DIR/log.sock, imudp on 127.0.0.1:UDP_PORT,
# imtcp on 127.0.0.1:TCP_PORT, every message into DIR/out.log as
#   INPUT FACILITY SEVERITY TAG HOSTNAME MSG
#
#   rsyslog_start NS DIR UDP_PORT TCP_PORT [TLS_PORT]
#                                            start; returns once all listen
#   rsyslog_stop                             SIGTERM and wait (it flushes first)
#
# With TLS_PORT and RSYSLOG_TLS=DIR (lab/tls.sh's tls_certs): also imtcp
# over TLS (RFC 5425, the ossl driver from rsyslog-openssl) on TLS_PORT,
# presenting DIR/server.pem (DIR/$RSYSLOG_TLS_CERT.pem when set), and on
# TLS_PORT+1 the same, asking for a client certificate signed by the
# lab's CA (x509/certvalid).

RSYSLOG_PID=""

rsyslog_start() {
	RSYSLOG_NS=$1 RSYSLOG_DIR=$2
	local udp=$3 tcp=$4
	RSYSLOG_TLS_PORT=${5:-}
	mkdir -p "$RSYSLOG_DIR/work"
	{
	cat <<EOC
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
	[ -z "$RSYSLOG_TLS_PORT" ] || rsyslog_tls_conf
	} >"$RSYSLOG_DIR/rsyslog.conf"
	ip netns exec "$RSYSLOG_NS" rsyslogd -n -f "$RSYSLOG_DIR/rsyslog.conf" \
		-i "$RSYSLOG_DIR/rsyslogd.pid" >"$RSYSLOG_DIR/stderr" 2>&1 &
	RSYSLOG_PID=$!
	lab_busywait 10000 rsyslog_ready "$udp" "$tcp" || {
		lab_log "rsyslogd did not come up:"
		cat "$RSYSLOG_DIR/stderr" >&2
		return 1
	}
}

# The TLS inputs (RSYSLOG_TLS, RSYSLOG_TLS_PORT).
rsyslog_tls_conf() {
	local t=$RSYSLOG_TLS p=$RSYSLOG_TLS_PORT
	cat <<EOC
global(DefaultNetstreamDriverCAFile="$t/ca.pem"
       DefaultNetstreamDriverCertFile="$t/${RSYSLOG_TLS_CERT:-server}.pem"
       DefaultNetstreamDriverKeyFile="$t/${RSYSLOG_TLS_CERT:-server}.key")
input(type="imtcp" address="127.0.0.1" port="$p" streamDriver.name="ossl"
      streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="$((p + 1))" streamDriver.name="ossl"
      streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
EOC
}

rsyslog_ready() {
	[ -S "$RSYSLOG_DIR/log.sock" ] &&
		[ -n "$(ip netns exec "$RSYSLOG_NS" ss -Hlun "sport = :$1")" ] &&
		[ -n "$(ip netns exec "$RSYSLOG_NS" ss -Hltn "sport = :$2")" ] &&
		{ [ -z "$RSYSLOG_TLS_PORT" ] ||
			[ -n "$(ip netns exec "$RSYSLOG_NS" ss -Hltn "sport = :$((RSYSLOG_TLS_PORT + 1))")" ]; }
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

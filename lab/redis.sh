# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/redis.sh - a throw-away redis-server for the lab, sourced after
# lab/lib.sh.  It runs in a namespace on that namespace's loopback, from
# its own directory, with an append-only file so a restart keeps the data,
# and a unix socket at DIR/redis.sock besides the TCP port.
#
#   redis_start NS DIR PORT [PASSWORD]   start; returns when it answers PING
#                                        (REDIS_AOF=no: no append-only file)
#     REDIS_TLS=DIR (lab/tls.sh's tls_certs): TLS besides, on PORT+1,
#     presenting DIR/$REDIS_TLS_CERT.pem (default server), clients'
#     certificates checked against DIR/ca.pem: asked for, required with
#     REDIS_TLS_CLIENTS=yes
#   redis_stop                           SIGTERM and wait for the exit
#   rcli ARGS...                         redis-cli against it

REDIS_PID=""

redis_start() {
	REDIS_NS=$1 REDIS_DIR=$2 REDIS_PORT=$3 REDIS_PASS=${4:-}
	mkdir -p "$REDIS_DIR"
	{
		echo "port $REDIS_PORT"
		echo "bind 127.0.0.1 -::1"
		echo "dir $REDIS_DIR"
		echo "unixsocket $REDIS_DIR/redis.sock"
		echo "unixsocketperm 700"
		echo "daemonize no"
		echo "save \"\""
		if [ "${REDIS_AOF:-yes}" = yes ]; then
			echo "appendonly yes"
			echo "appendfsync always"
		fi
		echo "logfile $REDIS_DIR/redis.log"
		[ -n "$REDIS_PASS" ] && echo "requirepass $REDIS_PASS"
		if [ -n "${REDIS_TLS:-}" ]; then
			echo "tls-port $((REDIS_PORT + 1))"
			echo "tls-cert-file $REDIS_TLS/${REDIS_TLS_CERT:-server}.pem"
			echo "tls-key-file $REDIS_TLS/${REDIS_TLS_CERT:-server}.key"
			echo "tls-ca-cert-file $REDIS_TLS/ca.pem"
			echo "tls-auth-clients ${REDIS_TLS_CLIENTS:-optional}"
		fi
	} >"$REDIS_DIR/redis.conf"
	ip netns exec "$REDIS_NS" redis-server "$REDIS_DIR/redis.conf" &
	REDIS_PID=$!
	lab_busywait 10000 redis_ready || {
		lab_log "redis-server did not answer; its log:"
		tail -n 20 "$REDIS_DIR/redis.log" >&2
		return 1
	}
}

rcli() {
	if [ -n "$REDIS_PASS" ]; then
		REDISCLI_AUTH=$REDIS_PASS ip netns exec "$REDIS_NS" redis-cli -p "$REDIS_PORT" "$@"
	else
		ip netns exec "$REDIS_NS" redis-cli -p "$REDIS_PORT" "$@"
	fi
}

redis_ready() { [ "$(rcli ping 2>/dev/null)" = PONG ]; }

# redis_len_is TYPE KEY N: XLEN (stream) or LLEN (list) of KEY is N.
redis_len_is() { [ "$(rcli "${1}len" "$2" 2>/dev/null)" = "$3" ]; }

redis_stop() {
	[ -n "$REDIS_PID" ] || return 0
	kill -TERM "$REDIS_PID" 2>/dev/null || true	# it may be gone already
	wait "$REDIS_PID" 2>/dev/null || true
	REDIS_PID=""
}

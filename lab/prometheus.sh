# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lab/prometheus.sh - a throw-away Prometheus for the lab, sourced after
# lab/lib.sh: Debian's binary (installed, or unpacked by
# ci/fetch-prometheus), in a namespace, on its loopback, from its own
# directory, scraping every second and evaluating rules every second.
#
#   prom_start NS DIR PORT RULES TARGET...   start (job "synsink", RULES
#                                            loaded: "" for none); returns
#                                            when /-/ready answers
#   prom_stop                                SIGTERM and wait for the exit
#   prom_api PATH [CURL ARGS...]             GET PATH of its HTTP API
#   prom_alerts STATE                        the names of the alerts in
#                                            STATE (firing, pending), sorted,
#                                            one per line
#   prom_query EXPR                          /api/v1/query's JSON for EXPR

PROM_PID=""
PROM_BIN=${PROMETHEUS:-prometheus}

prom_start() {
	local targets t
	PROM_NS=$1 PROM_DIR=$2 PROM_PORT=$3
	local rules=$4
	shift 4
	targets=""
	for t in "$@"; do targets+="${targets:+, }'$t'"; done
	mkdir -p "$PROM_DIR/data"
	{
		echo "global:"
		echo "  scrape_interval: 1s"
		echo "  scrape_timeout: 1s"
		echo "  evaluation_interval: 1s"
		[ -z "$rules" ] || printf 'rule_files:\n  - %s\n' "$rules"
		echo "scrape_configs:"
		echo "  - job_name: synsink"
		echo "    static_configs:"
		echo "      - targets: [$targets]"
	} >"$PROM_DIR/prometheus.yml"
	ip netns exec "$PROM_NS" "$PROM_BIN" --config.file="$PROM_DIR/prometheus.yml" \
		--storage.tsdb.path="$PROM_DIR/data" --web.listen-address="127.0.0.1:$PROM_PORT" \
		--log.level=warn >"$PROM_DIR/prometheus.log" 2>&1 &
	PROM_PID=$!
	lab_busywait 30000 prom_api /-/ready -o /dev/null || {
		lab_log "prometheus did not get ready; its log:"
		tail -n 20 "$PROM_DIR/prometheus.log" >&2
		return 1
	}
}

prom_api() {
	local path=$1
	shift
	ip netns exec "$PROM_NS" curl -sf -m 5 "$@" "http://127.0.0.1:$PROM_PORT$path"
}

prom_alerts() {
	local json
	json=$(prom_api /api/v1/alerts) || return 1
	python3 -c '
import json, sys
alerts = json.loads(sys.argv[1])["data"]["alerts"]
for name in sorted({a["labels"]["alertname"] for a in alerts if a["state"] == sys.argv[2]}):
    print(name)' "$json" "$1"
}

prom_query() {
	prom_api /api/v1/query --data-urlencode "query=$1" -G
}

prom_stop() {
	[ -n "$PROM_PID" ] || return 0
	kill -TERM "$PROM_PID" 2>/dev/null || true	# it may be gone already
	wait "$PROM_PID" 2>/dev/null || true
	PROM_PID=""
}

#!/usr/bin/env bash
# spool_restart.sh redis|kafka|syslog: a restart while the sink is away.
# The server is down; N real connections; SIGTERM (what is undelivered at
# --flush-timeout goes to the spool); synsink started again, the server
# still down; the server comes up: all N arrive, each once, and the spool
# is empty again.  Kafka, TCP syslog (rsyslogd) and Redis alike.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
. "$E2E_DIR/../../lab/rsyslog.sh"
. "$E2E_DIR/../../lab/kafka/broker.sh"
KIND=${1:?redis, kafka or syslog}
E2E_NAME="$E2E_NAME($KIND)"
N=40
e2e_init
SPOOL=$E2E_TMP/spool
case $KIND in
redis)
	SPEC="redis:port=6395,key=s"
	up() { redis_start "$LAB_SRV" "$E2E_TMP/redis" 6395; }
	down() { redis_stop; }
	count() { rcli xlen s 2>/dev/null; }
	ids() { rcli xrange s - + | python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
from xrange import entries
for e in entries(sys.stdin.read().splitlines()):
    print(e["id"])' "$E2E_DIR"; }
	;;
kafka)
	SPEC="kafka:topic=spool"
	up() { kafka_start "$LAB_SRV" "$E2E_TMP/kafka" 9092; }
	down() { kafka_stop; }
	count() { kafka_dump spool "$E2E_TMP/topic" && wc -l <"$E2E_TMP/topic"; }
	ids() { kafka_dump spool "$E2E_TMP/topic" && python3 -c '
import json, sys
for l in open(sys.argv[1]):
    print(json.loads(json.loads(l)["payload"])["id"])' "$E2E_TMP/topic"; }
	;;
syslog)
	SPEC="syslog:target=tcp:127.0.0.1:5535,format=json"
	up() { rsyslog_start "$LAB_SRV" "$E2E_TMP/rs" 5534 5535; }
	down() { rsyslog_stop; }
	count() { grep -c '^imtcp ' "$E2E_TMP/rs/out.log" 2>/dev/null; }
	ids() { sed -n 's/^imtcp .*"id":"\{0,1\}\([^",]*\).*/\1/p' "$E2E_TMP/rs/out.log"; }
	;;
*) e2e_fail "unknown sink $KIND" ;;
esac
count_is() { [ "$(count)" = "$1" ]; }

# The broker (its metadata, the topic) exists before the outage, as in
# production; Redis and rsyslogd simply are not there yet.
if [ "$KIND" = kafka ]; then
	up || e2e_fail "broker"
	down
fi
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --flush-timeout 1000 \
	--sink "$SPEC,spool=$SPOOL"
listen_start 22 $N
connect $LAB_V4_SRV 22 $N
lab_busywait 10000 live_stat_ge sinks.0.seen $N || e2e_fail "seen $(ss_live_stat sinks.0.seen)"
ss_stop
[ "$(ss_stat sinks.0.spooled)" = $N ] || e2e_fail "spooled at the stop: $(ss_stat sinks.0.spooled)"
[ "$(ss_stat sinks.0.delivered)" = 0 ] || e2e_fail "delivered while down?"
grep -q "$N undelivered events spooled" "$SS_ERR" || e2e_fail "no line about the spool"

ss_start "$E2E_TMP/out" "$E2E_TMP/err2" --queue 1 --sink "$SPEC,spool=$SPOOL"
grep -q "holds about $N events" "$SS_ERR" || e2e_fail "the spool's events not announced"
up || e2e_fail "server"
lab_busywait 60000 count_is $N || e2e_fail "the server has $(count) of $N"
lab_busywait 10000 not live_stat_ge sinks.0.pending 1 || e2e_fail "still pending"
ss_stop
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$(ss_stat sinks.0.spooled)" = 0 ] || e2e_fail "spooled $(ss_stat sinks.0.spooled)"
[ "$(ids | sort -u | wc -l)" = $N ] || e2e_fail "duplicates or missing events"
count_is $N || e2e_fail "the server has $(count) after the stop"
[ -z "$(ls "$SPOOL"/*.seg 2>/dev/null)" ] || e2e_fail "segments left: $(ls "$SPOOL")"
down
e2e_pass "$N events spooled at SIGTERM while $KIND was away, all $N delivered once after the restart"

#!/usr/bin/env bash
# --metrics: the counters and the verdict-latency histogram in Prometheus
# format at /metrics, checked by a format checker and against the traffic;
# other paths are 404; the server runs without root (--user).  A second
# sink with a spool: its size and spool_max there too.
. "$(dirname "$0")/lib.sh"
N=20
e2e_init
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --metrics 127.0.0.1:9464 --user nobody \
	--sink stdout --sink "file:path=$E2E_TMP/f.json,spool=$E2E_TMP/spool,spool_max=1M"
listen_start 22 $N
connect $LAB_V4_SRV 22 $((N / 2))
connect $LAB_V6_SRV 22 $((N / 2))
wait_lines "$E2E_TMP/out" $N
lab_srv curl -sS -o "$E2E_TMP/metrics" -w '%{http_code} %{content_type}\n' \
	http://127.0.0.1:9464/metrics >"$E2E_TMP/http" || e2e_fail "curl"
grep -q "^200 text/plain; version=0.0.4" "$E2E_TMP/http" || e2e_fail "$(cat "$E2E_TMP/http")"
/usr/bin/python3 "$E2E_DIR/promcheck.py" "$E2E_TMP/metrics" || e2e_fail "not valid Prometheus text"
grep -qx "synsink_events_total{queue=\"1\"} $N" "$E2E_TMP/metrics" || e2e_fail "events"
grep -qx "synsink_verdict_latency_seconds_count{queue=\"1\"} $N" "$E2E_TMP/metrics" ||
	e2e_fail "latency count: $(grep latency_seconds_count "$E2E_TMP/metrics")"
grep -qx "synsink_sink_events_total{sink=\"stdout\",outcome=\"delivered\"} $N" "$E2E_TMP/metrics" ||
	e2e_fail "sink written"
grep -qx 'synsink_sink_plugin_value{sink="stdout",counter="lines"} '$N "$E2E_TMP/metrics" ||
	e2e_fail "plugin counters"
grep -qx 'synsink_sink_spool_max_bytes{sink="file"} 1048576' "$E2E_TMP/metrics" ||
	e2e_fail "spool_max: $(grep spool_max "$E2E_TMP/metrics")"
grep -qx 'synsink_sink_flush_failed{sink="stdout"} 0' "$E2E_TMP/metrics" || e2e_fail "flush_failed"
[ "$(lab_srv curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9464/other)" = 404 ] || e2e_fail "not 404"
# The stats line and /metrics, with no traffic in between, agree on every
# counter the stats line has.
lab_stats_live "$SS_PID" "$E2E_TMP/err" 2000 >"$E2E_TMP/stats" || e2e_fail "no stats line"
lab_srv curl -sS -o "$E2E_TMP/metrics2" http://127.0.0.1:9464/metrics || e2e_fail "curl"
/usr/bin/python3 "$E2E_DIR/metrics_vs_stats.py" "$E2E_TMP/stats" "$E2E_TMP/metrics2" ||
	e2e_fail "the stats line and /metrics differ"
# Tests of the test: the checker refuses what a parser refuses, and what a
# parser lets through (buckets that are not cumulative, a second TYPE).
printf '# TYPE a counter\na{x="1" 3\n' >"$E2E_TMP/bad1"
sed 's/^\(synsink_verdict_latency_seconds_bucket{queue="1",le="+Inf"}\) .*/\1 0/' \
	"$E2E_TMP/metrics" >"$E2E_TMP/bad2"
{ cat "$E2E_TMP/metrics"; echo "# TYPE synsink_events_total counter"; } >"$E2E_TMP/bad3"
for b in bad1 bad2 bad3; do
	not /usr/bin/python3 "$E2E_DIR/promcheck.py" "$E2E_TMP/$b" >/dev/null ||
		e2e_fail "promcheck accepted $b"
done
ss_stop
le100=$(grep 'latency_seconds_bucket{queue="1",le="0.0001"}' "$E2E_TMP/metrics" | awk '{print $2}')
e2e_pass "valid exposition; $N events; $le100 of $N verdicts within 100 us"

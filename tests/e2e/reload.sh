#!/usr/bin/env bash
# Reload (SIGHUP with --config) under traffic: N SYNs at RATE/s, and
# while they flow five reloads of the file synsink was started with:
#   1. a Redis sink added              -> 3 sinks: 2 kept, 1 opened
#   2. the stdout format, json -> text -> 2 kept, 1 opened, 1 closed
#   3. the Redis sink removed          -> 2 kept, 1 closed (and
#      --queue-maxlen changed: one line says it needs a restart)
#   4. an option stdout does not have  -> refused, one line
#   5. a file sink that cannot open    -> refused, one line
# Then, exactly:
#   - the file sink (never changed) has every event once;
#   - stdout has every event once: json lines up to the change, text
#     lines after, never interleaved;
#   - Redis has a gap-free run of the events, as many as its closing
#     line says it delivered;
#   - no event lost or doubled by any counter, reload_errors 2, and
#     synsink_reload_errors_total and ..._last_reload_successful say so;
#   - the verdict-latency p99 bucket is at most one bucket above the
#     same traffic with no reload (run first).  One-sided: a reload must
#     not make a SYN wait longer; a baseline that the machine's noise
#     made slower than the reload run is no defect of the reload.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/../../lab/redis.sh"
N=${RELOAD_N:-100000}
RATE=${RELOAD_RATE:-5000}
METRICS=127.0.0.1:9471
e2e_init
redis_start "$LAB_SRV" "$E2E_TMP/redis" 6390 || e2e_fail "redis-server"
lab_rules_add --queue 1

# conf RUN STDOUT_FORMAT REDIS(yes|no) [TAIL [TOP]]: RUN's config, replaced
# whole (a rename: synsink never reads half a file).  The run without
# reloads has the Redis sink throughout: the most sink threads the other
# run ever has, so the two differ by the reloads, not by the work.
conf() {
	{
		echo "metrics = $METRICS"
		[ -z "${5:-}" ] || printf '%s\n' "$5"
		echo "[sink file]"
		echo "path = $E2E_TMP/$1.file"
		echo "[sink stdout]"
		echo "format = $2"
		if [ "$3" = yes ]; then
			echo "[sink redis]"
			echo "port = 6390"
			echo "mode = rpush"
			echo "key = $1"
		fi
		[ -z "${4:-}" ] || printf '%s\n' "$4"
	} >"$E2E_TMP/$1.conf.new"
	mv "$E2E_TMP/$1.conf.new" "$E2E_TMP/$1.conf"
}

# reload RUN WHAT LINE: SIGHUP, then wait for LINE on stderr.
reload() {
	local before
	before=$(grep -cF -- "$3" "$SS_ERR") || true
	kill -HUP "$SS_PID"
	lab_busywait 20000 lines_with_ge "$SS_ERR" "$3" $((before + 1)) ||
		e2e_fail "$2: no '$3': $(tail -n 3 "$SS_ERR")"
	echo "  $2: $(grep -F -- "$3" "$SS_ERR" | tail -n 1)"
}
lines_with_ge() { [ "$(grep -cF -- "$2" "$1")" -ge "$3" ]; }
# queued_ge N: the kernel has queued N SYNs (id_sequence of synsink's own
# /proc view).  The waits between reloads poll this, not the file sink's
# line count: a wc -l of a 60 MB file every 20 ms took a share of a CPU
# from capture during the reloads only, and moved p99 three buckets in CI.
queued_ge() {
	local f
	read -r -a f <"/proc/$SS_PID/net/netfilter/nfnetlink_queue" && [ "${f[7]}" -ge "$1" ]
}

# step RUN I: the Ith reload of the run, once a sixth more SYNs came.
step() {
	case $2 in
	1)
		conf "$1" json yes
		reload "$1" "add redis" "reload: 3 sink(s): 2 kept, 1 opened, 0 closed"
		;;
	2)
		conf "$1" text yes
		reload "$1" "stdout json -> text" "reload: 3 sink(s): 2 kept, 1 opened, 1 closed"
		;;
	3)
		conf "$1" text no "" "queue-maxlen = 4096"
		reload "$1" "remove redis" "reload: 2 sink(s): 2 kept, 0 opened, 1 closed"
		grep -q "reload: --queue-maxlen cannot change at run time: as at start until a restart" \
			"$SS_ERR" || e2e_fail "no line for --queue-maxlen"
		;;
	4)
		conf "$1" text no "bogus-key = 1"
		reload "$1" "an unknown option" "reload refused"
		;;
	5)
		conf "$1" text no $'[sink file]\npath = /nonexistent/synsink/x'
		reload "$1" "a sink that cannot open" "reload refused"
		lab_srv curl -sf "http://$METRICS/metrics" >"$E2E_TMP/metrics" || e2e_fail "/metrics"
		;;
	esac
}

# traffic RUN RELOADS(yes|no): the run, its final stats in RUN.err.  The
# run without reloads polls the kernel's count as the other does (the
# polls fork: 100 processes a second on two CPUs moved p99 two buckets
# in CI when only the reload run had them), and only the SIGHUPs differ.
traffic() {
	local run=$1 gen i
	conf "$run" json "$(if [ "$2" = no ]; then echo yes; else echo no; fi)"
	ss_start "$E2E_TMP/$run.out" "$E2E_TMP/$run.err" --queue 1 --config "$E2E_TMP/$run.conf"
	lab_cli "$SYNGEN" raw -a $LAB_V4_SRV -s 198.18.0.10 -k 8 -p 9 -n "$N" -r "$RATE" -t 60 \
		>"$E2E_TMP/$run.raw" 2>&1 &
	gen=$!
	for i in 1 2 3 4 5; do
		lab_busywait 20000 queued_ge $((i * N / 6)) || e2e_fail "stalled before step $i"
		[ "$2" = no ] || step "$run" "$i"
	done
	wait "$gen" || e2e_fail "syngen: $(cat "$E2E_TMP/$run.raw")"
	grep -q "^raw: sent $N " "$E2E_TMP/$run.raw" || e2e_fail "sent: $(cat "$E2E_TMP/$run.raw")"
	lab_busywait 20000 lab_lines_ge "$E2E_TMP/$run.file" "$N" || e2e_fail "the file sink is short"
	# shellcheck disable=SC2034 # ss_stop's: json then text, checked below
	[ "$2" = no ] || SS_OUT=""
	ss_stop
}

traffic plain no
traffic reload yes
grep -q '^synsink_reload_errors_total 2$' "$E2E_TMP/metrics" ||
	e2e_fail "synsink_reload_errors_total: $(grep '^synsink_reload' "$E2E_TMP/metrics")"
grep -q '^synsink_config_last_reload_successful 0$' "$E2E_TMP/metrics" ||
	e2e_fail "synsink_config_last_reload_successful: $(grep '^synsink_config' "$E2E_TMP/metrics")"
[ "$(grep -c 'reload refused' "$E2E_TMP/reload.err")" = 2 ] || e2e_fail "refusals"
grep -q "reload refused, the running configuration stays: $E2E_TMP/reload.conf:.*bogus-key" \
	"$E2E_TMP/reload.err" || e2e_fail "the unknown option's line: $(grep refused "$E2E_TMP/reload.err")"
grep -q "reload refused, the running configuration stays: $E2E_TMP/reload.conf:[0-9]*: sink file cannot start" \
	"$E2E_TMP/reload.err" || e2e_fail "the bad sink's line: $(grep refused "$E2E_TMP/reload.err")"
rcli lrange reload 0 -1 >"$E2E_TMP/redis.json" || e2e_fail "LRANGE"
grep '^{' "$E2E_TMP/reload.out" >"$E2E_TMP/reload.json" || e2e_fail "no json on stdout"
for f in reload.json reload.file redis.json; do check_events "$E2E_TMP/$f"; done

/usr/bin/python3 - "$E2E_TMP" "$N" <<'PY' || e2e_fail "the events"
import json, re, sys
d, n = sys.argv[1], int(sys.argv[2])

def final(run):
    for l in open(f"{d}/{run}.err"):
        if '"final":true' in l:
            return json.loads(l)["stats"]

def closed(run):
    return [json.loads(l)["sink_closed"] for l in open(f"{d}/{run}.err") if l.startswith('{"sink_closed"')]

key = lambda e: (e["src"], e["sport"])
file_ev = [json.loads(l) for l in open(f"{d}/reload.file")]
ids = [e["id"] for e in file_ev]
assert len(ids) == n and len(set(ids)) == n, ("file sink", len(ids), len(set(ids)))
order = {key(e): i for i, e in enumerate(file_ev)}
assert len(order) == n, "syngen's 4-tuples repeat"

# stdout: json up to the change, text after; each event once.
text_re = re.compile(r"^A new tcp connection will be established: (\S+):(\d+) -> \S+$")
seen, kinds = [], []
for l in open(f"{d}/reload.out"):
    if l.startswith("{"):
        e = json.loads(l); seen.append(key(e)); kinds.append("j")
    else:
        m = text_re.match(l.rstrip("\n"))
        assert m, ("stdout line", l)
        seen.append((m.group(1), int(m.group(2)))); kinds.append("t")
assert len(seen) == n and set(seen) == set(order), ("stdout", len(seen), len(set(seen)))
j = kinds.count("j")
assert 0 < j < n and kinds == ["j"] * j + ["t"] * (n - j), "json and text interleave"

# Redis: a gap-free run of the arrival order, as many as it delivered.
red = sorted(order[key(json.loads(l))] for l in open(f"{d}/redis.json"))
assert red and red == list(range(red[0], red[0] + len(red))), ("redis run", len(red))
shut = closed("reload")
assert [s["sink"] for s in shut] == ["stdout", "redis"], shut
assert shut[0]["delivered"] == j, ("old stdout delivered", shut[0]["delivered"], j)
assert shut[1]["delivered"] == len(red), ("redis delivered", shut[1]["delivered"], len(red))
# kept through reload 2 on the connection it opened at reload 1
assert shut[1]["plugin"]["reconnects"] == 0, shut[1]["plugin"]

st = final("reload")
q = st["queues"][0]
assert q["received"] == n and q["events"] == n and q["verdicts"] == n, q
for k in ("id_gaps", "enobufs", "msg_trunc", "verdict_errors"):
    assert q[k] == 0, (k, q[k])
for k in ("queue_dropped", "user_dropped"):
    assert q["kernel"][k] == 0, (k, q["kernel"])
assert [s["sink"] for s in st["sinks"]] == ["file", "stdout"], st["sinks"]
assert st["sinks"][0]["delivered"] == n, st["sinks"][0]
assert st["sinks"][1]["delivered"] == n - j, st["sinks"][1]
for s in st["sinks"] + shut:
    assert s["dropped"] == 0 and s["failed"] == 0, s
assert st["reloads"] == 3 and st["reload_errors"] == 2, (st["reloads"], st["reload_errors"])
print(f"  stdout {j} json + {n - j} text; redis {len(red)} from #{red[0]}")
PY

# p99_kept PLAIN RELOAD: RELOAD's verdict-latency p99 bucket is at most one
# above PLAIN's.  One-sided: a baseline the machine's noise made slower
# than the reload run is no defect of the reload.
p99_kept() {
	/usr/bin/python3 - "$E2E_TMP" "$1" "$2" <<'PY'
import json, sys
d = sys.argv[1]

def p99(run):
    for l in open(f"{d}/{run}.err"):
        if '"final":true' in l:
            lat = json.loads(l)["stats"]["queues"][0]["verdict_latency_us"]
    b = [v for k, v in lat.items() if k != "sum_ns"]
    total, acc = sum(b), 0
    for i, v in enumerate(b):
        acc += v
        if acc >= 0.99 * total:
            return i, list(lat)[i], lat
plain, rel = p99(sys.argv[2]), p99(sys.argv[3])
print(f"  p99 bucket {plain[1]} plain, {rel[1]} with reloads")
if rel[0] > plain[0] + 1:
    print(f"  plain {plain[2]}\n  reload {rel[2]}")
    sys.exit(1)
PY
}
# A stall of the machine (another tenant, a JVM's collector: CI met a
# quarter second of SYNs above 200 us in one run) lands in one run of a
# pair by chance; a reload that makes capture wait shows in every pair.
# So a pair that misses is run once more, and that pair decides.
if ! p99_kept plain reload; then
	echo "  the pair again, to tell a reload's wait from the machine's noise"
	traffic plain2 no
	traffic reload2 yes
	p99_kept plain2 reload2 || e2e_fail "p99: the reloads made SYNs wait, twice"
fi
e2e_pass "$N SYNs at $RATE/s over 5 reloads: each sink exactly its events, 2 refused, p99 kept"

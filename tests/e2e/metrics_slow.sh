#!/usr/bin/env bash
# Slow HTTP clients against /metrics (slowloris): 16 connections from the
# client's address, each sending a header line a second and never ending
# its request.  Every scrape from the server's own address still answers
# at once; one address holds at most 8 connections; each slow one is cut
# at its 5 s deadline and counted.  (Before: 16 such clients held every
# slot, and every scrape for as long as they kept on was refused.)
. "$(dirname "$0")/lib.sh"
e2e_init
ADDR=$LAB_V4_SRV:9467
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --metrics "$ADDR"
# 16 slow clients, 12 s at most, to the lab's server address only.
cat >"$E2E_TMP/slow.py" <<'PY'
import socket, sys, threading, time
host, port = sys.argv[1], int(sys.argv[2])
held, refused = [], []
def one(i):
    s = socket.create_connection((host, port), timeout=3)
    t0 = time.monotonic()
    try:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        while time.monotonic() - t0 < 12:
            s.sendall(b"X-Slow-%d: 1\r\n" % i)
            s.settimeout(1)
            try:
                if s.recv(4096) == b"":
                    break
            except socket.timeout:
                pass
    except OSError:
        pass
    (held if time.monotonic() - t0 > 2 else refused).append(time.monotonic() - t0)
ts = [threading.Thread(target=one, args=(i,)) for i in range(16)]
for t in ts:
    t.start()
    time.sleep(0.02)
for t in ts:
    t.join()
print(len(held), len(refused), "%.1f" % max(held or [0]))
PY
lab_cli python3 "$E2E_TMP/slow.py" $LAB_V4_SRV 9467 >"$E2E_TMP/slow.out" 2>&1 &
slow=$!
lab_busywait 5000 sh -c "ip netns exec '$LAB_SRV' ss -Htn state established '( sport = :9467 )' | grep -q ." ||
	e2e_fail "no slow client connected"
ok=0
for _ in 1 2 3 4 5 6; do
	lab_srv curl -sS -m 2 -o "$E2E_TMP/metrics" "http://$ADDR/metrics" ||
		e2e_fail "a scrape behind slow clients failed (after $ok good ones)"
	ok=$((ok + 1))
	sleep 1
done
wait "$slow" || e2e_fail "the slow clients: $(cat "$E2E_TMP/slow.out")"
read -r held refused longest <"$E2E_TMP/slow.out" || e2e_fail "slow clients: $(cat "$E2E_TMP/slow.out")"
[ "$held" = 8 ] && [ "$refused" = 8 ] || e2e_fail "one address held $held connections, $refused refused"
awk -v l="$longest" 'BEGIN { exit !(l >= 4.5 && l <= 7) }' ||
	e2e_fail "a slow client kept its connection ${longest} s, not about 5"
lab_srv curl -sS -m 2 -o "$E2E_TMP/metrics" "http://$ADDR/metrics" || e2e_fail "scrape"
grep -qx 'synsink_metrics_connections_cut_total 8' "$E2E_TMP/metrics" ||
	e2e_fail "cut: $(grep connections_cut "$E2E_TMP/metrics")"
ss_stop
e2e_pass "16 slow clients: 8 held (cut after ${longest} s), 8 refused, $ok scrapes answered meanwhile"

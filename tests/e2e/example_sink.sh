#!/usr/bin/env bash
# The out-of-tree example sink (examples/udpjson), built here against the
# public header alone, loaded from its own plugin directory, and run: every
# event becomes one datagram, settled through host->settle (ABI 2).
. "$(dirname "$0")/lib.sh"
N=50
e2e_init
mkdir -m 700 "$E2E_TMP/plugins"
cc -O2 -Wall -Wextra -Werror -I "$E2E_DIR/../../core/include" -fPIC -shared \
	-fvisibility=hidden -Wl,--no-undefined -o "$E2E_TMP/plugins/udpjson.so" \
	"$E2E_DIR/../../examples/udpjson/udpjson.c" || e2e_fail "the example does not build"
# shellcheck disable=SC2034 # read by lab_coproc_keep (lab/lib.sh)
coproc UDP { exec ip netns exec "$LAB_SRV" python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5140))
s.settimeout(20)
print("listening", flush=True)
ids = set()
try:
    while len(ids) < int(sys.argv[1]):
        ids.add(json.loads(s.recv(4096))["id"])
except socket.timeout:
    pass
print("got", len(ids), flush=True)' $N; }
lab_coproc_keep UDP && read -r -t 10 line <&"$UDP_OUT" && [ "$line" = listening ] ||
	e2e_fail "UDP listener"
lab_rules_add --queue 1
ss_start "$E2E_TMP/out" "$E2E_TMP/err" --queue 1 --plugin-dir "$E2E_TMP/plugins" \
	--sink udpjson:host=127.0.0.1,port=5140
listen_start 22 $N
connect $LAB_V4_SRV 22 $N
read -r -t 30 line <&"$UDP_OUT" || e2e_fail "the listener said nothing"
[ "$line" = "got $N" ] || e2e_fail "the listener: $line"
lab_busywait 5000 live_stat_ge sinks.0.delivered $N || e2e_fail "delivered $(ss_live_stat sinks.0.delivered)"
ss_stop
[ "$(ss_stat sinks.0.delivered)" = $N ] || e2e_fail "delivered $(ss_stat sinks.0.delivered)"
[ "$(ss_stat sinks.0.plugin.sent)" = $N ] || e2e_fail "sent $(ss_stat sinks.0.plugin.sent)"
[ "$(ss_stat sinks.0.settle_errors)" = 0 ] || e2e_fail "settle errors"
e2e_pass "the example sink, built against plugin.h alone: $N datagrams, $N delivered"

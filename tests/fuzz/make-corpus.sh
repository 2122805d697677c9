#!/usr/bin/env bash
# Captures real SYNs (Linux's own, v4 and v6) in the lab as seed inputs for
# the decoder's fuzzer: each file is one IP packet as NFQUEUE would copy it.
# Usage (root): tests/fuzz/make-corpus.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?build directory}
. "$here/../../lab/lib.sh"
trap lab_down EXIT
lab_up >/dev/null
out=$here/corpus-decode
mkdir -p "$out"
lab_srv "$build/bin/syngen" listen -a :: -p 22 -n 4 -t 10 >/dev/null &
lab_srv python3 - "$out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("s0", 0))
s.settimeout(10)
n = 0
while n < 4:
    f = s.recv(2048)
    ethertype, ip = f[12:14], f[14:]
    syn4 = ethertype == b"\x08\x00" and ip[9] == 6 and ip[(ip[0] & 15) * 4 + 13] == 2
    syn6 = ethertype == b"\x86\xdd" and ip[6] == 6 and ip[40 + 13] == 2
    if not (syn4 or syn6):
        continue
    open(f"{sys.argv[1]}/real-syn-{n}", "wb").write(ip)
    n += 1
PY
cap=$!
lab_busywait 3000 sh -c "ip netns exec $LAB_SRV ss -ltn | grep -q ':22 '"
lab_busywait 3000 sh -c "ip netns exec $LAB_SRV ss -0 | grep -q s0"
lab_cli "$build/bin/syngen" connect -a $LAB_V4_SRV -p 22 -n 2 >/dev/null
lab_cli "$build/bin/syngen" connect -a $LAB_V6_SRV -p 22 -n 2 >/dev/null
wait $cap
ls -l "$out"

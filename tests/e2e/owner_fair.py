#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""owner_fair.py victim ADDR PORT N | attacker ADDR PORT FDS SECONDS

victim: names itself "vic\\ntim" (a newline in a comm), makes N
connections to ADDR:PORT, ten a second, each kept open to the end (so no
source port comes twice); prints "PID" then each one's source port.

attacker: holds FDS sockets (socket pairs: its fd table is what a lookup
reads, and each socket in it goes into the index),
says "ready", then connects to ADDR:PORT 100 times a second, each
connection kept some 50 ms (long enough to be looked up, and found: its
process becomes a "recent owner"), for SECONDS (bounded: it stops by
itself)."""
import ctypes
import os
import socket
import sys
import time


def victim(addr, port, n):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(15, b"vic\ntim", 0, 0, 0):   # PR_SET_NAME
        sys.exit("prctl: errno %d" % ctypes.get_errno())
    print(os.getpid(), flush=True)
    held = []
    for _ in range(n):
        held.append(socket.create_connection((addr, port), timeout=5))
        print(held[-1].getsockname()[1], flush=True)
        time.sleep(0.1)
    for s in held:
        s.close()


def attacker(addr, port, fds, seconds):
    held = [s for _ in range(fds // 2) for s in socket.socketpair()]
    print("ready", len(held), flush=True)
    end, live = time.monotonic() + seconds, []
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            live.append(socket.create_connection((addr, port), timeout=1))
        except OSError:
            pass
        if len(live) > 5:
            live.pop(0).close()
        time.sleep(max(0, 0.01 - (time.monotonic() - t)))


if sys.argv[1] == "victim":
    victim(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
else:
    attacker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))

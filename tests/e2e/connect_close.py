#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""connect_close.py ADDR4 ADDR6 PORT COMM N [hold]: names itself COMM
(prctl, so /proc/PID/comm says it), then N times opens a TCP connection,
to ADDR4 and ADDR6 by turns, and closes it at once; prints "PID SPORT" for
each.  With hold, stays until its stdin closes (or 60 s), its sockets
long gone."""
import ctypes
import os
import select
import socket
import sys

PR_SET_NAME = 15
addr4, addr6, port, comm, n = sys.argv[1:6]
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NAME, comm.encode(), 0, 0, 0):
    sys.exit("prctl: errno %d" % ctypes.get_errno())
for i in range(int(n)):
    fam, addr = (socket.AF_INET, addr4) if i % 2 == 0 else (socket.AF_INET6, addr6)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect((addr, int(port)))
    print(os.getpid(), s.getsockname()[1], flush=True)
    s.close()
if len(sys.argv) > 6:
    select.select([sys.stdin], [], [], 60)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""owner_client.py ADDR PORT COMM: names itself COMM (prctl, so
/proc/PID/comm says it), opens one TCP connection to ADDR:PORT and prints
"PID SPORT"; keeps the connection open until its stdin closes, or 60 s."""
import ctypes
import select
import socket
import sys

PR_SET_NAME = 15
addr, port, comm = sys.argv[1], int(sys.argv[2]), sys.argv[3]
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NAME, comm.encode(), 0, 0, 0):
    sys.exit("prctl: errno %d" % ctypes.get_errno())
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.connect((addr, port))
print(__import__("os").getpid(), s.getsockname()[1], flush=True)
select.select([sys.stdin], [], [], 60)
s.close()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A RESP server that is "not ready" for a while, the way a real Redis is
while it loads its data set (-LOADING) or runs a long script (-BUSY).

    fakeredis.py PORT LOADING BUSY LIMIT

Listens on 127.0.0.1:PORT.  AUTH, SELECT and PING are answered at once.
The first LOADING data commands get "-LOADING ...", the next BUSY
"-BUSY ...", every later one is taken.  Prints "listening" once ready,
and at the end (SIGTERM, or LIMIT seconds) one line:
    taken N loading L busy B
"""
import selectors
import signal
import socket
import sys
import time

port, n_loading, n_busy, limit = (int(a) for a in sys.argv[1:5])
taken = loading = busy = 0
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)


def commands(buf):
    """Yields (args, rest) for each whole RESP array at the start of buf."""
    while True:
        if not buf.startswith(b"*"):
            return
        end = buf.find(b"\r\n")
        if end < 0:
            return
        n, pos, args = int(buf[1:end]), end + 2, []
        for _ in range(n):
            end = buf.find(b"\r\n", pos)
            if end < 0 or buf[pos:pos + 1] != b"$":
                return
            ln = int(buf[pos + 1:end])
            if len(buf) < end + 2 + ln + 2:
                return
            args.append(buf[end + 2:end + 2 + ln])
            pos = end + 2 + ln + 2
        buf = buf[pos:]
        yield args, buf


def answer(args):
    global taken, loading, busy
    cmd = args[0].upper()
    if cmd in (b"AUTH", b"SELECT"):
        return b"+OK\r\n"
    if cmd == b"PING":
        return b"+PONG\r\n"
    if loading < n_loading:
        loading += 1
        return b"-LOADING Redis is loading the dataset in memory\r\n"
    if busy < n_busy:
        busy += 1
        return b"-BUSY Redis is busy running a script.\r\n"
    taken += 1
    return b"$3\r\n1-1\r\n"


lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind(("127.0.0.1", port))
lsock.listen(16)
lsock.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(lsock, selectors.EVENT_READ, None)
bufs = {}
print("listening", flush=True)
deadline = time.monotonic() + limit
while not stop and time.monotonic() < deadline:
    for key, _ in sel.select(timeout=0.1):
        if key.data is None:
            conn, _ = lsock.accept()
            conn.setblocking(True)
            sel.register(conn, selectors.EVENT_READ, b"")
            bufs[conn] = b""
            continue
        conn = key.fileobj
        try:
            data = conn.recv(65536)
            buf, out = bufs[conn] + data, []
            for args, rest in commands(buf):
                out.append(answer(args))
                buf = rest
            bufs[conn] = buf
            if out:
                conn.sendall(b"".join(out))
        except OSError:
            data = b""    # the client went away mid-reply: as an EOF
        if not data:
            sel.unregister(conn)
            conn.close()
            del bufs[conn]
print(f"taken {taken} loading {loading} busy {busy}", flush=True)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Switch on packet timestamps host-wide, as tcpdump or scapy do, until
stdin closes or LIMIT seconds pass (default 3600).

SO_TIMESTAMP on any socket enables the kernel's netstamp key for every
namespace; from then on NFQUEUE attaches NFQA_TIMESTAMP to each packet.
Prints "timestamps on" once the option is set."""
import select
import socket
import sys

limit = float(sys.argv[1]) if len(sys.argv) > 1 else 3600.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
SO_TIMESTAMP = getattr(socket, "SO_TIMESTAMP", 29)  # asm-generic and x86 value
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
print("timestamps on", flush=True)
select.select([sys.stdin], [], [], limit)

# SPDX-License-Identifier: MIT
"""Stream entries from redis-cli's XRANGE output (plain, not a tty): per
entry its id, then field and value lines alternately.  Imported by the
Redis e2e tests (sys.path gets tests/e2e)."""
import re


def entries(lines):
    """The entries of a stream, each a dict of its fields."""
    out, cur = [], None
    for line in lines:
        if re.match(r"^\d+-\d+$", line) and (cur is None or len(cur) % 2 == 0):
            cur = []
            out.append(cur)
        else:
            cur.append(line)
    return [dict(zip(e[0::2], e[1::2])) for e in out]

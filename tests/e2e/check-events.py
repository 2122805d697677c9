#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""check-events.py [--subset] FILE...: every line of each FILE is a JSON
event valid against doc/event.schema.json (draft 2020-12), checked with
Debian's python3-jsonschema.  --subset: events of a fields= selection,
whose keys must each be valid and in the schema, none required.  Prints
how many were checked; exits 1 with the first invalid line and why.  The
end-to-end tests run it on every JSON event synsink writes to stdout, so
the schema and core/format/format.c cannot drift.

The validator manages about 4 000 events a second: a file of more than
MAX_EVENTS lines (only the soak's 200 000) has MAX_EVENTS of them checked,
spread evenly from its first line to its last, and every line parsed."""
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "..", "..", "doc", "event.schema.json")))


def optional(node, negated=False):
    """Every key made optional: required and dependentRequired dropped,
    except under a "not" (an IPv4 event must still not have flowlabel)."""
    if isinstance(node, dict):
        for k in list(node):
            if k in ("required", "dependentRequired") and not negated:
                del node[k]
            else:
                optional(node[k], negated or k == "not")
    elif isinstance(node, list):
        for x in node:
            optional(x, negated)


if sys.argv[1:2] == ["--subset"]:
    del sys.argv[1]
    optional(schema)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
MAX_EVENTS = 20000
n = 0
for path in sys.argv[1:]:
    lines = open(path).read().splitlines()
    step = max(1, -(-len(lines) // MAX_EVENTS))
    for no, line in enumerate(lines, 1):
        try:
            event = json.loads(line)
        except ValueError as e:
            print(f"check-events: {path}:{no}: not JSON: {e}")
            sys.exit(1)
        if (no - 1) % step and no != len(lines):
            continue
        errors = sorted(validator.iter_errors(event), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print(f"check-events: {path}:{no}: {'/'.join(map(str, e.path)) or '(event)'}: {e.message}")
            sys.exit(1)
        n += 1
print(f"check-events: {n} events valid")

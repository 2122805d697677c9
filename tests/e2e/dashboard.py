#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""dashboard.py DASHBOARD PROMETHEUS_URL: the Grafana dashboard is
importable and every query in it has data.

1. The JSON has what Grafana 10 needs to import it: a uid, a title, a
   schemaVersion, a datasource variable of type "datasource" for
   Prometheus and job and instance variables of type "query"; every panel
   an id (unique), a known type, a title, a gridPos (h, w, x, y; within
   the 24 columns), the datasource variable, and targets, each with a
   unique refId, the same datasource and an expr.
2. Each expr, with $job as "synsink", $instance as ".*" (the "All" value)
   and $__rate_interval as 1m, goes to /api/v1/query: it must succeed and
   return at least one series.
Prints a line per panel; exits 1 naming what is wrong."""
import json
import sys
import urllib.parse
import urllib.request

dash = json.load(open(sys.argv[1]))
url = sys.argv[2]
problems = []
DS = {"type": "prometheus", "uid": "${datasource}"}
PANEL_TYPES = {"timeseries", "heatmap", "stat", "gauge", "table", "bargauge"}


def need(cond, what):
    if not cond:
        problems.append(what)


for k in ("uid", "title", "schemaVersion", "panels", "templating"):
    need(k in dash, f"dashboard: no {k}")
need(dash.get("schemaVersion", 0) >= 36, "schemaVersion below Grafana 10's")
variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
need(variables.get("datasource", {}).get("type") == "datasource" and
     variables["datasource"].get("query") == "prometheus", "no Prometheus datasource variable")
for name in ("job", "instance"):
    v = variables.get(name, {})
    need(v.get("type") == "query" and v.get("datasource") == DS and
         "label_values(" in json.dumps(v.get("query")), f"variable {name}: not a label_values query")

ids = set()
queries = 0
for p in dash.get("panels", []):
    pid = p.get("id")
    where = f"panel {pid} ({p.get('title')})"
    need(isinstance(pid, int) and pid not in ids, f"{where}: id missing or repeated")
    ids.add(pid)
    need(p.get("type") in PANEL_TYPES, f"{where}: type {p.get('type')}")
    need(bool(p.get("title")), f"{where}: no title")
    g = p.get("gridPos", {})
    need(all(isinstance(g.get(k), int) for k in "hwxy") and g.get("x", 0) + g.get("w", 0) <= 24,
         f"{where}: gridPos {g}")
    need(p.get("datasource") == DS, f"{where}: datasource {p.get('datasource')}")
    refs = [t.get("refId") for t in p.get("targets", [])]
    need(refs and len(refs) == len(set(refs)) and all(refs), f"{where}: refIds {refs}")
    series = []
    for t in p.get("targets", []):
        need(t.get("datasource") == DS, f"{where} {t.get('refId')}: datasource")
        expr = t.get("expr", "")
        need(bool(expr), f"{where} {t.get('refId')}: no expr")
        q = (expr.replace("$job", "synsink").replace("$instance", ".*")
             .replace("$__rate_interval", "1m"))
        try:
            with urllib.request.urlopen(f"{url}/api/v1/query?" +
                                        urllib.parse.urlencode({"query": q}), timeout=10) as r:
                ans = json.load(r)
        except Exception as e:  # an HTTP 400 is a bad query
            problems.append(f"{where} {t.get('refId')}: {e}: {q}")
            continue
        queries += 1
        n = len(ans.get("data", {}).get("result", []))
        need(ans.get("status") == "success" and n > 0, f"{where} {t.get('refId')}: no series: {q}")
        series.append(n)
    print(f"  {where}: series per query {series}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"  {len(ids)} panels, {queries} queries, each with data")

#!/usr/bin/env python3
"""Evaluates every PromQL expression of a Grafana dashboard against a live Prometheus.

Used by check-dashboard.sh after a real run. Grafana template variables are substituted (--var
NAME=VALUE; run -> the run id, job/instance -> '.*'), as are Grafana's built-in intervals
($__rate_interval, $__interval, $__range: --window, or --window-since: a window covering the whole run). Each panel
target and each query variable (label_values(EXPR, LABEL) -> count by (LABEL) (EXPR)) goes through
/api/v1/query. Prints a table (panel -> series) and exits 1 if any expression is rejected, returns
no series, or only NaN values. With --page (the eval-service's URL), also compares the run page's figures
for the run (GET /runs/<run>/view) with the dashboard's: the last round's accuracy (mean, min, max) and each
worker's fusion throughput (pairs/s, samples/s per second of fusion), and exits 1 if any differs.
Standard library only.
"""
import argparse
import json
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BUILTIN = ("__rate_interval", "__interval", "__range", "__range_s")


def query(base, expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    if body.get("status") != "success":
        raise ValueError(body.get("error", "query failed"))
    data = body["data"]
    if data["resultType"] == "scalar":
        return [{"metric": {}, "value": data["result"]}]
    return data["result"]


def substitute(expr, variables, window):
    def repl(m):
        name = m.group(1) or m.group(2)
        if name in ("__rate_interval", "__range", "__interval"):
            return window
        if name == "__range_s":
            return window.rstrip("s")
        if name in variables:
            return variables[name]
        raise KeyError(f"unknown template variable ${name} in: {expr}")
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", repl, expr)


def expressions(dashboard):
    """(where, expr) for every panel target (rows' nested panels too) and every query variable."""
    out = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((f'{p.get("title", "?")} [{t.get("refId", "?")}]', t["expr"]))
            walk(p.get("panels", []))

    walk(dashboard.get("panels", []))
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", q or "")
        if m:
            out.append((f'variable ${v["name"]}', f"count by ({m.group(2)}) ({m.group(1)})"))
        elif q and not q.strip().startswith("label_values("):
            out.append((f'variable ${v["name"]}', q))
    return out


def wait_scrapes(base, scrapes, timeout):
    """Until every target has been scraped `scrapes` times since now (and answered: up == 1)."""
    start = time.time()
    while True:
        elapsed = max(1, int(time.time() - start))
        try:
            r = query(base, f"min(count_over_time(up[{elapsed}s]))")
            up = query(base, "min(up)")
            if r and float(r[0]["value"][1]) >= scrapes and up and float(up[0]["value"][1]) == 1:
                return elapsed
        except ValueError:
            pass
        if time.time() - start > timeout:
            raise TimeoutError(f"targets not scraped {scrapes} times (all up) within {timeout} s")
        time.sleep(0.5)


def wait_series(base, expr, timeout):
    start = time.time()
    while time.time() - start < timeout:
        if query(base, expr):
            return True
        time.sleep(1)
    return False


ACCURACY_PANEL = "Global accuracy per round"
THROUGHPUT_PANEL = "Fusion throughput by run and worker"


def panel_exprs(dashboard, title_start):
    """The panel whose title starts with title_start: {refId: expr}."""
    out = {}

    def walk(panels):
        for p in panels:
            if p.get("title", "").startswith(title_start):
                out.update({t["refId"]: t["expr"] for t in p.get("targets", []) if t.get("expr")})
            walk(p.get("panels", []))

    walk(dashboard.get("panels", []))
    if not out:
        raise KeyError(f"no panel titled {title_start}...")
    return out


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def compare_page(prometheus, page, run, dashboard, variables, window):
    """The run page's figures against the dashboard's, for one run. Returns the number of differences."""
    with urllib.request.urlopen(f"{page}/runs/{urllib.parse.quote(run)}/view", timeout=30) as r:
        view = json.load(r)
    rows, bad = [], 0
    last = view["rounds"][-1]
    acc = {s["metric"].get("stat"): float(s["value"][1]) for s in query(prometheus,
           substitute(panel_exprs(dashboard, ACCURACY_PANEL)["A"], variables, window))}
    for stat, key in (("mean", "accMean"), ("min", "accMin"), ("max", "accMax")):
        rows.append((f"accuracy {stat}, round {last['round']}", last[key] / 100, acc.get(stat)))
    exprs = panel_exprs(dashboard, THROUGHPUT_PANEL)
    for ref, key, what in (("A", "pairsPerSecond", "pairs/s"), ("B", "samplesPerSecond", "samples/s")):
        dash = {s["metric"].get("worker"): float(s["value"][1]) for s in query(prometheus,
                substitute(exprs[ref], variables, window))}
        workers = {w["worker"]: w[key] for w in view["throughput"]["workers"]}
        if not workers:
            rows.append((f"fusion {what}: no worker on the page", None, None))
        for w in sorted(set(workers) | set(dash)):
            rows.append((f"fusion {what}, worker {w}", workers.get(w), dash.get(w)))
    print(f"run page {page}/#/runs/{run} against the dashboard:")
    print(f"{'figure':<40}  {'page':>14}  {'dashboard':>14}  status")
    for name, mine, theirs in rows:
        ok = mine is not None and theirs is not None and close(mine, theirs)
        bad += 0 if ok else 1
        show = lambda v: "-" if v is None else f"{v:.8g}"
        print(f"{name:<40}  {show(mine):>14}  {show(theirs):>14}  {'ok' if ok else 'DIFFERS'}")
    print(f"page vs dashboard: {len(rows) - bad} equal, {bad} different")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--window", help="substituted for $__rate_interval/$__range, e.g. 300s")
    ap.add_argument("--window-since", type=float,
                    help="epoch seconds: the window reaches back to this (+10 s), measured after the waits")
    ap.add_argument("--var", action="append", default=[], help="NAME=VALUE")
    ap.add_argument("--wait-scrapes", type=int, default=2)
    ap.add_argument("--wait-for", action="append", default=[], help="an expression that must return a series first")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--page", help="the eval-service's URL: compare its run page's figures for $run too")
    a = ap.parse_args()
    variables = dict(v.split("=", 1) for v in a.var)

    for expr in a.wait_for:
        if not wait_series(a.prometheus, expr, a.timeout):
            print(f"check-dashboard: no series for {expr} within {a.timeout} s", file=sys.stderr)
    waited = wait_scrapes(a.prometheus, a.wait_scrapes, a.timeout)
    window = a.window or f"{int(time.time() - a.window_since) + 10}s"
    print(f"every target scraped >= {a.wait_scrapes} times more ({waited} s); window {window}")

    with open(a.dashboard) as f:
        dashboard = json.load(f)
    rows, failures = [], 0
    for where, raw in expressions(dashboard):
        try:
            expr = substitute(raw, variables, window)
            result = query(a.prometheus, expr)
            values = [float(s["value"][1]) for s in result]
            finite = [v for v in values if not math.isnan(v)]
            status = "ok" if finite else ("NO SERIES" if not values else "ONLY NaN")
            shown = f"{max(finite):.6g}" if finite else "-"
            rows.append((where, str(len(result)), shown, status))
            if status != "ok":
                failures += 1
                rows.append(("    " + expr, "", "", ""))
        except (ValueError, KeyError) as e:
            failures += 1
            rows.append((where, "-", "-", f"ERROR {e}"))
    w = max(len(r[0]) for r in rows)
    print(f"{'panel [query]':<{w}}  {'series':>6}  {'max':>10}  status")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:>6}  {r[2]:>10}  {r[3]}")
    total = sum(1 for r in rows if not r[0].startswith("    "))
    print(f"{total - failures}/{total} expressions returned data")
    print(f"dashboard: {total - failures} passed, {failures} failed")
    if a.page:
        failures += compare_page(a.prometheus, a.page, variables["run"], dashboard, variables, window)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The explorer on a large model: how fast the page opens, a neighbour query answers, and a
50,000-point map arrives, over real HTTP on 127.0.0.1.

    python benchmarks/explore.py [--words 1000000] [--dim 100] [--runs 30]

The model is random vectors (the speed does not depend on what they hold) for --words words.
Timed, each over the explorer's own HTTP server:
  first page   GET / and its three assets and /api/model, one after another (a browser fetches
               them in parallel, so this is an upper bound); the first time (cold) and then
  neighbours   /api/neighbors?word=W&topn=20 for random words: median and 90th percentile
  map          /api/map?n=50000 (PCA): the first time (computed) and again (cached)
  completion   /api/suggest for random 2-letter prefixes: median
With --browser (Debian's chromium and chromedriver, via Selenium), also in a real page:
  page shown   from navigation to the model's name on the page
  map drawn    /api/map?n=50000 fetched and drawn (the page's own showMap)
  redraw       one redraw of the 50,000 points and their labels (what each pan or zoom step costs):
               median of 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request

import numpy as np


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
        assert r.status == 200, (url, r.status)
    return time.perf_counter() - started, body


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    args = parser.parse_args(argv)

    import w2v
    from w2v import KeyedVectors

    rng = np.random.default_rng(0)
    started = time.perf_counter()
    words = [f"w{i}" for i in range(args.words)]
    kv = KeyedVectors(words, rng.standard_normal((args.words, args.dim), dtype=np.float32))
    print(
        f"{args.words:,} random {args.dim}-d vectors built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    server = w2v.explore(kv, port=0, block=False)
    base = server.url
    page = ["", "static/app.css", "static/vendor/d3.min.js", "static/app.js", "api/model"]
    first = [sum(fetch(base + p)[0] for p in page) for _ in range(max(3, args.runs // 5))]
    queries = rng.integers(0, args.words, args.runs)
    neighbors = [fetch(f"{base}api/neighbors?word=w{q}&topn=20")[0] for q in queries]
    cold, body = fetch(f"{base}api/map?n=50000")
    points = len(json.loads(body)["words"])
    warm = [fetch(f"{base}api/map?n=50000")[0] for _ in range(3)]
    prefixes = [f"w{d}{e}" for d, e in rng.integers(1, 10, (args.runs, 2))]
    suggest = [fetch(f"{base}api/suggest?prefix={p}&limit=10")[0] for p in prefixes]
    in_browser = browser_figures(base) if args.browser else None
    server.shutdown()
    ms = lambda s: f"{1000 * s:,.0f} ms"  # noqa: E731
    print(f"| what ({args.words:,} words, d={args.dim}) | time | bar |")
    print("|---|---:|---:|")
    print(f"| first page, cold (page, 3 assets, /api/model) | {ms(first[0])} | < 1 s |")
    print(f"| first page, again (median of {len(first) - 1}) | {ms(statistics.median(first[1:]))} | < 1 s |")
    print(f"| neighbour query, median of {args.runs} | {ms(statistics.median(neighbors))} | < 50 ms |")
    p90 = float(np.percentile(neighbors, 90))
    print(f"| neighbour query, 90th percentile | {ms(p90)} | |")
    print(f"| map of {points:,} points (PCA), first time | {ms(cold)} ({len(body) / 1e6:.1f} MB) | < 2 s |")
    print(f"| map of {points:,} points, cached (median of 3) | {ms(statistics.median(warm))} | |")
    print(f"| completion, median of {args.runs} | {ms(statistics.median(suggest))} | |")
    if in_browser:
        shown, drawn, redraw = in_browser
        print(f"| in Chromium: page shown | {ms(shown)} | < 1 s |")
        print(f"| in Chromium: map of 50,000 points fetched and drawn | {ms(drawn)} | < 2 s |")
        print(f"| in Chromium: one redraw of 50,000 points (pan/zoom step), median | {ms(redraw)} | |")


def headless_chromium():
    """A Selenium driver of Debian's chromium, headless (also used by explore_screenshot.py)."""
    import shutil
    import tempfile

    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--window-size=1400,900",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=webdriver.ChromeService(shutil.which("chromedriver")), options=options)


def browser_figures(base):
    from selenium.webdriver.common.by import By

    driver = headless_chromium()
    try:
        started = time.perf_counter()
        driver.get(base)
        while not driver.find_element(By.ID, "models").text:
            time.sleep(0.005)
        shown = time.perf_counter() - started
        drawn = driver.execute_async_script(
            "const done = arguments[0]; const t = performance.now();"
            "showMap({n: 50000, skip: 0, stopwords: false, method: 'pca'})"
            ".then(() => done((performance.now() - t) / 1000));"
        )
        redraw = driver.execute_script(
            "const times = []; for (let i = 0; i < 20; i++) { const t = performance.now(); draw();"
            "times.push(performance.now() - t); } times.sort((a, b) => a - b); return times[10] / 1000;"
        )
        return shown, drawn, redraw
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

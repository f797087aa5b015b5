"""The README's picture of the explorer: a model opened in headless Chromium (Debian's chromium
and chromedriver), a word searched, the map drawn, saved as a PNG.

    python benchmarks/explore_screenshot.py demo/moby.w2v docs/explorer.png --word whale
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from selenium.webdriver.common.by import By

import w2v

sys.path.insert(0, str(Path(__file__).resolve().parent))
from explore import headless_chromium  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--word", default="whale")
    parser.add_argument("--points", type=int, default=1500)
    args = parser.parse_args(argv)
    server = w2v.explore(args.model, port=0, block=False)
    driver = headless_chromium()
    try:
        driver.get(server.url)
        time.sleep(1)
        n = driver.find_element(By.ID, "map-n")
        n.clear()
        n.send_keys(str(args.points))
        driver.find_element(By.ID, "map-stop").click()
        driver.find_element(By.CSS_SELECTOR, "#map-form button[type=submit]").click()
        time.sleep(1)
        driver.find_element(By.ID, "word").send_keys(args.word)
        driver.find_element(By.CSS_SELECTOR, "#search button").click()
        time.sleep(1.5)
        driver.save_screenshot(args.out)
    finally:
        driver.quit()
        server.shutdown()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()

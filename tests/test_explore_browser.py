"""The explorer end to end in a real headless Chromium (Debian's chromium, driven by Selenium
through its chromedriver): search, neighbours, following one (the URL changes), an analogy, the
map drawn on the canvas, two models compared, a screenshot kept in test-artifacts/; and words
that are markup shown as text everywhere, with no script run. Chromium missing: a skip outside
CI, a failure in CI (make test installs it)."""

from __future__ import annotations

import csv
import json
import shutil
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

import w2v
from conftest import require_peer
from w2v import Word2Vec

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is missing: pip install -e '.[test]'")
from selenium.webdriver.common.by import By  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HOSTILE = ["<img src=x onerror=alert(1)>", '"><script>alert(2)</script>']


def corpus(seed):
    rng = np.random.default_rng(seed)
    groups = [[f"cat{i}" for i in range(6)] + ["he", "good"], [f"car{i}" for i in range(6)] + ["she", "bad"]]
    sentences = [list(rng.choice(groups[i % 2], 10)) for i in range(400)]
    return sentences + [HOSTILE * 3 + ["cat1"]] * 30


@pytest.fixture(scope="module")
def server():
    kw = dict(vector_size=16, min_count=1, epochs=5, workers=1, sg=1, progress=False)
    first, second = Word2Vec(corpus(0), seed=1, **kw), Word2Vec(corpus(1), seed=2, **kw)
    srv = w2v.explore(first, second, port=0, block=False)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = require_peer(
        shutil.which("chromium"), "Debian's chromium", "apt-get install chromium chromium-driver"
    )
    driver_path = require_peer(
        shutil.which("chromedriver"), "chromedriver", "apt-get install chromium-driver"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait_for(condition, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


def texts(browser, css):
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, css)]


def open_page(browser, server, fragment=""):
    browser.get(server.url + fragment)
    wait_for(lambda: browser.find_element(By.ID, "models").text)
    # any alert() a word managed to run is recorded, never shown
    browser.execute_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")


def inked_pixels(browser):
    return browser.execute_script(
        "const c = document.getElementById('map'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
        "for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++;"
        "return n;"
    )


def test_search_neighbours_follow_analogy_map_compare_and_a_screenshot(browser, server):
    open_page(browser, server)
    box = browser.find_element(By.ID, "word")
    box.send_keys("cat1")
    browser.find_element(By.CSS_SELECTOR, "#search button").click()
    wait_for(lambda: texts(browser, "#neighbors li button"))
    shown = texts(browser, "#neighbors li button")
    first = server.httpd.RequestHandlerClass.explorer.neighbors("cat1", 20)["neighbors"]
    assert shown == [n["word"] for n in first]
    assert browser.current_url.endswith("#w=cat1")

    target = shown[0]
    browser.find_elements(By.CSS_SELECTOR, "#neighbors li button")[0].click()
    wait_for(lambda: browser.find_element(By.ID, "neighbors-of").text == f"of {target}")
    assert "#w=" in browser.current_url and browser.current_url != server.url + "#w=cat1"
    browser.back()
    wait_for(lambda: browser.find_element(By.ID, "neighbors-of").text == "of cat1")

    for field, word in (("a", "cat1"), ("b", "cat2"), ("c", "car1")):
        browser.find_element(By.ID, field).send_keys(word)
    browser.find_element(By.CSS_SELECTOR, "#analogy-form button").click()
    wait_for(lambda: texts(browser, "#answers li"))
    assert "a=cat1" in browser.current_url

    assert inked_pixels(browser) == 0
    n = browser.find_element(By.ID, "map-n")
    n.clear()
    n.send_keys("200")
    browser.find_element(By.CSS_SELECTOR, "#map-form button[type=submit]").click()
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-points"))
    points = int(browser.find_element(By.ID, "map").get_attribute("data-points"))
    assert points == min(200, len(server.httpd.RequestHandlerClass.explorer.spaces[0].kv))
    assert wait_for(lambda: inked_pixels(browser) > 500)  # the points and labels are drawn
    assert "map=200%3A0%3A0%3Apca" in browser.current_url  # the map is part of the address too

    shared = browser.current_url  # the whole view comes back from its address
    browser.refresh()
    wait_for(lambda: browser.find_element(By.ID, "neighbors-of").text == "of cat1")
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-points") == str(points))
    assert browser.current_url == shared and texts(browser, "#answers li")
    assert wait_for(lambda: inked_pixels(browser) > 500)

    assert browser.find_element(By.ID, "compare").is_displayed()
    wait_for(lambda: texts(browser, "#compare-a li") and texts(browser, "#compare-b li"))
    wait_for(lambda: texts(browser, "#changed li"))
    assert "share" in browser.find_element(By.ID, "compare-summary").text

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "explorer.png"))
    assert (ARTIFACTS / "explorer.png").stat().st_size > 10_000


def test_words_that_are_markup_show_as_text_and_run_nothing(browser, server):
    open_page(browser, server)
    for word in HOSTILE:
        box = browser.find_element(By.ID, "word")
        box.clear()
        box.send_keys(word)
        browser.find_element(By.CSS_SELECTOR, "#search button").click()
        wait_for(lambda w=word: browser.find_element(By.ID, "neighbors-of").text == f"of {w}")
        wait_for(lambda: texts(browser, "#neighbors li button"))
        other = HOSTILE[1 - HOSTILE.index(word)]
        assert other in texts(browser, "#neighbors li button")  # the other one, shown as its text
        wait_for(lambda: texts(browser, "#compare-a li"))
        assert other in texts(browser, "#compare-a li") + texts(browser, "#compare-b li")
    for field, word in (("a", "cat1"), ("b", HOSTILE[0]), ("c", "car1")):
        browser.find_element(By.ID, field).send_keys(word)
    browser.find_element(By.CSS_SELECTOR, "#analogy-form button").click()
    wait_for(lambda: texts(browser, "#answers li"))
    browser.find_element(By.CSS_SELECTOR, "#map-form button[type=submit]").click()
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-points"))
    time.sleep(0.5)
    assert browser.execute_script("return window.__alerts") == []
    assert browser.find_elements(By.TAG_NAME, "img") == []
    scripts = [s.get_attribute("src") for s in browser.find_elements(By.TAG_NAME, "script")]
    assert len(scripts) == 2 and all(s.startswith(server.url + "static/") for s in scripts)
    html = browser.page_source
    assert "<img src=x" not in html and "<script>alert" not in html  # only ever as escaped text


def test_exports_the_neighbour_list_and_the_map(browser, server, tmp_path):
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    open_page(browser, server, "#w=" + urllib.parse.quote(HOSTILE[1]) + "&map=50%3A0%3A0%3Apca")
    wait_for(lambda: texts(browser, "#neighbors li button"))
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-points") == "18")
    shown = texts(browser, "#neighbors li button")
    for button, name in (
        ("export-csv", "neighbors.csv"),
        ("export-json", "neighbors.json"),
        ("export-png", "map.png"),
        ("export-svg", "map.svg"),
    ):
        browser.find_element(By.ID, button).click()
        wait_for(lambda n=name: (tmp_path / n).exists() and (tmp_path / n).stat().st_size > 0)
    rows = list(csv.reader((tmp_path / "neighbors.csv").open(newline="")))
    assert rows[0] == ["word", "similarity"] and [r[0] for r in rows[1:]] == shown  # quoted as CSV wants
    data = json.loads((tmp_path / "neighbors.json").read_text())
    assert [d["word"] for d in data] == shown
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "map.svg").read_text()
    assert svg.startswith("<svg") and "&lt;img src=x" in svg and "<img" not in svg  # words as SVG text


def test_axes_come_back_from_the_address(browser, server):
    open_page(browser, server, "#xp=he&xm=she&yp=good&ym=bad&an=12")
    wait_for(lambda: browser.find_element(By.ID, "map").get_attribute("data-points") == "12")
    assert browser.find_element(By.ID, "x-plus").get_attribute("value") == "he"
    assert wait_for(lambda: inked_pixels(browser) > 100)

"""``zoo explore`` in a real browser: Debian's Chromium driven by Playwright against a real
server running real simulators. Screenshots and the measured times go to
``test-artifacts/`` (``ZOO_TEST_ARTIFACTS``)."""
import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

import explorer
import zoo

from tests.conftest import ZOO, runs

ARTIFACTS = Path(os.environ.get("ZOO_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"
#: Launch flags for Debian's Chromium, headless, as root, without a GPU or network chatter.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMES: dict = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, data = _free_port(), tmp_path_factory.mktemp("explore-data")
    process = subprocess.Popen([ZOO, "explore", "--port", str(port), "--data", str(data)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.3)
    yield url, data
    process.terminate()
    process.wait(timeout=30)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "web-times.json").write_text(json.dumps(TIMES, indent=1))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("button", name="Run", exact=True).wait_for()
    TIMES.setdefault("page_load_s", []).append(round(time.perf_counter() - started, 3))
    yield page
    page.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def field(page, label: str):
    return page.get_by_label(label, exact=True)


def tick_only(page, simulators) -> None:
    for name in runs("lif"):
        box = page.get_by_label(name, exact=True)
        if box.is_checked() != (name in simulators):
            box.click()


def text_of(page, css: str) -> str:
    """The text a pane shows (Panel draws it inside the element's shadow root)."""
    return page.locator(css).first.evaluate(
        "e => Array.from((e.shadowRoot || e).children).filter(c => !['STYLE', 'LINK'].includes(c.tagName))"
        ".map(c => c.innerText).join('\\n')").strip()


def table_of(page, css: str) -> pd.DataFrame:
    """The HTML table a pane shows, read cell by cell (its header row first)."""
    table = page.locator(f"{css} table").first
    table.locator("th").first.wait_for()
    rows = table.evaluate("t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
    return pd.DataFrame(rows[1:], columns=rows[0])


def real_models() -> list[str]:
    """The registry's models as a fresh process lists them (the suite registers test models of its own)."""
    listed = subprocess.run([ZOO, "list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.strip()]


def test_the_page_lists_every_model_and_its_parameters(page):
    options = page.locator("select").first.locator("option").all_inner_texts()
    assert options == real_models()
    assert field(page, "i_offset (nA)").input_value() == "1"  # the declaration's default, with its unit
    shot(page, "web-start")


@pytest.mark.parametrize("simulator", runs("lif"))
def test_a_lif_run_shows_the_rate_zoo_run_gives(page, simulator):
    tick_only(page, [simulator])
    field(page, "i_offset (nA)").fill("1.5")
    field(page, "i_offset (nA)").press("Enter")
    for _ in range(2):  # the second click measures a warm server
        started = time.perf_counter()
        # the last result is marked, and the new one is a new element: a run of 0.2 s (NEURON's
        # LIF) replaces it faster than the page can be polled for its going
        page.locator(".zoo-summary").evaluate_all("els => els.forEach(e => e.setAttribute('data-stale', '1'))")
        page.get_by_role("button", name="Run", exact=True).click()
        page.locator(".zoo-summary:not([data-stale]) table").wait_for(timeout=120_000)
        TIMES.setdefault(f"click_to_result_s_{simulator}", []).append(round(time.perf_counter() - started, 3))
    shown = table_of(page, ".zoo-summary:not([data-stale])")
    expected = zoo.run("lif", simulator, i_offset=1.5).summary
    assert shown["simulator"].tolist() == [simulator]
    assert shown["rate_hz"].tolist() == [f"{v:.6g}" for v in expected["rate_hz"]]
    assert shown["rate_hz_closed_form"].tolist() == [f"{v:.6g}" for v in expected["rate_hz_closed_form"]]
    shot(page, f"web-run-{simulator}")


def test_bad_input_shows_the_command_line_message_and_nothing_runs(page):
    field(page, "i_offset (nA)").fill("1.5x")
    field(page, "i_offset (nA)").press("Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator(".zoo-message").first.get_by_text("zoo: error").wait_for()
    cli = subprocess.run([ZOO, "run", "lif", "--set", "i_offset=1.5x"], capture_output=True, text=True)
    assert cli.returncode == 2 and text_of(page, ".zoo-message") == cli.stderr.strip()
    assert text_of(page, ".zoo-status").startswith("Nothing was run.")
    assert text_of(page, ".zoo-error-i_offset") == cli.stderr.strip()  # under the field it is about
    assert page.locator(".zoo-summary").count() == 0
    shot(page, "web-bad-input")


def test_every_simulator_at_once_with_the_cross_check(page):
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator(".zoo-verdicts table").wait_for(timeout=120_000)
    verdicts = table_of(page, ".zoo-verdicts")
    assert set(verdicts["verdict"]) <= {"pass", "information", "grid tie"} and "pass" in set(verdicts["verdict"])
    shot(page, "web-run-all")


def sweep_tab(page):
    page.locator(".bk-tab", has_text="Sweep").click()


def test_a_two_parameter_sweep_shows_what_explorer_sweep_computes(page, tmp_path):
    tick_only(page, ["nest"])
    sweep_tab(page)
    field(page, "values (START:STOP:NUM or V1,V2,...)").fill("0.5,1.5")
    page.get_by_label("parameter 2 (optional)").select_option("tau_m")
    field(page, "values").fill("10,20")
    field(page, "values").press("Enter")
    page.get_by_role("button", name="Start sweep").click()
    page.get_by_text("Done:").wait_for(timeout=180_000)
    shown = table_of(page, ".zoo-sweep-table")
    table = explorer.sweep("lif", grid={"i_offset": [0.5, 1.5], "tau_m": [10.0, 20.0]}, simulators=["nest"],
                           out=tmp_path / "s", scheduler=explorer.INLINE, progress=False)
    expected = table.groupby(["simulator", "i_offset", "tau_m"])["rate_hz"].mean().reset_index()
    expected = expected.apply(lambda c: c.map(lambda v: f"{v:.6g}") if c.dtype.kind == "f" else c)
    key = ["simulator", "i_offset", "tau_m"]
    pd.testing.assert_frame_equal(shown[key + ["rate_hz"]].sort_values(key).reset_index(drop=True),
                                  expected[key + ["rate_hz"]].sort_values(key).reset_index(drop=True))
    assert len(shown) == 4 and (shown["rate_hz"] != "0").any()  # the page shows a firing point too
    shot(page, "web-sweep")


def test_a_cancelled_sweep_resumes_where_it_stopped(page, server):
    _, data = server
    page.locator("select").first.select_option("mainen_sejnowski1995")
    tick_only(page, ["nest"])
    sweep_tab(page)
    page.get_by_label("parameter 1").select_option("noise_sigma")
    field(page, "values (START:STOP:NUM or V1,V2,...)").fill("0:0.4:24")
    field(page, "values (START:STOP:NUM or V1,V2,...)").press("Enter")
    page.get_by_role("button", name="Start sweep").click()
    page.get_by_text("points stored").wait_for(timeout=60_000)
    deadline = time.time() + 120
    while time.time() < deadline and "Sweeping: 0 of" in text_of(page, ".zoo-sweep-status"):
        time.sleep(0.2)
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Stopped:").wait_for(timeout=120_000)
    status = text_of(page, ".zoo-sweep-status")
    kept = int(status.split("Stopped: ")[1].split(" of ")[0])
    assert 0 < kept < 24, status
    shot(page, "web-sweep-cancelled")
    page.get_by_role("button", name="Start sweep").click()
    # the resumed sweep starts (the old status goes), then ends, done or not: its status
    # line says how (a timeout said nothing)
    page.get_by_text(re.compile(r"^(Sweeping|Done): ")).wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"^(Done|Stopped): \d+ of 24")).wait_for(timeout=300_000)
    status = text_of(page, ".zoo-sweep-status")
    assert status.startswith("Done: 24 of 24"), status
    (folder,) = [p for p in Path(data).iterdir() if p.name.startswith("mainen_sejnowski1995-")]
    stored = pd.read_parquet(folder)
    assert len(stored) == 24 and stored["key"].is_unique and (stored["status"] == "ok").all()
    assert "already stored" in text_of(page, ".zoo-sweep-status")
    # the finished sweep's rows replace the stopped one's below the status (the status
    # line comes first, so the screenshot once showed the 4 rows of the stopped sweep)
    page.get_by_text(re.compile(r": 24 rows$")).wait_for(timeout=30_000)
    shot(page, "web-sweep-resumed")


def test_the_conformance_matrix_is_browsable(page):
    page.locator(".bk-tab", has_text="Conformance").click()
    matrix = page.locator(".zoo-matrix")
    matrix.get_by_text("mainen_sejnowski1995", exact=True).first.wait_for()
    shown = matrix.locator(".tabulator-row .tabulator-cell[tabulator-field='model']").all_inner_texts()
    assert shown == real_models()
    matrix.get_by_text("lif", exact=True).click()  # a row leads to its model's figure
    page.locator(".zoo-caption").first.get_by_text("lif").wait_for()
    assert text_of(page, ".zoo-caption").startswith("lif: error against the time step")
    page.get_by_label("model's figure").select_option("hh")
    page.locator(".zoo-caption").first.get_by_text("hh").wait_for()
    shot(page, "web-conformance")


def test_two_tabs_run_at_once_and_each_gets_its_own_result(server, browser):
    """Runs queue in one worker (PyNN's state is global): two tabs clicking together each
    get the rate of their own parameters."""
    url, _ = server
    pages = [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    for page, current in zip(pages, ("0.9", "1.8")):
        page.goto(url)
        page.get_by_role("button", name="Run", exact=True).wait_for()
        tick_only(page, ["nest"])
        field(page, "i_offset (nA)").fill(current)
        field(page, "i_offset (nA)").press("Enter")
    for page in pages:
        page.get_by_role("button", name="Run", exact=True).click()
    for page, current in zip(pages, (0.9, 1.8)):
        page.locator(".zoo-summary table").wait_for(timeout=120_000)
        expected = zoo.run("lif", "nest", i_offset=current).summary["rate_hz"]
        assert table_of(page, ".zoo-summary")["rate_hz"].tolist() == [f"{v:.6g}" for v in expected]
        page.close()


def test_a_network_run_shows_a_row_per_population_and_says_how_simulators_are_judged(tmp_path):
    """A network's summary is labelled by population, and the page does not overlay 1,250
    potentials or compare chaotic trains spike by spike: it says what judges them."""
    from zoo.web.app import Explorer

    page = Explorer(tmp_path)
    result = zoo.run("brunel2000", scale=0.05, c_e=50.0, duration_ms=150.0)
    page.show_results("brunel2000", {"nest": result}, {"scale": "0.05", "c_e": "50"}, {}, 1.0)
    texts = [str(getattr(o, "object", "")) for o in page.output.objects]
    assert "one row per population" in texts[0]
    table = page.output.objects[1].object
    assert list(table["population"]) == ["E", "I"]
    assert any("zoo check brunel2000" in t for t in texts) and not any("overlaid" in t for t in texts)


def test_a_stored_fit_opens_with_its_parameters_scores_figure_and_commands(page, server):
    """A ``zoo fit`` stored in the data folder (LIF on the competition's set 11, two
    generations on NEST) opens in the Fits tab: the parameters and scores best.json and
    scores.parquet hold, its figure, each set's command; a folder without a fit is refused."""
    from tests.conftest import QSNMC_TRAINING

    _, data = server
    holdout = "00,04,05,06,08,09,12"
    best = explorer.fit("lif", QSNMC_TRAINING, holdout=holdout, trials=20, population=10, simulator="nest",
                        out=data / "fits" / "lif-11", scheduler="inline", check_on=["nest"], progress=False)
    page.locator(".bk-tab", has_text="Fits").click()
    page.reload()  # the page lists the data folder's fits when it is built
    page.get_by_role("button", name="Run", exact=True).wait_for()
    page.locator(".bk-tab", has_text="Fits").click()
    page.get_by_label("stored fits (in the data folder)").select_option("fits/lif-11")
    page.get_by_role("button", name="Open fit").click()
    parameters = table_of(page, ".zoo-fit-parameters").set_index("parameter")
    for name, entry in best["parameters"].items():
        assert float(parameters.loc[name, "value"]) == pytest.approx(entry["value"], rel=1e-5)
        assert parameters.loc[name, "unit"] == entry["unit"]
    scores = table_of(page, ".zoo-fit-scores").set_index("set")
    assert float(scores.loc["11", "gamma_over_gamma_int nest"]) == pytest.approx(
        best["score"]["per_set"]["11"]["gamma_over_gamma_int"], rel=1e-5)
    assert page.locator(".zoo-fit-figure img").count() == 1
    assert best["commands"]["11"] in text_of(page, ".zoo-fit-commands")
    shot(page, "web-fit")
    field(page, "or a fit's folder").fill(str(data))
    page.get_by_role("button", name="Open fit").click()
    page.locator(".zoo-fit-message").get_by_text("holds no finished fit").wait_for()

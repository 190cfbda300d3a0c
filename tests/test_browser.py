"""docgen serve in a real browser: Debian's chromium, headless, driven by Selenium through
chromium-driver (both installed by scripts/setup-system). Goes through the empty workbook's
download, the errors of a broken copy, the round at a glance of a good workbook, the dossier's
download and a page preview.

Screenshots go to a temporary folder; with ``DOCGEN_SCREENSHOTS=docs/images`` they replace the
ones in the docs (docs/images/web-*.png)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.test_web import STATE_XLSX, broken_copy, free_port, leftovers

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="chromium and chromium-driver are not installed (scripts/setup-system installs them)",
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`python -m docgen.web` on a free loopback port; (its URL, its temp root)."""
    port = free_port()
    temp = tmp_path / "server-tmp"
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "docgen.web", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "DOCGEN_WEB_TMP": str(temp)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise AssertionError(log.read_text(errors="replace"))
            time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield url, temp
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    """A headless chromium whose downloads go to a fresh folder; (driver, that folder)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=vi"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1000")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver, downloads
    finally:
        driver.quit()


def wait_for(condition: Callable[[], object], what: str, tries: int = 600) -> object:
    """Poll ``condition`` every 0.1 s until it is truthy (about a minute at most)."""
    for _ in range(tries):
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def downloaded(folder: Path, suffix: str) -> Path | None:
    done = [p for p in folder.iterdir() if p.suffix == suffix]
    return done[0] if done and not any(folder.glob("*.crdownload")) else None


def test_office_staff_go_from_the_empty_workbook_to_the_dossier(
    server: tuple[str, Path], browser: tuple[object, Path], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    url, temp = server
    driver, downloads = browser
    assert isinstance(driver, WebDriver)
    shots = Path(os.environ.get("DOCGEN_SCREENSHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)

    def screenshot(name: str) -> None:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(int(height) + 140, 700), 4000))
        assert driver.save_screenshot(str(shots / f"web-{name}.png"))
        driver.set_window_size(1280, 1000)

    def upload(path: Path) -> None:
        driver.find_element(By.ID, "workbook").send_keys(str(path))
        driver.find_element(By.ID, "check").click()

    driver.get(url + "/")
    assert "Tải sổ mẫu" in driver.page_source
    screenshot("1-trang-dau")
    driver.find_element(By.ID, "empty-workbook").click()
    empty = wait_for(lambda: downloaded(downloads, ".xlsx"), "the empty workbook downloads")
    assert isinstance(empty, Path) and empty.read_bytes().startswith(b"PK")

    broken = tmp_path / "so-lieu-loi.xlsx"
    broken.write_bytes(broken_copy())
    upload(broken)
    wait_for(lambda: driver.find_elements(By.ID, "errors"), "the problems table")
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#errors thead th")]
    assert {"Sheet", "Dòng", "Cột"} <= set(headers)
    sheet, row, column = (headers.index(h) for h in ("Sheet", "Dòng", "Cột"))
    located = set()
    for tr in driver.find_elements(By.CSS_SELECTOR, "#errors tbody tr"):
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        located.add((cells[sheet], cells[row], cells[column].split(" ")[0]))
        assert cells[1] == "Lỗi"
    assert ("Cán bộ", "2", "C") in located and ("Kết quả", "2", "D") in located
    assert "cần sửa" in driver.find_element(By.TAG_NAME, "h1").text
    screenshot("2-loi")

    upload(STATE_XLSX)
    wait_for(lambda: driver.find_elements(By.ID, "steps"), "the round at a glance")
    assert "Đợt quy hoạch đã xong" in driver.find_element(By.ID, "next").text
    assert "đã kiểm phiếu" in driver.find_element(By.ID, "steps").text
    screenshot("3-dot-quy-hoach")
    driver.find_element(By.ID, "dossier").click()
    dossier = wait_for(lambda: downloaded(downloads, ".zip"), "the dossier downloads")
    assert isinstance(dossier, Path)
    names = zipfile.ZipFile(dossier).namelist()
    assert "decisions.json" in names and any(n.endswith("to-trinh.docx") for n in names)

    if shutil.which("pdftoppm"):
        driver.find_element(By.ID, "preview").click()
        wait_for(lambda: len(driver.window_handles) == 2, "the preview opens")
        driver.switch_to.window(driver.window_handles[1])
        image = wait_for(lambda: driver.find_elements(By.ID, "preview"), "the page image")
        assert isinstance(image, list)
        assert driver.execute_script("return arguments[0].naturalWidth", image[0]) > 300
        screenshot("4-xem-truoc")
    assert leftovers(temp) == []

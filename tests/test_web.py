"""docgen serve: the web page and the JSON API (Starlette's TestClient), the upload limits, the
temporary folders, and a bounded concurrency and memory test of a real server on loopback."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from docgen.errors import EnvironmentProblem, TemplateError
from docgen.web.app import create_app, is_loopback
from tests.conftest import INPUTS, ROOT

with warnings.catch_warnings():
    # Starlette prefers httpx2 for its test client; httpx (the dev dependency) still works.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

EXAMPLES = sorted(INPUTS.glob("*.xlsx"))
STATE_XLSX = INPUTS / "vpubnd-son-la-ra-soat-2022.xlsx"


def broken_copy(source: Path = STATE_XLSX) -> bytes:
    """The example with two bad cells: a birth date that names no real day ("Cán bộ" C2) and
    text in a vote count ("Kết quả" D2)."""
    workbook = load_workbook(source)
    workbook["Cán bộ"]["C2"] = "31/02/1980"
    workbook["Kết quả"]["D2"] = "bốn"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def temp_root(tmp_path: Path) -> Path:
    return tmp_path / "web-tmp"


@pytest.fixture
def client(temp_root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(temp_root=temp_root)) as test_client:
        yield test_client


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_home_page_is_in_vietnamese_and_links_the_empty_workbook(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="vi"' in page.text and "Tải sổ mẫu" in page.text
    assert 'href="/so-mau.xlsx"' in page.text and 'name="workbook"' in page.text
    assert client.get("/static/style.css").status_code == 200


def test_the_empty_workbook_downloads_and_loads(client: TestClient, tmp_path: Path) -> None:
    from docgen.contract import SHEETS

    response = client.get("/so-mau.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / "mau.xlsx"
    path.write_bytes(response.content)
    names = load_workbook(path, read_only=True).sheetnames
    for sheet in SHEETS:
        assert sheet.name in names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_shows_the_round_at_a_glance(
    client: TestClient, temp_root: Path, example: Path
) -> None:
    response = client.post("/kiem-tra", files={"workbook": (example.name, example.read_bytes())})
    assert response.status_code == 200, response.text[:2000]
    text = response.text
    assert 'id="steps"' in text and "đã kiểm phiếu" in text
    assert "Đề nghị quy hoạch:" in text and "Đợt quy hoạch đã xong" in text
    assert 'id="dossier"' in text and 'name="workbook_data"' in text
    assert leftovers(temp_root) == []


def test_a_broken_copy_gives_the_problems_table(client: TestClient, temp_root: Path) -> None:
    response = client.post("/kiem-tra", files={"workbook": ("so-hong.xlsx", broken_copy())})
    assert response.status_code == 422
    rows = re.findall(r"<tr class=\"error\">(.*?)</tr>", response.text, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    # columns: #, Mức, [Mã], Sheet, Dòng, Cột, ...
    located = {(c[-7], c[-6], c[-5].split(" ")[0]) for c in cells}
    assert ("Cán bộ", "2", "C") in located and ("Kết quả", "2", "D") in located
    assert "so-hong.xlsx" in response.text and "Traceback" not in response.text
    assert leftovers(temp_root) == []


def test_a_file_that_is_not_a_workbook_is_refused_by_name_and_content(client: TestClient) -> None:
    by_name = client.post("/api/validate", files={"workbook": ("notes.docx", b"PK\x03\x04...")})
    assert by_name.status_code == 422
    assert by_name.json()["errors"][0]["file"] == "notes.docx"
    renamed = client.post("/api/validate", files={"workbook": ("old.xlsx", b"\xd0\xcf\x11\xe0xx")})
    assert renamed.status_code == 422 and not renamed.json()["ok"]
    page = client.post("/kiem-tra", files={"workbook": ("anh.png", b"\x89PNG")})
    assert page.status_code == 422 and ".xlsx" in page.text


def test_api_validate_answers_the_problems_with_sheet_row_and_column(
    client: TestClient, temp_root: Path
) -> None:
    good = client.post(
        "/api/validate", files={"workbook": (STATE_XLSX.name, STATE_XLSX.read_bytes())}
    )
    assert good.status_code == 200 and good.json()["ok"] is True
    assert good.json()["errors"] == []
    bad = client.post("/api/validate", files={"workbook": ("so-hong.xlsx", broken_copy())}).json()
    assert bad["ok"] is False
    located = {(e["sheet"], e["row"], e["column"].split(" ")[0]) for e in bad["errors"]}
    assert ("Cán bộ", 2, "C") in located and ("Kết quả", 2, "D") in located
    for error in bad["errors"]:
        assert error["file"] == "so-hong.xlsx" and error["severity"] == "error"
        assert set(error) >= {"message", "expected", "found", "hint"}
        assert str(temp_root) not in json.dumps(error)
    assert leftovers(temp_root) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_api_dossier_is_a_zip_of_the_papers_and_the_record(
    client: TestClient, temp_root: Path, example: Path
) -> None:
    data = example.read_bytes()
    response = client.post("/api/dossier", files={"workbook": (example.name, data)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    record = json.loads(archive.read("decisions.json"))
    assert record["input"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["input"]["file"] == example.name
    assert names == [*(d["file"] for d in record["documents"]), "decisions.json"]
    assert any(n.endswith("to-trinh.docx") for n in names)
    assert any("bien-ban-kiem-phieu" in n for n in names)
    assert ".docgen-manifest.json" not in names
    assert leftovers(temp_root) == []


def test_api_dossier_answers_422_with_the_problems(client: TestClient, temp_root: Path) -> None:
    response = client.post("/api/dossier", files={"workbook": ("so-hong.xlsx", broken_copy())})
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and {e["sheet"] for e in body["errors"]} >= {"Cán bộ", "Kết quả"}
    assert leftovers(temp_root) == []


def test_the_result_page_downloads_work_from_its_hidden_copy(client: TestClient) -> None:
    page = client.post("/kiem-tra", files={"workbook": (STATE_XLSX.name, STATE_XLSX.read_bytes())})
    data = re.search(r'name="workbook_data" value="([^"]+)"', page.text)
    assert data is not None
    fields = {"workbook_data": data.group(1), "workbook_name": STATE_XLSX.name}
    dossier = client.post("/ho-so", data=fields)
    assert dossier.status_code == 200 and dossier.headers["content-type"] == "application/zip"
    assert "decisions.json" in zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    minutes = client.post("/bien-ban", data={**fields, "step": "1"})
    assert minutes.status_code == 200 and minutes.content.startswith(b"PK")
    plan = client.post("/ke-hoach", data=fields)
    assert plan.status_code == 200 and plan.content.startswith(b"PK")
    ballots = client.post("/phieu", data={**fields, "step": "2"})
    assert ballots.status_code == 200
    assert all(
        n.startswith("phieu-buoc-2")
        for n in zipfile.ZipFile(io.BytesIO(ballots.content)).namelist()
    )
    no_step = client.post("/bien-ban", data={**fields, "step": "9"})
    assert no_step.status_code == 422 and "Traceback" not in no_step.text


@pytest.mark.parametrize(
    ("failure", "status"),
    [(TemplateError("bad tag"), 500), (EnvironmentProblem("disk full"), 503), (KeyError("x"), 500)],
)
def test_a_failure_is_one_short_sentence_and_the_folder_is_removed(
    client: TestClient,
    temp_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
) -> None:
    import docgen.dossier

    seen: list[list[str]] = []

    def fail(*args: object, **kwargs: object) -> None:
        seen.append(leftovers(temp_root))  # the request's folder, while it works
        raise failure

    monkeypatch.setattr(docgen.dossier, "build_dossier", fail)
    files = {"workbook": (STATE_XLSX.name, STATE_XLSX.read_bytes())}
    api = client.post("/api/dossier", files=files)
    assert api.status_code == status and api.json()["ok"] is False
    page = client.post("/ho-so", files=files)
    assert page.status_code == status and "báo người quản trị" in page.text
    for text in (api.text, page.text):
        assert "Traceback" not in text and str(failure) not in text
    assert len(seen) == 2 and all(len(names) == 1 for names in seen)
    assert leftovers(temp_root) == []


def test_a_60_mb_upload_is_refused_with_413(client: TestClient, temp_root: Path) -> None:
    body = b"0" * (60 * 1024 * 1024)
    files = {"workbook": ("lon.xlsx", body)}
    assert client.post("/api/validate", files=files).status_code == 413
    page = client.post("/kiem-tra", files=files)
    assert page.status_code == 413 and "quá lớn" in page.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams in
        for _ in range(60):
            yield b"0" * (1024 * 1024)

    streamed = client.post(
        "/api/validate",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert streamed.status_code == 413
    assert leftovers(temp_root) == []


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_serve_warns_when_bound_wider(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from click.testing import CliRunner

    from docgen.web.cli import serve

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    local = CliRunner().invoke(serve, [])
    assert local.exit_code == 0 and "Cảnh báo" not in local.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    wide = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--workers", "3"])
    assert wide.exit_code == 0 and "Cảnh báo" in wide.output
    assert calls[-1]["workers"] == 3 and calls[-1]["factory"] is True


def test_the_command_imports_no_web_framework() -> None:
    from docgen.web.app import DEFAULT_MAX_UPLOAD
    from docgen.web.cli import DEFAULT_MAX_UPLOAD_MB

    assert DEFAULT_MAX_UPLOAD == DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    code = "import sys, docgen.web.cli; print('starlette' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr


# --- a real server on loopback --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`python -m docgen.web --workers 2` on a free loopback port, its temp root, stopped after."""
    port = free_port()
    temp = tmp_path / "server-tmp"
    env = {**os.environ, "DOCGEN_WEB_TMP": str(temp)}
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "docgen.web", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to about a minute for the workers to start
            try:
                if (
                    httpx.get(url + "/", timeout=2).status_code == 200
                    and len(children(process.pid)) == 2
                ):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise AssertionError(log.read_text(errors="replace"))
            time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield url, process, temp
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_real_server_answers_20_concurrent_uploads_and_stays_flat_over_500_requests(
    server: tuple[str, subprocess.Popen, Path],
) -> None:
    url, process, temp = server
    workers = children(process.pid)
    assert len(workers) == 2
    broken = broken_copy()
    examples = {p.name: p.read_bytes() for p in EXAMPLES}

    def upload(i: int) -> bool:
        with httpx.Client(base_url=url, timeout=300) as http:
            if i % 2:
                name, data = list(examples.items())[i // 2 % len(examples)]
                response = http.post("/api/dossier", files={"workbook": (name, data)})
                if response.status_code != 200:
                    return False
                record = json.loads(
                    zipfile.ZipFile(io.BytesIO(response.content)).read("decisions.json")
                )
                return bool(record["input"]["sha256"] == hashlib.sha256(data).hexdigest())
            response = http.post("/api/validate", files={"workbook": (f"hong-{i}.xlsx", broken)})
            body = response.json()
            return bool(
                response.status_code == 200
                and not body["ok"]
                and {e["file"] for e in body["errors"]} == {f"hong-{i}.xlsx"}
                and ("Cán bộ", 2) in {(e["sheet"], e["row"]) for e in body["errors"]}
            )

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(upload, range(20)))
    assert answers == [True] * 20
    assert httpx.post(url + "/api/validate", content=b"0" * (60 * 1024 * 1024),
                      headers={"content-type": "multipart/form-data; boundary=x"}, timeout=60).status_code == 413  # fmt: skip

    good = examples[STATE_XLSX.name]

    def validate(_: int) -> bool:
        with httpx.Client(base_url=url, timeout=120) as http:
            response = http.post("/api/validate", files={"workbook": (STATE_XLSX.name, good)})
            return response.status_code == 200 and response.json()["ok"] is True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(validate, range(50)))  # warm-up: caches and arenas settle
        before = {pid: rss_kib(pid) for pid in workers}
        assert all(pool.map(validate, range(500)))
    after = {pid: rss_kib(pid) for pid in workers}
    growth = {pid: after[pid] - before[pid] for pid in workers}
    print(
        "\nconcurrency: 20 concurrent uploads (10 dossiers, 10 broken validations): all correct"
        f"\nmemory over 500 /api/validate: RSS KiB before {before}, after {after}, growth {growth}"
    )
    assert children(process.pid) == workers  # no worker died and was replaced
    assert all(g < 64 * 1024 for g in growth.values()), growth
    assert leftovers(temp) == []  # every request's folder is gone

"""The package as a user installs it: a wheel built from the checkout's files (what a fresh clone
holds), installed non-editable in a fresh virtual environment, run from another folder.

The wheel is built with pip (build isolation, setuptools from the configured index; without it,
the running environment's setuptools). The fresh venv has no pip and no copy of the
dependencies: a ``.pth`` file puts the running environment's site-packages after its own, so
the dependencies are found while docgen itself comes from the wheel (the running environment's
editable finder is a ``.pth`` hook there, which a path added this way does not run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import docgen

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "vpubnd-son-la-ra-soat-2022.xlsx"
BUILD_TIMEOUT = 180

REQUIRED_IN_WHEEL = (
    "docgen/templates/state/submission.docx",
    "docgen/templates/party/submission.docx",
    "docgen/templates/html/submission.html",
    "docgen/templates/profiles/state.yaml",
    "docgen/templates/profiles/party.yaml",
    "docgen/data/procedures.yaml",
    "docgen/data/rulesets.yaml",
)

# Runs inside the fresh venv: records every file or folder under the checkout that docgen opens
# or lists (the dependencies' folders excepted), then runs the command line.
RUNNER = """
import json, os, sys

checkout, allowed, report, args = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4:]
roots = {checkout, os.path.realpath(checkout)}
touched = []

def _hook(event, hook_args):
    if event not in ("open", "os.listdir", "os.scandir") or not hook_args:
        return
    target = hook_args[0]
    if isinstance(target, int) or target is None:
        return
    path = os.path.abspath(os.fsdecode(target))
    inside = any(path == r or path.startswith(r + os.sep) for r in roots)
    if inside and not any(path == a or path.startswith(a + os.sep) for a in allowed):
        touched.append(path)

sys.addaudithook(_hook)
import docgen, docgen.render
from docgen.cli import main

code = 0
try:
    main(args=args, prog_name="docgen")
except SystemExit as done:
    code = done.code if isinstance(done.code, int) else 1
try:
    templates = str(docgen.render.template_root())
except Exception as failure:
    templates = repr(failure)
with open(report, "w", encoding="utf-8") as out:
    json.dump({"code": code, "touched": sorted(set(touched)), "package": docgen.__file__,
               "templates": templates}, out)
"""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    source: Path
    venv: Path
    site_packages: Path
    dependencies: list[str]
    env: dict[str, str]


def _source_files() -> list[Path]:
    """The files a fresh clone would hold (tracked, plus new files not ignored), relative."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return [Path(name) for name in listed.split("\0") if name and (ROOT / name).is_file()]
    skipped = {".git", ".venv", "build", "output", "__pycache__"}
    return [
        path.relative_to(ROOT)
        for path in ROOT.rglob("*")
        if path.is_file()
        and not skipped.intersection(path.relative_to(ROOT).parts)
        and not any(part.endswith(".egg-info") for part in path.parts)
    ]


def _run(
    command: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = BUILD_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _build_wheel(source: Path, dist: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."]
    isolated = subprocess.run(
        command, cwd=source, capture_output=True, text=True, timeout=BUILD_TIMEOUT
    )
    if isolated.returncode != 0:
        # No index reachable: build with the running environment's setuptools.
        _run([*command, "--no-build-isolation"], cwd=source, timeout=BUILD_TIMEOUT)
    wheels = list(dist.glob("docgen-*.whl"))
    assert len(wheels) == 1, f"expected one wheel, found {wheels}: {isolated.stderr}"
    return wheels[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("package")
    source = base / "source"
    for relative in _source_files():
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, source / relative)
    wheel = _build_wheel(source, base / "dist")

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], timeout=60)
    python = venv / "bin" / "python"
    site_packages = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    paths = sysconfig.get_paths()
    dependencies = sorted({paths["purelib"], paths["platlib"]})
    (site_packages / "dependencies.pth").write_text("\n".join(dependencies) + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        + ["--no-deps", "--no-index", str(wheel)],
        timeout=BUILD_TIMEOUT,
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DOCGEN_TEMPLATES", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    return Installed(wheel, source, venv, site_packages, dependencies, env)


def test_one_version_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "docgen.__version__"}


def test_wheel_holds_templates_and_data(installed: Installed) -> None:
    assert installed.wheel.name == f"docgen-{docgen.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"docgen-{docgen.__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {docgen.__version__}\n" in metadata
    missing = [name for name in REQUIRED_IN_WHEEL if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    templates = installed.source / "templates"
    expected = {
        "docgen/templates/" + path.relative_to(templates).as_posix()
        for path in templates.rglob("*")
        if path.is_file()
    }
    assert expected <= names, f"templates not in the wheel: {sorted(expected - names)}"
    # Every data file of the package (web page templates and static files, message catalogues…).
    package = installed.source / "docgen"
    data = {
        "docgen/" + path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    assert data <= names, f"package data not in the wheel: {sorted(data - names)}"
    assert not [name for name in names if name.startswith("templates/")]


def test_version_of_the_installed_command(installed: Installed, tmp_path: Path) -> None:
    result = _run(
        [str(installed.venv / "bin" / "docgen"), "--version"],
        cwd=tmp_path,
        env=installed.env,
        timeout=60,
    )
    assert result.stdout.strip() == f"docgen, version {docgen.__version__}"
    reported = _run(
        [str(installed.venv / "bin" / "python"), "-I", "-c"]
        + ["import importlib.metadata as m; print(m.version('docgen'))"],
        cwd=tmp_path,
        env=installed.env,
        timeout=60,
    )
    assert reported.stdout.strip() == docgen.__version__


def test_dossier_from_another_folder(installed: Installed, tmp_path: Path) -> None:
    """The installed command writes a dossier (DOCX from the DOCX templates, PDF from the HTML
    templates and style profiles) while reading nothing of the checkout."""
    workbook = tmp_path / EXAMPLE.name
    shutil.copy2(EXAMPLE, workbook)
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    report = tmp_path / "report.json"
    allowed = json.dumps(installed.dependencies)
    result = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-I", str(runner), str(ROOT), allowed]
        + [str(report), "dossier", workbook.name, "--out", "out", "--format", "docx,pdf"],
        cwd=tmp_path,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.is_file(), f"the runner failed:\n{result.stdout}\n{result.stderr}"
    outcome = json.loads(report.read_text(encoding="utf-8"))
    assert outcome["code"] == 0, f"docgen dossier failed:\n{result.stdout}\n{result.stderr}"
    assert Path(outcome["package"]).is_relative_to(installed.site_packages)
    assert Path(outcome["templates"]) == installed.site_packages / "docgen" / "templates"
    assert outcome["touched"] == [], "the installed package read files of the checkout"

    out = tmp_path / "out"
    for name in ("01-to-trinh", "06-bieu-tong-hop-ra-soat", "09-ke-hoach"):
        with zipfile.ZipFile(out / f"{name}.docx") as document:
            assert "word/document.xml" in document.namelist()
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "decisions.json").is_file()

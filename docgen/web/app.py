"""The web page for office staff (``docgen serve``): a Starlette app, Jinja2 pages in Vietnamese,
and a JSON API for other tools. A thin shell over the library: validation is
docgen.validate.validate_path, papers come from docgen.dossier.build_dossier and docgen.papers.

URL map (every form and API field holding the round is ``workbook``: an .xlsx, .yaml, .yml or
.json file):

- ``GET /``: the home page (download the empty workbook, upload a filled one).
- ``GET /so-mau.xlsx``: the empty workbook (docgen.workbook.workbook_bytes).
- ``POST /kiem-tra``: the problems in a table (HTTP 422 when there are errors), or the round at a
  glance with its download buttons.
- ``POST /ho-so``: the dossier as a zip (``pdf=1`` adds the PDFs, ``single_pdf=1`` ``ho-so.pdf``).
- ``POST /phieu`` (``step``): the ballots of a step, zipped. ``POST /bien-ban`` (``step``): the
  minutes of a counted step (.docx). ``POST /ke-hoach``: the plan (.docx).
- ``POST /xem-truoc`` (``paper``: index in the dossier, ``page``: 1-based): one page of a paper
  as a PNG image in a page (the PDF itself when poppler's pdftoppm is missing).
- ``POST /api/validate``: JSON ``{ok, errors: [...], warnings: [...]}``, each problem with
  ``file, sheet, row, column, message, expected, found, hint, severity`` (and ``code`` when the
  problem has one). Always HTTP 200 for a file that could be read as an upload.
- ``POST /api/dossier``: the dossier zip (``application/zip``), or the problems as JSON with
  HTTP 422.
- ``GET /static/style.css``.

The result page carries the uploaded file back in a hidden field (base64), so that its download
buttons work without the server keeping anything: the browser holds the workbook, not the server.

Safety: a request body larger than ``max_upload`` bytes (20 MB by default) is refused with HTTP
413, from its Content-Length before reading, or while it streams in (docgen.web.app.BodyLimit);
only .xlsx/.yaml/.yml/.json are accepted, by name and by content (an .xlsx must be a zip, the
others UTF-8 text). Each request works in its own temporary folder under ``temp_root``, removed
when the response is ready, also on errors; the papers are sent from memory; nothing about the
content is logged. Heavy work runs in a worker thread, one at a time per process (the renderers
are not known to be thread-safe); run several processes (uvicorn workers) for a busy server.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.errors import (
    DocgenError,
    EnvironmentProblem,
    InputError,
    Location,
    Problem,
    Report,
    RulesError,
    TemplateError,
)
from docgen.i18n import set_language

__all__ = ["create_app", "BodyLimit", "problem_json", "DEFAULT_MAX_UPLOAD", "TEMP_PREFIX"]

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
"""Bytes: the largest request body accepted (a 60 MB upload gets HTTP 413)."""

TEMP_PREFIX = "docgen-web-"
"""Prefix of each request's temporary folder under the temp root."""

SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")
_HERE = Path(__file__).parent
_TEMPLATES = Jinja2Templates(directory=str(_HERE / "templates"))


class _TooLarge(Exception):
    """The request body went past the limit while streaming in."""


class BodyLimit:
    """ASGI middleware: refuse with HTTP 413 any request whose body is larger than ``limit`` bytes,
    from its Content-Length header (before reading anything) or, without one, as soon as the
    bytes received go past the limit (the rest is not read)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.limit // (1024 * 1024)
        text = f"Tệp quá lớn: tối đa {megabytes} MB."
        path = scope.get("path", "")
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse({"ok": False, "error": text, "limit_bytes": self.limit}, 413)
        else:
            response = HTMLResponse(_simple_page("Tệp quá lớn", text), 413)
        await response(scope, receive, send)


def _simple_page(title: str, text: str) -> str:
    from html import escape

    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="/static/style.css"><title>{escape(title)}</title></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        '<p><a href="/">Về trang đầu</a></p></main></body></html>'
    )


@dataclass(frozen=True)
class Upload:
    """An uploaded round: the user's file name (without folders, control characters or a leading
    dot, at most 120 characters: safe as a file name in a fresh folder) and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


class Refused(Exception):
    """An upload that is not a round's file: carries the problem to show."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _display_name(raw: str | None) -> str:
    """The file name as the user knows it, without any folder, control characters or length."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable())
    return name.strip().lstrip(".")[-120:] or "so-lieu"


def check_upload(upload: Upload) -> None:
    """Accept only a round's file, by name and content.

    Raises:
        Refused: with a located problem when the name does not end in .xlsx/.yaml/.yml/.json,
            the file is empty, an .xlsx is not a zip (an old .xls, a renamed file), or a
            YAML/JSON file is not UTF-8 text.
    """
    where = Location(upload.name)
    if upload.suffix not in SUFFIXES:
        raise Refused(
            Problem(
                where,
                "Tệp này không phải sổ số liệu của đợt quy hoạch",
                expected="tệp .xlsx (hoặc .yaml, .json)",
                found=f"“{upload.suffix or 'không có đuôi'}”",
                hint="mở tệp trong Excel, chọn Lưu thành… Sổ làm việc Excel (.xlsx), rồi gửi lại",
            )
        )
    if not upload.data:
        raise Refused(Problem(where, "Tệp trống", expected="sổ đã điền", found="0 byte"))
    if upload.suffix == ".xlsx":
        if not upload.data.startswith(b"PK\x03\x04"):
            old = upload.data.startswith(b"\xd0\xcf\x11\xe0")
            raise Refused(
                Problem(
                    where,
                    "Tệp mang đuôi .xlsx nhưng không phải sổ Excel .xlsx",
                    expected="sổ Excel .xlsx",
                    found="sổ Excel cũ (.xls) hoặc tệp được bảo vệ bằng mật khẩu"
                    if old
                    else "một loại tệp khác",
                    hint="mở tệp trong Excel, chọn Lưu thành… Sổ làm việc Excel (.xlsx), rồi gửi lại",
                )
            )
        return
    try:
        text = upload.data.decode("utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise Refused(
            Problem(
                where,
                "Tệp không phải văn bản YAML/JSON",
                expected="văn bản UTF-8",
                found="dữ liệu nhị phân",
            )
        )


def problem_json(problem: Problem, file_name: str) -> dict[str, Any]:
    """A problem as the JSON API gives it: file (the uploaded name), sheet, row (Excel row or
    None), column, message, expected, found, hint, severity ("error"/"warning"), and code when
    the problem carries one."""
    location = problem.location
    data: dict[str, Any] = {
        "file": file_name,
        "sheet": location.sheet,
        "row": location.row,
        "column": location.column,
        "message": problem.message,
        "expected": problem.expected,
        "found": problem.found,
        "hint": problem.hint,
        "severity": problem.severity.value,
    }
    code = getattr(problem, "code", None)
    if code:
        data["code"] = str(code)
    return data


def report_json(report: Report, file_name: str) -> dict[str, Any]:
    """``{ok, errors, warnings}`` of a report (see ``problem_json``)."""
    return {
        "ok": report.ok,
        "errors": [problem_json(p, file_name) for p in report.errors],
        "warnings": [problem_json(p, file_name) for p in report.warnings],
    }


_SAFE = re.compile(r"[^a-z0-9]+")


def _ascii_stem(name: str) -> str:
    """A download name from the user's file name: lowercase ASCII letters, digits, hyphens."""
    text = unicodedata.normalize("NFKD", Path(name).stem.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode().lower()
    return _SAFE.sub("-", text).strip("-")[:60] or "ho-so"


def _zip(folder: Path, names: list[str] | None = None) -> bytes:
    """The files of ``folder`` (or those named, in that order) as zip bytes; the manifest is
    left out."""
    buffer = io.BytesIO()
    files = names if names is not None else sorted(p.name for p in folder.iterdir() if p.is_file())
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            if name.startswith("."):
                continue
            archive.write(folder / name, name)
    return buffer.getvalue()


class Workspace:
    """The temporary folders of requests: one new folder per request under ``root``, removed
    afterwards whatever happens."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    @contextmanager
    def folder(self) -> Iterator[Path]:
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=self.root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    @contextmanager
    def round_file(self, upload: Upload) -> Iterator[tuple[Path, Path]]:
        """Write the upload into a new folder; yield (the file, an empty output folder)."""
        with self.folder() as folder:
            path = folder / upload.name  # the audit record names the input by its file name
            path.write_bytes(upload.data)
            out = folder / "giay-to"
            yield path, out


def _relocated(report: Report, path: Path, name: str) -> Report:
    """The report with the temporary file's path replaced by the uploaded file's name."""
    from dataclasses import replace

    problems = []
    for problem in report.problems:
        if problem.location.file == str(path):
            problem = replace(problem, location=replace(problem.location, file=name))
        problems.append(problem)
    return Report(problems)


class Failure(Exception):
    """A request that cannot be served for a reason other than the input: HTTP status and a short
    Vietnamese sentence."""

    def __init__(self, status: int, text: str) -> None:
        self.status = status
        self.text = text
        super().__init__(text)


def _failure(exc: Exception) -> Failure:
    """What to tell the user of an exception that is not about the input: a template or rule
    set (500), the machine (503), or a bug (500); never the exception's text."""
    if isinstance(exc, TemplateError | RulesError):
        return Failure(500, "Mẫu giấy tờ hoặc bộ quy định của máy chủ có lỗi; báo người quản trị.")
    if isinstance(exc, EnvironmentProblem):
        return Failure(
            503, "Máy chủ thiếu một thành phần hoặc không ghi được tệp; báo người quản trị."
        )
    return Failure(500, "Lỗi nội bộ của docgen; báo người quản trị.")


def create_app(
    *,
    max_upload: int | None = None,
    temp_root: Path | None = None,
    templates: Path | None = None,
    language: str = "vi",
) -> ASGIApp:
    """The web app, as an ASGI callable.

    ``max_upload``: the largest request body in bytes (default: the environment variable
    DOCGEN_WEB_MAX_UPLOAD, else 20 MB). ``temp_root``: where each request's temporary folder is
    made (default: DOCGEN_WEB_TMP, else the system's temporary folder). ``templates``: a
    templates folder for the papers (default: docgen's own, or DOCGEN_WEB_TEMPLATES). The
    environment variables let ``docgen serve --workers N`` configure every worker process.
    ``language``: the language of the problems' messages ("vi" or "en"), for the whole process
    (docgen.i18n.set_language): the page is for office staff, so Vietnamese whatever the
    server's locale.
    """
    set_language(language)
    if max_upload is None:
        max_upload = int(os.environ.get("DOCGEN_WEB_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))
    if temp_root is None and os.environ.get("DOCGEN_WEB_TMP"):
        temp_root = Path(os.environ["DOCGEN_WEB_TMP"])
    if templates is None and os.environ.get("DOCGEN_WEB_TEMPLATES"):
        templates = Path(os.environ["DOCGEN_WEB_TEMPLATES"])
    workspace = Workspace(temp_root)
    limit = max_upload
    limiter: list[anyio.CapacityLimiter] = []

    async def work(function: Callable[..., Any], *args: Any) -> Any:
        if not limiter:
            limiter.append(anyio.CapacityLimiter(1))
        return await anyio.to_thread.run_sync(function, *args, limiter=limiter[0])

    async def read_upload(request: Request) -> tuple[Upload, dict[str, str]]:
        """The round of a form (file field ``workbook``, or the hidden ``workbook_data`` +
        ``workbook_name`` of a result page) and the other fields."""
        try:
            async with request.form(max_files=2, max_fields=20, max_part_size=limit) as form:
                return await _round_of(form)
        except _TooLarge:
            raise Failure(413, f"Tệp quá lớn: tối đa {limit // (1024 * 1024)} MB.") from None

    async def _round_of(form: Any) -> tuple[Upload, dict[str, str]]:
        """The upload of a parsed form, checked (see ``check_upload``), and its text fields."""
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        item = form.get("workbook")
        if isinstance(item, UploadFile) and (item.filename or item.size):
            data = await item.read()
            upload = Upload(_display_name(item.filename), data)
        elif fields.get("workbook_data"):
            try:
                data = base64.b64decode(fields["workbook_data"], validate=True)
            except (binascii.Error, ValueError):
                data = b""
            upload = Upload(_display_name(fields.get("workbook_name")), data)
        else:
            raise Refused(
                Problem(
                    Location("(không có tệp)"),
                    "Chưa chọn tệp",
                    expected="sổ số liệu đã điền (.xlsx)",
                    hint="bấm “Chọn tệp”, chọn sổ, rồi bấm nút gửi",
                )
            )
        check_upload(upload)
        return upload, fields

    def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("limit_mb", limit // (1024 * 1024))
        return _TEMPLATES.TemplateResponse(request, name, context, status_code=status)

    def problems_page(request: Request, upload_name: str, report: Report) -> Response:
        return render(
            request,
            "problems.html",
            422 if not report.ok else 200,
            file_name=upload_name,
            errors=report.errors,
            warnings=report.warnings,
        )

    def failure_page(request: Request, failure: Failure) -> Response:
        return HTMLResponse(_simple_page("Không làm được", failure.text), failure.status)

    # --- the work, in a worker thread -------------------------------------------------------

    def do_validate(upload: Upload) -> Report:
        from docgen.validate import validate_path

        with workspace.round_file(upload) as (path, _):
            return _relocated(validate_path(path).report, path, upload.name)

    def do_check(upload: Upload) -> tuple[Report, Any]:
        """(report, glance or None): the glance of a valid round."""
        from docgen.papers import open_ties, validated_round
        from docgen.web.glance import glance

        with workspace.round_file(upload) as (path, _):
            try:
                validated, model, decision = validated_round(path)
            except InputError as exc:
                return _relocated(exc.report, path, upload.name), None
            view = glance(model, decision, open_ties(validated, decision))
            return _relocated(validated.report, path, upload.name), view

    def do_dossier(upload: Upload, pdf: bool, single_pdf: bool) -> bytes:
        from docgen.dossier import build_dossier

        formats = ("docx", "pdf") if pdf else ("docx",)
        with workspace.round_file(upload) as (path, out):
            try:
                result = build_dossier(path, out, templates, formats, single_pdf=single_pdf)
            except InputError as exc:
                raise InputError(_relocated(exc.report, path, upload.name)) from None
            return _zip(out, result.files)

    def do_ballots(upload: Upload, step: int) -> bytes:
        from docgen.papers import write_ballots

        with workspace.round_file(upload) as (path, out):
            try:
                files = write_ballots(path, step, out, templates=templates)
            except InputError as exc:
                raise InputError(_relocated(exc.report, path, upload.name)) from None
            return _zip(out, [f.name for f in files])

    def do_minutes(upload: Upload, step: int) -> tuple[str, bytes]:
        from docgen.papers import write_minutes

        with workspace.round_file(upload) as (path, out):
            try:
                files = write_minutes(path, step, out, templates=templates)
            except InputError as exc:
                raise InputError(_relocated(exc.report, path, upload.name)) from None
            return files[0].name, files[0].read_bytes()

    def do_plan(upload: Upload) -> tuple[str, bytes]:
        from docgen.papers import write_plan

        with workspace.round_file(upload) as (path, out):
            try:
                files = write_plan(path, out, templates=templates)
            except InputError as exc:
                raise InputError(_relocated(exc.report, path, upload.name)) from None
            return files[0].name, files[0].read_bytes()

    def do_preview(upload: Upload, index: int, page: int) -> tuple[str, str, bytes]:
        """(paper title, media type, bytes): page ``page`` of paper ``index`` of the dossier as
        PNG, or the paper's PDF when pdftoppm is missing."""
        from docgen.dossier import plan_documents
        from docgen.papers import validated_round
        from docgen.render import render_papers

        with workspace.round_file(upload) as (path, out):
            try:
                _, model, decision = validated_round(path)
            except InputError as exc:
                raise InputError(_relocated(exc.report, path, upload.name)) from None
            documents = plan_documents(model, decision)
            paper = documents[min(max(index, 0), len(documents) - 1)]
            rendered = render_papers([paper], model.info.issuer_kind, ("pdf",), templates=templates)
            pdf = rendered[0][1]
            if shutil.which("pdftoppm") is None:
                return paper.title, "application/pdf", pdf
            out.mkdir()
            (out / "p.pdf").write_bytes(pdf)
            number = str(max(page, 1))
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", number, "-l", number, "-singlefile",
                 str(out / "p.pdf"), str(out / "trang")],
                check=False, capture_output=True, timeout=60,
            )  # fmt: skip
            image = out / "trang.png"
            if not image.exists():
                return paper.title, "application/pdf", pdf
            return paper.title, "image/png", image.read_bytes()

    def do_papers(upload: Upload) -> list[tuple[int, str]]:
        from docgen.dossier import plan_documents
        from docgen.papers import validated_round

        with workspace.round_file(upload) as (path, _):
            _, model, decision = validated_round(path)
            return list(enumerate(p.title for p in plan_documents(model, decision)))

    # --- endpoints ------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        return render(request, "index.html")

    async def empty_workbook(request: Request) -> Response:
        from docgen.workbook import workbook_bytes

        data = await work(workbook_bytes)
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="so-lieu-quy-hoach.xlsx"'},
        )

    def guarded(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        """Turn a refused upload, input errors and docgen's failures into pages."""

        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as exc:
                return problems_page(request, exc.problem.location.file, Report([exc.problem]))
            except InputError as exc:
                name = exc.report.problems[0].location.file if exc.report.problems else ""
                return problems_page(request, name, exc.report)
            except Failure as exc:
                return failure_page(request, exc)
            except DocgenError as exc:
                return failure_page(request, _failure(exc))
            except HTTPException:
                raise
            except Exception:  # a bug: a short page, never a traceback
                return failure_page(
                    request, Failure(500, "Lỗi nội bộ của docgen; báo người quản trị.")
                )

        return endpoint

    def attachment(data: bytes, name: str, media_type: str) -> Response:
        return Response(
            data,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def step_field(fields: dict[str, str]) -> int:
        text = fields.get("step", "").strip()
        if not text.isdigit():
            raise Refused(Problem(Location("(biểu mẫu)"), "Chưa chọn bước", found=text))
        return int(text)

    @guarded
    async def check(request: Request) -> Response:
        upload, _ = await read_upload(request)
        report, view = await work(do_check, upload)
        if view is None:
            return problems_page(request, upload.name, report)
        papers = await work(do_papers, upload) if view.ready else []
        return render(
            request,
            "round.html",
            file_name=upload.name,
            view=view,
            warnings=report.warnings,
            papers=papers,
            workbook_data=base64.b64encode(upload.data).decode("ascii"),
        )

    @guarded
    async def dossier(request: Request) -> Response:
        upload, fields = await read_upload(request)
        data = await work(
            do_dossier, upload, bool(fields.get("pdf")), bool(fields.get("single_pdf"))
        )
        return attachment(data, f"ho-so-{_ascii_stem(upload.name)}.zip", "application/zip")

    @guarded
    async def ballots(request: Request) -> Response:
        upload, fields = await read_upload(request)
        step = step_field(fields)
        data = await work(do_ballots, upload, step)
        return attachment(
            data, f"phieu-buoc-{step}-{_ascii_stem(upload.name)}.zip", "application/zip"
        )

    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    @guarded
    async def minutes(request: Request) -> Response:
        upload, fields = await read_upload(request)
        name, data = await work(do_minutes, upload, step_field(fields))
        return attachment(data, name, docx)

    @guarded
    async def plan(request: Request) -> Response:
        upload, _ = await read_upload(request)
        name, data = await work(do_plan, upload)
        return attachment(data, name, docx)

    @guarded
    async def preview(request: Request) -> Response:
        upload, fields = await read_upload(request)
        index = int(fields.get("paper", "0") or 0) if fields.get("paper", "0").isdigit() else 0
        page = int(fields.get("page", "1")) if fields.get("page", "1").isdigit() else 1
        title, media, data = await work(do_preview, upload, index, page)
        if media == "application/pdf":
            return Response(data, media_type=media, headers={"Content-Disposition": "inline"})
        return render(
            request,
            "preview.html",
            title=title,
            page=page,
            image=base64.b64encode(data).decode("ascii"),
        )

    async def api_validate(request: Request) -> Response:
        try:
            upload, _ = await read_upload(request)
        except Refused as exc:
            return JSONResponse(report_json(Report([exc.problem]), exc.problem.location.file), 422)
        except Failure as exc:
            return JSONResponse({"ok": False, "error": exc.text}, exc.status)
        try:
            report = await work(do_validate, upload)
        except Exception as exc:  # docgen's failures, or a bug: one short sentence, no traceback
            failure = _failure(exc)
            return JSONResponse({"ok": False, "error": failure.text}, failure.status)
        return JSONResponse(report_json(report, upload.name))

    async def api_dossier(request: Request) -> Response:
        try:
            upload, fields = await read_upload(request)
        except Refused as exc:
            return JSONResponse(report_json(Report([exc.problem]), exc.problem.location.file), 422)
        except Failure as exc:
            return JSONResponse({"ok": False, "error": exc.text}, exc.status)
        try:
            data = await work(
                do_dossier, upload, bool(fields.get("pdf")), bool(fields.get("single_pdf"))
            )
        except InputError as exc:
            return JSONResponse(report_json(exc.report, upload.name), 422)
        except Exception as exc:  # docgen's failures, or a bug: one short sentence, no traceback
            failure = _failure(exc)
            return JSONResponse({"ok": False, "error": failure.text}, failure.status)
        return attachment(data, f"ho-so-{_ascii_stem(upload.name)}.zip", "application/zip")

    routes = [
        Route("/", home),
        Route("/so-mau.xlsx", empty_workbook),
        Route("/kiem-tra", check, methods=["POST"]),
        Route("/ho-so", dossier, methods=["POST"]),
        Route("/phieu", ballots, methods=["POST"]),
        Route("/bien-ban", minutes, methods=["POST"]),
        Route("/ke-hoach", plan, methods=["POST"]),
        Route("/xem-truoc", preview, methods=["POST"]),
        Route("/api/validate", api_validate, methods=["POST"]),
        Route("/api/dossier", api_dossier, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes)
    return BodyLimit(app, limit)


def is_loopback(host: str) -> bool:
    """Whether ``host`` reaches only this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

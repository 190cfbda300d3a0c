"""``docgen serve``: run the web page (docgen.web.app) under uvicorn.

Registered by docgen.cli with ``main.add_command(serve)``; also ``python -m docgen.web``.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

__all__ = ["serve", "DEFAULT_MAX_UPLOAD_MB"]

DEFAULT_MAX_UPLOAD_MB = 20
"""docgen.web.app.DEFAULT_MAX_UPLOAD in MB; kept here so that registering the command does not
import Starlette for every other docgen command."""


@click.command(
    "serve",
    help="Mở trang web cho văn phòng: tải sổ mẫu, kiểm tra sổ, xem đợt quy hoạch, tải giấy tờ.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Địa chỉ lắng nghe; 0.0.0.0 mở cho mọi máy trong mạng.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Số tiến trình phục vụ cùng lúc (máy chủ cấp tỉnh: 2–4).",
)
@click.option(
    "--max-upload-mb",
    default=DEFAULT_MAX_UPLOAD_MB,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="Dung lượng tối đa của một tệp gửi lên (MB).",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Thư mục mẫu giấy tờ khác với mẫu của docgen.",
)
def serve(host: str, port: int, workers: int, max_upload_mb: int, templates: Path | None) -> None:
    """Run uvicorn with the app factory docgen.web.app:create_app; its settings reach every
    worker process through DOCGEN_WEB_* environment variables."""
    import uvicorn

    from docgen.web.app import is_loopback

    os.environ["DOCGEN_WEB_MAX_UPLOAD"] = str(max_upload_mb * 1024 * 1024)
    if templates is not None:
        os.environ["DOCGEN_WEB_TEMPLATES"] = str(templates.resolve())
    if not is_loopback(host):
        click.echo(
            f"Cảnh báo: trang mở cho mọi máy gửi được tới {host}:{port}. Chỉ dùng trong mạng "
            "nội bộ tin cậy: trang không có đăng nhập.",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"docgen: trang web tại http://{shown}:{port}/ (Ctrl+C để dừng)", err=True)
    uvicorn.run(
        "docgen.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )

"""docgen.docx_zip: the package written from parts, some deflated once, is zipfile's own bytes."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from docgen.docx_zip import Deflated, zip_package

STAMP = (1980, 1, 1, 0, 0, 0)


def zipfile_package(parts: list[tuple[str, bytes]], date_time=STAMP) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=1)
    return buffer.getvalue()


PARTS = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
    ("word/document.xml", "<w:t>Biên bản kiểm phiếu</w:t>".encode() * 500),
    ("word/media/ảnh-1.xml", b""),
    ("docProps/thumbnail.jpeg", bytes(range(256)) * 40),
]


@pytest.mark.parametrize("deflated", [(), (0,), (1, 3), (0, 1, 2, 3)])
def test_package_is_the_bytes_zipfile_writes_whichever_parts_come_deflated(deflated) -> None:  # type: ignore[no-untyped-def]
    parts = [(n, Deflated.of(d) if i in deflated else d) for i, (n, d) in enumerate(PARTS)]
    assert zip_package(parts, STAMP) == zipfile_package(PARTS)


def test_package_reads_back_with_every_part_and_date() -> None:
    stamp = (2024, 5, 17, 13, 45, 30)
    data = zip_package([(n, Deflated.of(d)) for n, d in PARTS], stamp)
    assert data == zipfile_package(PARTS, stamp)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == PARTS
        assert {i.date_time for i in archive.infolist()} == {stamp}


def test_deflated_part_keeps_its_crc_and_size() -> None:
    part = Deflated.of(b"abc" * 1000)
    assert (part.size, part.crc) == (3000, zlib.crc32(b"abc" * 1000))
    assert len(part.data) < 100


def test_empty_package_is_an_empty_zip() -> None:
    assert zip_package([]) == zipfile_package([])

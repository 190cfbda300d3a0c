"""Parts → a DOCX (zip) package, reusing the deflated bytes of parts that never change.

A template's styles, theme, settings and numbering parts (about 800 KB of XML in docgen's own
templates) are the same in every document rendered from it; deflating them again for each paper
cost more than rendering it. :class:`Deflated` holds a part compressed once (per process, per
template), and :func:`zip_package` writes the package with those bytes as they are and deflates
only the parts given as plain bytes.

The archive is byte for byte what ``zipfile`` writes for ``writestr(ZipInfo(name, date_time),
data, compresslevel=level)`` with ``ZIP_DEFLATED`` into a seekable buffer (tested): no data
descriptors, no zip64 (a part or package over 2 GiB raises ValueError), names in ASCII or flagged
UTF-8 as ``zipfile`` does.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Deflated", "zip_package", "DEFAULT_LEVEL"]

DEFAULT_LEVEL = 1
"""zlib level of the parts: 1, the fastest (the engine's choice; the XML still shrinks 10×)."""

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_VERSION = 20  # zipfile.DEFAULT_VERSION: deflate
_SYSTEM = 0 if sys.platform == "win32" else 3  # zipfile.ZipInfo.create_system
_UTF8_FLAG = 0x800
_ATTRIBUTES = 0o600 << 16  # what zipfile.writestr gives an entry: rw for the owner
_LIMIT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT: beyond it zipfile writes zip64 records


@dataclass(frozen=True)
class Deflated:
    """One part's bytes deflated (raw deflate, as in a zip), with its CRC-32 and sizes in bytes."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, raw: bytes, level: int = DEFAULT_LEVEL) -> Deflated:
        """``raw`` deflated at zlib ``level`` (what zipfile would write for it)."""
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = compressor.compress(raw) + compressor.flush()
        return cls(data, zlib.crc32(raw), len(raw))


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def _name(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_FLAG


def zip_package(
    parts: Iterable[tuple[str, bytes | Deflated]],
    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0),
    level: int = DEFAULT_LEVEL,
) -> bytes:
    """The zip of ``parts`` (name, plain bytes or :class:`Deflated`), in order, every entry
    dated ``date_time``; plain bytes are deflated at ``level``.

    Raises:
        ValueError: a part or the package is 2 GiB or more (zip64 is not written).
    """
    dosdate, dostime = _dos_time(date_time)
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, part in parts:
        deflated = part if isinstance(part, Deflated) else Deflated.of(part, level)
        encoded, flags = _name(name)
        size, compressed = deflated.size, len(deflated.data)
        if size * 1.05 > _LIMIT or compressed > _LIMIT or offset > _LIMIT:
            raise ValueError(f"part {name} is too large for a DOCX package (2 GiB)")
        common = (flags, zipfile.ZIP_DEFLATED, dostime, dosdate, deflated.crc, compressed, size)
        chunks.append(_LOCAL.pack(b"PK\003\004", _VERSION, 0, *common, len(encoded), 0))
        chunks.append(encoded)
        chunks.append(deflated.data)
        central.append(
            _CENTRAL.pack(
                b"PK\001\002",
                _VERSION,
                _SYSTEM,
                _VERSION,
                0,
                *common,
                len(encoded),
                0,
                0,
                0,
                0,
                _ATTRIBUTES,
                offset,
            )  # fmt: skip
        )
        central.append(encoded)
        offset += _LOCAL.size + len(encoded) + compressed
    directory = b"".join(central)
    count = len(central) // 2
    if offset > _LIMIT or count >= 0xFFFF:
        raise ValueError("the DOCX package is too large (2 GiB or 65,535 parts)")
    end = _END.pack(b"PK\005\006", 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*chunks, directory, end])

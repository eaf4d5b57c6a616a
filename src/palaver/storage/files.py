"""The local-disk file store: media bytes under ``<data_dir>/media``, once per content.

Layout: ``blobs/ab/cd/<sha256>`` for stored content, ``tmp/`` for uploads on their
way in. An upload is written to a private file in ``tmp/`` while its SHA-256 is
computed, flushed to disk, then renamed into ``blobs/`` (atomic on one file
system): a reader sees either nothing or the whole file, and a crash leaves only
a temporary file, swept at the next start. Implements
:class:`palaver.services.ports.FileStore`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import time
from pathlib import Path
from typing import BinaryIO

from palaver.errors import StoreUnavailable

_BLOB = re.compile(r"^[0-9a-f]{64}$")
#: temporary files older than this (seconds) are left-overs of a crash
STALE_TMP = 24 * 3600


class LocalUpload:
    """One upload into a :class:`LocalFileStore` (see ``BlobWriter``)."""

    def __init__(self, store: LocalFileStore) -> None:
        self._store = store
        self.path = store.root / "tmp" / f"{secrets.token_hex(16)}.part"
        self.size = 0
        self._hash = hashlib.sha256()
        # unbuffered: what was written is in the file at once, for sniffing before the commit
        self._file: BinaryIO | None = open(self.path, "xb", buffering=0)  # noqa: SIM115

    async def write(self, chunk: bytes) -> None:
        """Append ``chunk`` (written at once: local disks take 64 KB without a pause
        worth a thread hop). Raises StoreUnavailable on a full disk or an I/O error."""
        try:
            if self._file is None:
                raise OSError(0, "the upload is finished")
            self._file.write(chunk)
        except OSError as exc:
            await self.abort()
            raise StoreUnavailable(f"cannot write the upload: {exc.strerror}") from None
        self._hash.update(chunk)
        self.size += len(chunk)

    async def commit(self) -> str:
        """Flush, fsync and rename into ``blobs/``; the SHA-256 (hex). Raises StoreUnavailable."""
        blob = self._hash.hexdigest()
        target = self._store.blob_path(blob)
        try:
            await asyncio.to_thread(self._finish, target)
        except OSError as exc:
            await self.abort()
            raise StoreUnavailable(f"cannot store the upload: {exc.strerror}") from None
        return blob

    def _finish(self, target: Path) -> None:
        if self._file is None:
            raise OSError(0, "the upload is finished")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        if target.exists():  # the same content is stored already: mark it as in use now
            os.utime(target)
            self.path.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path, target)

    async def abort(self) -> None:
        """Close and remove the temporary file."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


class LocalFileStore:
    """Media bytes on the local disk under ``root`` (``<data_dir>/media``).

    Args:
        root: the folder; made at start, with ``blobs/`` and ``tmp/`` in it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        self._sweep()

    def _sweep(self) -> None:
        """Remove temporary files a crash left behind (older than :data:`STALE_TMP`)."""
        horizon = time.time() - STALE_TMP
        for part in (self.root / "tmp").glob("*.part"):
            with contextlib.suppress(OSError):
                if part.stat().st_mtime < horizon:
                    part.unlink()

    def blob_path(self, blob: str) -> Path:
        """Where ``blob`` (a SHA-256 in hex) lives. Raises ValueError for anything else."""
        if not _BLOB.match(blob):
            raise ValueError(f"not a blob name: {blob!r}")
        return self.root / "blobs" / blob[:2] / blob[2:4] / blob

    def begin(self) -> LocalUpload:
        """Start an upload."""
        return LocalUpload(self)

    async def open(self, blob: str) -> Path | None:
        """The file of ``blob``, or ``None`` if it is not stored."""
        path = self.blob_path(blob)
        return path if path.is_file() else None

    async def delete(self, blob: str, *, unless_since: float | None = None) -> None:
        """Remove ``blob`` if stored (and, with ``unless_since``, not written or committed
        again since then: its mtime says)."""
        path = self.blob_path(blob)
        with contextlib.suppress(OSError):
            if unless_since is not None and path.stat().st_mtime >= unless_since:
                return
            path.unlink(missing_ok=True)

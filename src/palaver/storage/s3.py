"""The S3-compatible file store: media bytes as objects ``<prefix><sha256>`` in one
bucket (AWS S3, MinIO, Ceph RGW, moto...), through ``aiobotocore`` (aio-libs' async
botocore). Implements :class:`palaver.services.ports.FileStore`.

An upload is staged on the local disk exactly as the local store does it (temporary
file, hashed as it arrives, invisible until committed), then ``PUT`` whole from that
file: a half-sent object never exists under its final name, because S3 makes an
object visible only when its ``PUT`` completes. Content already stored (``HEAD``
finds it) is not sent again. Downloads are served from a local cache of whole
objects (``<data_dir>/media/cache``), filled on first read, so ranges and
``sendfile`` work as on the local store.

Any failure to reach the object store (connection refused, timeouts, 5xx, access
denied) raises :class:`~palaver.errors.StoreUnavailable`: uploads answer 6008,
downloads of what is not cached answer 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

from palaver.errors import StoreUnavailable
from palaver.storage.files import LocalFileStore, LocalUpload

CHUNK = 1 << 20


class S3Upload(LocalUpload):
    """An upload staged locally, then put into the bucket on :meth:`commit`."""

    def __init__(self, store: S3FileStore) -> None:
        super().__init__(store.staging)
        self._s3 = store

    async def commit(self) -> str:
        """Hash, then ``PUT`` the staged file unless the object exists; the SHA-256."""
        if self._file is None:
            raise StoreUnavailable("the upload is finished")
        blob = self._hash.hexdigest()
        try:
            self._file.close()
        except OSError as exc:
            await self.abort()
            raise StoreUnavailable(f"cannot stage the upload: {exc.strerror}") from None
        self._file = None
        try:
            await self._s3.put_file(blob, self.path)
        finally:
            await self.abort()
        return blob


class S3FileStore:
    """Media bytes in an S3-compatible bucket.

    Args:
        root: local folder for staging and the download cache (``<data_dir>/media``).
        bucket: the bucket (it must exist).
        endpoint_url: the service (``http://127.0.0.1:9000`` for MinIO; ``None``: AWS).
        region, access_key, secret_key: as the service wants them (``None``: botocore's
            usual sources, e.g. ``AWS_ACCESS_KEY_ID``).
        prefix: prepended to every object key.
        timeout: seconds for a connection or a read before the store counts as down.
    """

    def __init__(
        self,
        root: Path,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "media/",
        timeout: float = 10.0,
    ) -> None:
        self.staging = LocalFileStore(root)
        self.cache = root / "cache"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.bucket, self.prefix = bucket, prefix
        self._client_args: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
        }
        self._timeout = timeout
        self._stack: contextlib.AsyncExitStack | None = None
        self._client: Any = None
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        """The aiobotocore client, made on first use."""
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                from aiobotocore.config import AioConfig
                from aiobotocore.session import get_session

                config = AioConfig(
                    connect_timeout=self._timeout,
                    read_timeout=self._timeout,
                    retries={"max_attempts": 2, "mode": "standard"},
                    s3={"addressing_style": "path"},
                )
                stack = contextlib.AsyncExitStack()
                client = await stack.enter_async_context(
                    get_session().create_client("s3", config=config, **self._client_args)
                )
                self._stack, self._client = stack, client
        return self._client

    async def close(self) -> None:
        """Close the client (at shutdown)."""
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._client = None, None

    def key(self, blob: str) -> str:
        """The object key of ``blob`` (a SHA-256 in hex; ValueError otherwise)."""
        self.staging.blob_path(blob)  # validates the name
        return self.prefix + blob

    def begin(self) -> S3Upload:
        """Start an upload (staged on the local disk)."""
        return S3Upload(self)

    async def put_file(self, blob: str, path: Path) -> None:
        """Store the file at ``path`` as ``blob`` unless the bucket has it."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(blob)
        try:
            s3 = await self._s3()
            try:
                await s3.head_object(Bucket=self.bucket, Key=key)
                # the same content is stored already: mark it as in use now (a copy
                # onto itself renews LastModified), so a deletion pass keeps it
                await s3.copy_object(
                    Bucket=self.bucket,
                    Key=key,
                    CopySource={"Bucket": self.bucket, "Key": key},
                    MetadataDirective="REPLACE",
                    ContentType="application/octet-stream",
                )
                return
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in (
                    "404",
                    "NoSuchKey",
                    "NotFound",
                ):
                    raise
            with open(path, "rb") as body:  # noqa: ASYNC230 - streamed by botocore
                await s3.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentLength=os.fstat(body.fileno()).st_size,
                    ContentType="application/octet-stream",
                )
        except (BotoCoreError, ClientError, OSError) as exc:
            raise StoreUnavailable(f"the object store failed: {exc}") from None

    async def open(self, blob: str) -> Path | None:
        """A local copy of ``blob`` (fetched into the cache on first read), or ``None``
        if the bucket does not have it. Raises StoreUnavailable."""
        from botocore.exceptions import BotoCoreError, ClientError

        cached = self.cache / blob
        key = self.key(blob)
        if cached.is_file():
            return cached
        part = self.cache / f"{blob}.{secrets.token_hex(4)}.part"
        try:
            s3 = await self._s3()
            try:
                obj = await s3.get_object(Bucket=self.bucket, Key=key)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return None
                raise
            async with obj["Body"] as stream:
                with open(part, "wb") as f:  # noqa: ASYNC230 - local disk, 1 MB at a time
                    while chunk := await stream.read(CHUNK):
                        f.write(chunk)
            os.replace(part, cached)
        except (BotoCoreError, ClientError, OSError) as exc:
            raise StoreUnavailable(f"the object store failed: {exc}") from None
        finally:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
        return cached

    async def delete(self, blob: str, *, unless_since: float | None = None) -> None:
        """Delete the object and its cached copy (with ``unless_since``: unless its
        LastModified is at or after then). Raises StoreUnavailable."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            s3 = await self._s3()
            if unless_since is not None:
                try:
                    head = await s3.head_object(Bucket=self.bucket, Key=self.key(blob))
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                        return
                    raise
                if head["LastModified"].timestamp() >= unless_since:
                    return
            with contextlib.suppress(OSError):
                (self.cache / blob).unlink(missing_ok=True)
            await s3.delete_object(Bucket=self.bucket, Key=self.key(blob))
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"the object store failed: {exc}") from None

"""Objects in an S3 bucket through the ``minio`` client (MinIO, SeaweedFS, any S3).

Content-addressed objects live under ``prefix``, named ones under ``named_prefix``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import unquote_plus
from xml.etree import ElementTree

import urllib3
from minio import Minio
from minio.error import S3Error

from .base import (ObjectInfo, ObjectNotFound, ObjectStore, StoreUnavailable, TempFile, check_key,
                   check_name)

_MISSING = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}


class S3ObjectStore(ObjectStore):
    def __init__(self, endpoint: str, access_key: str, secret_key: str,
                 bucket: str = "archive-objects", secure: bool = False, region: str | None = None,
                 prefix: str = "objects/", timeout: float = 30.0, named_prefix: str = "named/"):
        self.bucket = bucket
        self.prefix = prefix
        self.named_prefix = named_prefix
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5.0, read=timeout),
            retries=urllib3.Retry(total=3, backoff_factor=0.3,
                                  status_forcelist=[500, 502, 503, 504]))
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key,
                            secure=secure, region=region, http_client=http)
        self._bucket_ready = False

    def _key(self, sha256: str) -> str:
        check_key(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def _named_key(self, name: str) -> str:
        return f"{self.named_prefix}{check_name(name)}"

    def _ensure_bucket(self) -> None:
        if self._bucket_ready:
            return
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except S3Error as exc:
            if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise StoreUnavailable(f"bucket {self.bucket}: {exc.code}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailable(f"S3 at {self.client._base_url.host}: {exc}") from exc
        self._bucket_ready = True

    def _call(self, fn, *args, sha256: str | None = None, gone: frozenset = frozenset(), **kwargs):
        """Call the client; a missing ``sha256`` is ``ObjectNotFound``, an error in ``gone`` None."""
        self._ensure_bucket()
        try:
            return fn(*args, **kwargs)
        except S3Error as exc:
            if exc.code in _MISSING and sha256:
                raise ObjectNotFound(sha256) from None
            if exc.code in gone:
                return None
            raise _unavailable(exc) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _unavailable(exc) from exc

    def _write(self, stream: BinaryIO, sha256: str, size: int) -> None:
        # A large object goes up in parts; a killed upload leaves them: temp_files finds them.
        self._call(self.client.put_object, self.bucket, self._key(sha256), stream, size,
                   metadata={"x-amz-meta-sha256": sha256})

    def open(self, sha256: str) -> BinaryIO:
        response = self._call(self.client.get_object, self.bucket, self._key(sha256), sha256=sha256)
        return _Stream(response)

    def stat(self, sha256: str) -> ObjectInfo:
        result = self._call(self.client.stat_object, self.bucket, self._key(sha256), sha256=sha256)
        return ObjectInfo(sha256, result.size)

    def delete(self, sha256: str) -> None:
        self._call(self.client.remove_object, self.bucket, self._key(sha256))

    def inventory(self) -> Iterator[ObjectInfo]:
        for obj in self._listing(self.prefix):
            name = obj.object_name.rsplit("/", 1)[-1]
            if len(name) == 64:
                yield ObjectInfo(name, obj.size, obj.last_modified)

    def _create_named(self, name: str, data: bytes) -> bool:
        # S3 has no portable create-if-absent; a racing writer of other bytes wins silently,
        # which the checkpoint's own MAC and the file beside it make visible.
        self._call(self.client.put_object, self.bucket, self._named_key(name), io.BytesIO(data),
                   len(data))
        return True

    def get_named(self, name: str) -> bytes:
        with _Stream(self._call(self.client.get_object, self.bucket, self._named_key(name),
                                sha256=name)) as stream:
            return stream.read()

    def list_named(self, prefix: str) -> Iterator[str]:
        start = len(self.named_prefix)
        for obj in self._listing(self.named_prefix + check_name(prefix, prefix=True)):
            yield obj.object_name[start:]

    def _listing(self, prefix: str) -> Iterator:
        """Yield the objects under ``prefix``, page by page, in key order."""
        objects = self._call(self.client.list_objects, self.bucket, prefix=prefix,
                             recursive=True)
        # The listing is fetched page by page while iterating: errors surface here.
        try:
            yield from objects
        except (S3Error, urllib3.exceptions.HTTPError, OSError) as exc:
            raise _unavailable(exc) from exc

    # minio has no public call for unfinished multipart uploads (7.x dropped it): the
    # client's own request is sent (the version pinned in requirements.lock) and the answer
    # read here, because minio's reader refuses times not written in UTC ("…+08:00"), which
    # SeaweedFS writes in its own time zone.
    def temp_files(self, *, before: dt.datetime) -> list[TempFile]:
        found, marker = [], None
        while True:
            query = {"uploads": "", "max-uploads": "1000", "prefix": self.prefix,
                     "encoding-type": "url", **({"key-marker": marker} if marker else {})}
            response = self._call(self.client._execute, "GET", self.bucket, query_params=query)
            uploads, marker = multipart_uploads(response.data)
            found += [TempFile(f"{key}?uploadId={upload_id}", 0, started)
                      for key, upload_id, started in uploads
                      if started is not None and started < before]
            if marker is None:
                return found

    def temp_remove(self, temp: TempFile) -> None:
        key, _, upload_id = temp.name.partition("?uploadId=")
        if not key.startswith(self.prefix) or not upload_id:
            raise ValueError(f"not an upload of this store: {temp.name!r}")
        self._call(self.client._abort_multipart_upload, self.bucket, key, upload_id,
                   gone=frozenset({"NoSuchUpload"}))


def multipart_uploads(xml: bytes) -> tuple[list[tuple[str, str, dt.datetime | None]], str | None]:
    """Read a ListMultipartUploads answer: (key, upload id, started) each, and the next marker.

    The marker is None on the last page. Times are read with their offset, UTC or not.
    """
    root = ElementTree.fromstring(xml)
    namespace = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def text(element, name: str) -> str | None:
        found = element.find(namespace + name)
        return found.text if found is not None else None

    encoded = text(root, "EncodingType") == "url"
    uploads = []
    for upload in root.iter(namespace + "Upload"):
        key = text(upload, "Key") or ""
        started = text(upload, "Initiated")
        when = dt.datetime.fromisoformat(started) if started else None
        uploads.append((unquote_plus(key) if encoded else key, text(upload, "UploadId") or "",
                        when if when is None or when.tzinfo else when.replace(tzinfo=dt.UTC)))
    marker = text(root, "NextKeyMarker")
    if marker and encoded:
        marker = unquote_plus(marker)
    truncated = (text(root, "IsTruncated") or "").lower() == "true"
    return uploads, (marker if truncated and marker else None)


def _unavailable(exc: Exception) -> StoreUnavailable:
    if isinstance(exc, S3Error):
        return StoreUnavailable(f"S3 error {exc.code}: {exc.message}")
    return StoreUnavailable(f"S3 unreachable: {exc}")


class _Stream:
    """A file-like wrapper that releases the HTTP connection on close."""

    def __init__(self, response):
        self._response = response

    def read(self, size: int = -1) -> bytes:
        return self._response.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        self._response.close()
        self._response.release_conn()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

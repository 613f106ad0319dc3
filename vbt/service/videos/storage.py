"""Where uploaded videos and annotated videos are kept: one small interface, two places.

:class:`VideoStorage` is all the service and the workers need: store a received file under a name,
have a local file to read for a name, delete a name. :class:`LocalVideoStorage` is a folder (the
default, ``<data dir>/videos``; a shared network folder serves several machines);
:class:`S3VideoStorage` is a bucket of any S3-compatible object store, through boto3, so API replicas
and workers on different machines share uploads and annotated videos. :func:`video_storage_for`
picks one from the settings (``VBT_VIDEO_STORE``).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from vbt.errors import InputError, ServiceError
from vbt.service.private import make_private_dir
from vbt.service.settings import Settings


class VideoStorage(Protocol):
    """Named video files (``<id>.mp4``, ``<id>.annotated.mp4``) kept somewhere.

    A name is a plain file name. :meth:`put` and :meth:`delete` raise :class:`ServiceError` when the
    store cannot be written; :meth:`local_copy` raises :class:`FileNotFoundError` for an unknown name.
    """

    def put(self, name: str, source: Path) -> None:
        """Store the local file ``source`` as ``name`` (``source`` may be moved away)."""
        ...

    @contextmanager
    def local_copy(self, name: str, workdir: Path) -> Iterator[Path]:
        """A local file with the contents of ``name`` while the block runs (may be in ``workdir``)."""
        ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...

    def describe(self) -> str:
        """Where the videos are, for messages (no secrets)."""
        ...


class LocalVideoStorage:
    """Videos in a folder (created at the first :meth:`put`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        """The file of ``name`` in the folder."""
        return self.folder / name

    def put(self, name: str, source: Path) -> None:
        try:
            make_private_dir(self.folder)
            source.replace(self.path(name))
        except OSError as exc:  # another file system: copy, then remove the source
            try:
                shutil.move(str(source), self.path(name))
            except OSError:
                raise _cannot_store(self, exc) from exc

    @contextmanager
    def local_copy(self, name: str, workdir: Path) -> Iterator[Path]:
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(path)
        yield path

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        try:
            self.path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise _cannot_store(self, exc) from exc

    def describe(self) -> str:
        return str(self.folder)


class S3VideoStorage:
    """Videos as objects ``<prefix><name>`` in an S3 bucket (any S3-compatible store).

    Parameters:
        bucket: the bucket (it must exist).
        prefix: prepended to each name, e.g. ``"vbt/videos/"``.
        client: a boto3 S3 client (its endpoint, region and credentials come from the caller or
            boto3's usual environment variables and files).
    """

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._client = client

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def put(self, name: str, source: Path) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.upload_file(str(source), self.bucket, self._key(name))
        except (BotoCoreError, ClientError) as exc:
            raise _cannot_store(self, exc) from exc
        source.unlink(missing_ok=True)

    @contextmanager
    def local_copy(self, name: str, workdir: Path) -> Iterator[Path]:
        from botocore.exceptions import ClientError

        make_private_dir(workdir)
        path = workdir / f"{uuid.uuid4().hex[:12]}-{name}"  # several readers of one name at once
        try:
            self._client.download_file(self.bucket, self._key(name), str(path))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(f"{self.describe()}{name}") from exc
            raise _cannot_store(self, exc) from exc
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise _cannot_store(self, exc) from exc
        return True

    def delete(self, name: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except (BotoCoreError, ClientError) as exc:
            raise _cannot_store(self, exc) from exc

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def _cannot_store(storage: VideoStorage, exc: Exception) -> ServiceError:
    why = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
    return ServiceError(
        f"The video store {storage.describe()} cannot be written ({why}); nothing was kept. Check "
        "its free space and permissions (VBT_VIDEO_STORE, VBT_DATA_DIR) and try again."
    )


def video_storage_for(settings: Settings) -> VideoStorage:
    """The store ``settings.video_store`` names: ``s3://bucket/prefix`` (endpoint from
    ``settings.s3_endpoint_url``, credentials from boto3's environment), else the local folder
    ``<resolved data dir>/videos``.

    Raises:
        InputError: an ``s3://`` URL without a bucket, or boto3 is not installed.
    """
    store = settings.video_store
    if not store:
        return LocalVideoStorage(settings.resolved_data_dir / "videos")
    if not store.startswith("s3://"):
        return LocalVideoStorage(Path(store).expanduser())
    bucket, _, prefix = store.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError(f"{store!r} names no bucket; use s3://BUCKET or s3://BUCKET/PREFIX")
    try:
        import boto3
    except ModuleNotFoundError:
        raise InputError(
            "an s3:// video store needs boto3; install vbt[s3] (pip install 'vbt[s3]')"
        ) from None
    client = boto3.client("s3", endpoint_url=settings.s3_endpoint_url or None)
    prefix = prefix if not prefix or prefix.endswith("/") else f"{prefix}/"
    return S3VideoStorage(bucket, prefix, client)

"""Pose model bundles: find one on this machine, or download the official one on first use.

A bundle is MediaPipe's ``pose_landmarker_{lite,full,heavy}.task``: a zip holding
``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. The project never ships one; it is
looked for, in this order:

1. ``model_path`` (the ``--model PATH`` option): a bundle file, or a folder holding one;
2. the folder named by the ``VBT_MODEL_DIR`` environment variable;
3. the user cache, ``platformdirs.user_cache_dir("vbt") / "models"``;
4. otherwise it is downloaded from MediaPipe's model storage into the user cache (a progress bar,
   written to a temporary file and renamed once complete and checked).

``models/manifest.json`` in the repository lists the same bundles for people and tools;
``MODELS`` below is what the code uses (a test keeps the two equal).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Literal

from vbt.errors import ModelError

ModelName = Literal["lite", "full", "heavy"]

#: Environment variable naming a folder of model bundles (checked before the user cache).
MODEL_DIR_ENV: Final = "VBT_MODEL_DIR"

#: Files a pose landmarker bundle must hold.
BUNDLE_MEMBERS: Final = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

_CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class ModelSpec:
    """One downloadable pose model bundle.

    Attributes:
        name: ``lite``, ``full`` or ``heavy`` (faster to more accurate).
        filename: the bundle's file name, also its name in the model folders.
        url: MediaPipe's official download address.
        size_bytes: expected size in bytes, ``None`` when not known (used for the progress bar).
        sha256_reference_copy: digest of the copy kept for tests and CI in ``../shared/models``
            (a redistributed copy; whether it is byte-identical to the official download was not
            verified). ``None`` when there is no such copy. Not used to reject a download.
    """

    name: str
    filename: str
    url: str
    size_bytes: int | None
    sha256_reference_copy: str | None


_STORAGE = "https://storage.googleapis.com/mediapipe-models/pose_landmarker"

MODELS: dict[str, ModelSpec] = {
    "lite": ModelSpec(
        name="lite",
        filename="pose_landmarker_lite.task",
        url=f"{_STORAGE}/pose_landmarker_lite/float16/latest/pose_landmarker_lite.task",
        size_bytes=5777746,
        sha256_reference_copy="59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a",
    ),
    "full": ModelSpec(
        name="full",
        filename="pose_landmarker_full.task",
        url=f"{_STORAGE}/pose_landmarker_full/float16/latest/pose_landmarker_full.task",
        size_bytes=9398198,
        sha256_reference_copy="5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
    ),
    "heavy": ModelSpec(
        name="heavy",
        filename="pose_landmarker_heavy.task",
        url=f"{_STORAGE}/pose_landmarker_heavy/float16/latest/pose_landmarker_heavy.task",
        size_bytes=None,
        sha256_reference_copy=None,
    ),
}


def model_spec(name: str) -> ModelSpec:
    """The bundle called ``name``.

    Raises:
        ModelError: no such model name.
    """
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(MODELS)
        raise ModelError(f"unknown pose model {name!r}: choose one of {known}.") from None


def default_cache_dir() -> Path:
    """The user cache folder for bundles: ``platformdirs.user_cache_dir("vbt") / "models"``."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("vbt")) / "models"


def check_bundle(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` is a pose landmarker bundle (a zip holding both tflite models).

    Returns:
        The path, as a ``Path``.

    Raises:
        ModelError: the file is missing, not a zip, unreadable, or lacks one of the models; the
            message says which and what to do.
    """
    bundle = Path(path)
    fix = "Download the bundle again (delete this file and vbt fetches it on next use)."
    if not bundle.is_file():
        raise ModelError(f"{bundle}: no such model file. Check the path.")
    try:
        with zipfile.ZipFile(bundle) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ModelError(
            f"{bundle}: not a MediaPipe model bundle (not a zip archive; a partial download or "
            f"another kind of file?). {fix}"
        ) from None
    except OSError as exc:
        raise ModelError(f"{bundle}: cannot be read ({exc.strerror or exc}).") from exc
    missing = [member for member in BUNDLE_MEMBERS if member not in names]
    if missing:
        raise ModelError(
            f"{bundle}: not a pose landmarker bundle: it lacks {', '.join(missing)}. Use one of "
            f"{', '.join(spec.filename for spec in MODELS.values())}."
        )
    return bundle


def find_model(
    name: str = "lite",
    *,
    model_path: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    progress: bool = True,
    timeout_s: float = 30.0,
) -> Path:
    """The path of a checked pose model bundle, downloading it into the user cache if needed.

    Parameters:
        name: ``lite`` (default, fastest), ``full`` or ``heavy``.
        model_path: a bundle file or a folder holding ``pose_landmarker_{name}.task``; when given,
            nothing else is searched.
        cache_dir: the user cache folder (default: ``default_cache_dir()``).
        download: fetch the bundle when it is nowhere on this machine.
        progress: show a progress bar while downloading.
        timeout_s: network timeout for the download.

    Raises:
        ModelError: the bundle is nowhere to be found and cannot be downloaded (the message says
            where to put it), or the bundle found is damaged.
    """
    spec = model_spec(name)
    if model_path is not None:
        given = Path(model_path)
        if given.is_dir():
            candidate = given / spec.filename
            if not candidate.is_file():
                raise ModelError(f"{given}: folder has no {spec.filename}. Put the bundle there.")
            return check_bundle(candidate)
        return check_bundle(given)
    env_dir = os.environ.get(MODEL_DIR_ENV)
    if env_dir:
        candidate = Path(env_dir) / spec.filename
        if candidate.is_file():
            return check_bundle(candidate)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cached = cache / spec.filename
    if cached.is_file():
        return check_bundle(cached)
    if not download:
        raise ModelError(_where_to_put(spec, cache, "downloading is switched off"))
    return download_model(name, cache_dir=cache, progress=progress, timeout_s=timeout_s)


def download_model(
    name: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    timeout_s: float = 30.0,
) -> Path:
    """Download the official bundle ``name`` into ``cache_dir`` and return its checked path.

    The file is written next to its final place under a temporary name, checked with
    ``check_bundle``, then renamed, so an interrupted download never leaves a broken bundle behind.

    Raises:
        ModelError: no network, the server refused, the download was cut short or is not a bundle;
            the message says where to put a bundle obtained some other way.
    """
    spec = model_spec(name)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / spec.filename
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=cache)
    except OSError as exc:
        raise ModelError(_where_to_put(spec, cache, f"cannot write there: {exc}")) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            _fetch(spec, out, progress=progress, timeout_s=timeout_s)
        try:
            check_bundle(temp)
        except ModelError as exc:
            raise ModelError(
                f"the file downloaded from {spec.url} is not a pose model bundle ({exc})"
            ) from None
        os.replace(temp, target)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ModelError(_where_to_put(spec, cache, _describe(exc))) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return target


def _fetch(spec: ModelSpec, out: BinaryIO, *, progress: bool, timeout_s: float) -> None:
    """Copy the bundle at ``spec.url`` into the open binary file ``out``, with a progress bar."""
    from tqdm import tqdm

    request = urllib.request.Request(spec.url, headers={"User-Agent": "vbt"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else spec.size_bytes
        received = 0
        with tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=f"downloading {spec.filename}",
            disable=not progress,
            leave=False,
        ) as bar:
            while chunk := response.read(_CHUNK_BYTES):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
        if length and length.isdigit() and received != int(length):
            raise http.client.IncompleteRead(b"", int(length) - received)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        shown = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
        return f"no connection ({shown})"
    if isinstance(exc, http.client.IncompleteRead):
        return "the download was cut short"
    if isinstance(exc, TimeoutError):
        return "the connection timed out"
    return str(exc) or type(exc).__name__


def _where_to_put(spec: ModelSpec, cache: Path, reason: str) -> str:
    env_dir = os.environ.get(MODEL_DIR_ENV)
    env_note = f" (it is set to {env_dir}, which has no {spec.filename})" if env_dir else ""
    return (
        f"the pose model '{spec.name}' ({spec.filename}) is not on this machine and could not be "
        f"downloaded from {spec.url}: {reason}. Get that file on a machine with internet access, "
        f"then either copy it into {cache}, or put it in a folder and set {MODEL_DIR_ENV} to that "
        f"folder{env_note}, or pass its path with --model."
    )


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

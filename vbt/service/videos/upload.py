"""Receiving a video upload: a multipart body parsed as it arrives, its file part written to disk.

The body is parsed with python-multipart's streaming parser and the file part written in chunks,
never held in memory. :func:`receive_upload` refuses it with 413 once the body passes
``UploadSettings.max_upload_bytes``, with 415 as soon as its first bytes are not a video container
(MP4/MOV ``ftyp``, Matroska/WebM EBML, AVI ``RIFF``); :func:`check_decodable` refuses (422) a file
OpenCV cannot decode a frame of.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from vbt.errors import InputError, ServiceError
from vbt.service.errors import DISK_FULL, DiskFullError, is_disk_full
from vbt.service.private import make_private_dir
from vbt.service.videos.jobs import UploadSettings

FILE_FIELD = "file"
FORM_FIELDS = frozenset({"set_id", "session_id", "athlete_id", "exercise", "load_kg"})
MAX_FIELD_BYTES = 1000
HEAD_BYTES = 12

NOT_A_VIDEO = (
    "The file is not a video: it does not start like an MP4/MOV, Matroska/WebM or AVI file. Upload the "
    "video file itself as the 'file' part."
)


def container_of(head: bytes) -> str | None:
    """The container a file starts like (``mp4``, ``mov``, ``mkv``, ``avi``), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


class ReceivedUpload:
    """The state of one multipart body being parsed: form fields, and the file part written to
    ``out``.

    Attributes:
        fields: the form fields (``FORM_FIELDS``) received so far, as text.
        filename: the file part's name (its last path component, printable characters only), or
            None before the file part.
        file_bytes: how many bytes of the file part were written.
        head: the file part's first ``HEAD_BYTES`` bytes (to recognise the container).
        problem: why the body is not a valid upload, once the parser saw it; None while it is.
    """

    def __init__(self, out: BinaryIO) -> None:
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_bytes = 0
        self.head = b""
        self.problem: str | None = None
        self._out = out
        self._headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._part: str | None = None
        self._value_buffer = bytearray()
        self._seen_file = False

    def callbacks(self) -> Any:
        """The callbacks for :class:`MultipartParser`."""
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers, self._part = {}, None
        self._value_buffer = bytearray()

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field, self._value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == FILE_FIELD:
            if self._seen_file:
                self.problem = "send one video per upload (one 'file' part)"
            self._seen_file = True
            raw_name = options.get(b"filename", b"video").decode("utf-8", "replace")
            self.filename = "".join(c for c in Path(raw_name.replace("\\", "/")).name if c.isprintable())[
                :255
            ]
        elif name not in FORM_FIELDS:
            self.problem = f"{name!r} is not a field of a video upload; use file, set_id, session_id, athlete_id, exercise, load_kg"
        self._part = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.problem is not None:
            return
        chunk = data[start:end]
        if self._part == FILE_FIELD:
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]
            self._out.write(chunk)
            self.file_bytes += len(chunk)
        else:
            self._value_buffer.extend(chunk)
            if len(self._value_buffer) > MAX_FIELD_BYTES:
                self.problem = f"the form field {self._part!r} is too long"

    def _part_end(self) -> None:
        if self.problem is not None or self._part is None or self._part == FILE_FIELD:
            return
        try:
            self.fields[self._part] = bytes(self._value_buffer).decode("utf-8")
        except UnicodeDecodeError:
            self.problem = f"the form field {self._part!r} is not UTF-8 text"


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary", b"")
    if content_type != b"multipart/form-data" or not boundary:
        raise HTTPException(
            415,
            detail="Send the video as multipart/form-data: a 'file' part with the video, and set_id "
            "(or session_id, exercise and load_kg) as form fields.",
        )
    return boundary


def _too_large(upload: UploadSettings) -> HTTPException:
    return HTTPException(
        413,
        detail=f"The upload is larger than this server accepts ({upload.max_upload_bytes / 1e6:g} MB); "
        "trim the video to the set, or ask the server's owner to raise it (vbt serve --max-upload-mb, "
        "or VBT_MAX_UPLOAD_BYTES).",
    )


async def receive_upload(request: Request, upload: UploadSettings, part_path: Path) -> ReceivedUpload:
    """Parse the request's multipart body, writing its file part to ``part_path``.

    Raises:
        HTTPException: 413 when the body is over ``upload.max_upload_bytes``; 415 when it is not
            multipart/form-data or the file does not start like a video container.
        InputError: the body is malformed, cut short, has unknown or overlong fields, or no file.
        ServiceError: the file cannot be written.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > upload.max_upload_bytes:
        raise _too_large(upload)
    boundary = _boundary(request)
    received = 0
    try:
        make_private_dir(part_path.parent)
        with part_path.open("wb") as out:
            state = ReceivedUpload(out)
            parser = MultipartParser(boundary, state.callbacks())
            async for chunk in request.stream():
                received += len(chunk)
                if received > upload.max_upload_bytes:
                    raise _too_large(upload)
                parser.write(chunk)
                if state.problem is not None:
                    raise InputError(f"The upload is not valid: {state.problem}.")
                if len(state.head) >= HEAD_BYTES and container_of(state.head) is None:
                    raise HTTPException(415, detail=NOT_A_VIDEO)
            parser.finalize()
    except MultipartParseError as exc:
        raise InputError(f"The upload is not a well-formed multipart/form-data body ({exc}).") from None
    except ClientDisconnect:
        raise InputError("The upload was interrupted before it ended; send it again.") from None
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFullError(DISK_FULL) from None
        raise ServiceError(
            f"The server cannot store the upload ({exc.strerror}); nothing was kept. Free space "
            "in its data directory (vbt serve --data-dir, or VBT_DATA_DIR) and send it again."
        ) from None
    if state.filename is None:
        raise InputError("The upload has no 'file' part; send the video as the form field 'file'.")
    if state.file_bytes == 0:
        raise InputError("The uploaded file is empty; send the video file itself.")
    return state


def check_decodable(path: Path, filename: str) -> None:
    """Check that OpenCV can open the video at ``path`` (uploaded as ``filename``).

    Raises:
        VideoError: it cannot; the message names ``filename``, not the stored path.
    """
    from vbt.capture.sources import VideoFileSource
    from vbt.errors import VideoError

    try:
        VideoFileSource(path).close()
    except VideoError as exc:
        message = str(exc).replace(str(path), filename)
        raise VideoError(f"The upload looks like a video but cannot be decoded: {message}") from None

"""Model bundles: checked before use, found in the documented order, downloaded atomically from a
loopback server, and one clear message when there is neither a bundle nor a network."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture.video_fixtures import REPO_ROOT, SHARED_MODELS
from vbt.capture import models
from vbt.capture.models import (
    BUNDLE_MEMBERS,
    MODEL_DIR_ENV,
    MODELS,
    check_bundle,
    find_model,
    sha256_of,
)
from vbt.errors import ModelError


def _fake_bundle(path: Path, members: tuple[str, ...] = BUNDLE_MEMBERS) -> Path:
    """A zip with the bundle's member names (not real models: enough for the structure check)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for member in members:
            archive.writestr(member, b"\x00" * 64 + member.encode())
    return path


@pytest.fixture(autouse=True)
def _no_model_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)


# --- check_bundle ----------------------------------------------------------------------------------


def test_check_bundle_accepts_a_zip_with_both_models(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "pose_landmarker_lite.task")
    assert check_bundle(bundle) == bundle


def test_check_bundle_accepts_the_reference_copies() -> None:
    for spec in (MODELS["lite"], MODELS["full"]):
        path = SHARED_MODELS / spec.filename
        if not path.is_file():
            pytest.skip(f"{path} absent: reference bundles live in ../shared/models")
        assert check_bundle(path) == path


def test_check_bundle_names_the_missing_model(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path / "half.task", ("pose_detector.tflite",))
    with pytest.raises(ModelError, match=r"lacks pose_landmarks_detector\.tflite"):
        check_bundle(bundle)


def test_check_bundle_rejects_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    page = tmp_path / "pose_landmarker_lite.task"
    page.write_text("<html>captive portal</html>")
    with pytest.raises(ModelError, match="not a zip archive") as caught:
        check_bundle(page)
    assert str(page) in str(caught.value)
    with pytest.raises(ModelError, match="no such model file"):
        check_bundle(tmp_path / "missing.task")


# --- the search order ------------------------------------------------------------------------------


def test_model_path_file_or_folder_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = _fake_bundle(tmp_path / "mine" / "custom.task")
    folder_bundle = _fake_bundle(tmp_path / "folder" / "pose_landmarker_full.task")
    monkeypatch.setenv(MODEL_DIR_ENV, str(_fake_bundle(tmp_path / "env" / "x.task").parent))
    assert find_model("lite", model_path=mine, cache_dir=tmp_path / "cache") == mine
    assert find_model("full", model_path=folder_bundle.parent) == folder_bundle
    with pytest.raises(ModelError, match=r"folder has no pose_landmarker_lite\.task"):
        find_model("lite", model_path=folder_bundle.parent)


def test_env_folder_comes_before_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_bundle = _fake_bundle(tmp_path / "env" / "pose_landmarker_lite.task")
    cached = _fake_bundle(tmp_path / "cache" / "pose_landmarker_lite.task")
    monkeypatch.setenv(MODEL_DIR_ENV, str(env_bundle.parent))
    assert find_model("lite", cache_dir=cached.parent, download=False) == env_bundle
    # The env folder has no 'full': the cache is next.
    cached_full = _fake_bundle(tmp_path / "cache" / "pose_landmarker_full.task")
    assert find_model("full", cache_dir=cached.parent, download=False) == cached_full


def test_damaged_bundle_in_the_cache_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pose_landmarker_lite.task").write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(ModelError, match="not a zip archive"):
        find_model("lite", cache_dir=tmp_path, download=False)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="unknown pose model 'huge'"):
        find_model("huge")


# --- downloading -----------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ShortHandler(http.server.BaseHTTPRequestHandler):
    """Promises 100 kB and sends 10 kB: a download cut short."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"PK" + b"\x00" * 10000)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server for ``tmp_path/www``: yields (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Handler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}", root
        server.shutdown()
        thread.join()


def _point_at(monkeypatch: pytest.MonkeyPatch, name: str, url: str) -> None:
    monkeypatch.setitem(MODELS, name, dataclasses.replace(MODELS[name], url=url))


def test_download_into_the_cache(
    tmp_path: Path, file_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url, root = file_server
    served = _fake_bundle(root / "pose_landmarker_lite.task")
    _point_at(monkeypatch, "lite", f"{base_url}/pose_landmarker_lite.task")
    cache = tmp_path / "cache" / "models"
    found = find_model("lite", cache_dir=cache, progress=False)
    assert found == cache / "pose_landmarker_lite.task"
    assert found.read_bytes() == served.read_bytes()
    assert sorted(p.name for p in cache.iterdir()) == ["pose_landmarker_lite.task"]  # no .part left
    served.unlink()  # now found in the cache, without the network
    assert find_model("lite", cache_dir=cache, progress=False) == found


@pytest.mark.parametrize(
    ("served", "message"),
    [
        ("missing", "404"),
        ("html", "is not a pose model bundle"),
    ],
)
def test_failed_download_leaves_nothing_behind(
    tmp_path: Path,
    file_server: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    served: str,
    message: str,
) -> None:
    base_url, root = file_server
    if served == "html":
        (root / "pose_landmarker_full.task").write_text("<html>sign in to the wifi</html>")
    _point_at(monkeypatch, "full", f"{base_url}/pose_landmarker_full.task")
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match=message):
        find_model("full", cache_dir=cache, progress=False)
    assert list(cache.iterdir()) == []


def test_download_cut_short_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ShortHandler) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        _point_at(monkeypatch, "lite", f"http://127.0.0.1:{server.server_address[1]}/m.task")
        with pytest.raises(ModelError, match=r"cut short|not a pose model bundle"):
            find_model("lite", cache_dir=tmp_path, progress=False, timeout_s=10)
        server.shutdown()
        thread.join()
    assert list(tmp_path.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_offline_without_a_bundle_says_where_to_put_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/pose_landmarker_lite.task"
    _point_at(monkeypatch, "lite", url)
    cache = tmp_path / "cache" / "models"
    with pytest.raises(ModelError) as caught:
        find_model("lite", cache_dir=cache, progress=False, timeout_s=5)
    message = str(caught.value)
    assert "pose_landmarker_lite.task" in message
    assert url in message
    assert str(cache) in message
    assert MODEL_DIR_ENV in message
    assert "--model" in message
    assert "refused" in message.lower()


def test_download_switched_off_says_where_to_put_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="downloading is switched off") as caught:
        find_model("heavy", cache_dir=tmp_path, download=False)
    assert str(tmp_path) in str(caught.value)


def test_default_cache_is_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("platformdirs.user_cache_dir", lambda app: str(tmp_path / app))
    assert models.default_cache_dir() == tmp_path / "vbt" / "models"


# --- the manifest ----------------------------------------------------------------------------------


def test_manifest_matches_the_code() -> None:
    manifest = json.loads((REPO_ROOT / "models" / "manifest.json").read_text())
    assert manifest["bundle_members"] == list(BUNDLE_MEMBERS)
    assert manifest["models"] == [dataclasses.asdict(spec) for spec in MODELS.values()]
    for spec in MODELS.values():
        assert spec.url.startswith("https://storage.googleapis.com/mediapipe-models/")
        assert spec.url.endswith("/" + spec.filename)


def test_reference_copies_have_the_manifest_digests() -> None:
    for spec in (MODELS["lite"], MODELS["full"]):
        path = SHARED_MODELS / spec.filename
        if not path.is_file():
            pytest.skip(f"{path} absent: reference bundles live in ../shared/models")
        assert path.stat().st_size == spec.size_bytes
        assert sha256_of(path) == spec.sha256_reference_copy

"""Whether a window can open: an X display that does not answer is no display (OpenCV's Qt would abort
the whole process trying to connect to it), and ``--window`` then says so in one clear message."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.live.xdisplays import unused_display_number
from vbt.errors import InputError
from vbt.live.sinks import WindowSink, display_available, x_display_answers


def _unused_display_number() -> int:
    number = unused_display_number(150, 199)
    if number is None:
        pytest.skip("no unused X display number in :150-:199")
    return number


def test_a_display_nobody_listens_on_does_not_answer_and_a_listening_socket_does(tmp_path: Path) -> None:
    number = _unused_display_number()
    assert not x_display_answers(f":{number}", timeout_s=0.5)
    assert not x_display_answers(f"unix:{number}.0", timeout_s=0.5)
    path = tmp_path / "xserver:0"  # XQuartz's form: the socket's path, then the display number
    assert not x_display_answers(str(path), timeout_s=0.5)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        assert x_display_answers(str(path), timeout_s=0.5)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        for port in range(6150, 6200):
            try:
                server.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        else:
            pytest.skip("no free TCP port in 6150-6199")
        server.listen(1)
        assert x_display_answers(f"127.0.0.1:{port - 6000}", timeout_s=0.5)
    assert x_display_answers("not a display")  # a form it does not know: the toolkit decides


def test_a_window_on_a_dead_display_is_refused_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("DISPLAY", f":{_unused_display_number()}")
    assert not display_available()
    with pytest.raises(InputError, match=r"does not answer .*--no-window"):
        WindowSink()

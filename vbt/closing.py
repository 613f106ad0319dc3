"""``Closing``: the ``with`` statement for anything that has a ``close()``."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """A base class: ``with thing:`` closes ``thing`` at the block's end, whatever happened in it.

    Subclasses define ``close()`` (safe to call more than once); ``__enter__`` returns the object.
    """

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

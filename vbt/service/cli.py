"""``vbt serve``, ``vbt worker`` and ``vbt token``: the service's commands, registered on the main ``vbt`` parser."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

_Subparsers = Any  # argparse's _SubParsersAction is private; its add_parser is all we use


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1-65535)")
    return value


def _megabytes(text: str) -> int:
    """A size in MB (10**6 bytes) as a whole number of bytes."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size in MB, e.g. 500") from None
    if not (math.isfinite(value) and value * 1e6 >= 1):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive size in MB, e.g. 500")
    return round(value * 1e6)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``vbt serve`` (and ``python -m vbt.service``); see :func:`serve_from_args`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=_port, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--db", default=None, metavar="URL", help="database URL or SQLite file path")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where uploaded videos are kept (default: VBT_DATA_DIR, else the SQLite file's folder, else "
        "your data directory)",
    )
    parser.add_argument(
        "--max-upload-mb",
        type=_megabytes,
        default=None,
        metavar="MB",
        dest="max_upload_bytes",
        help="the largest video upload accepted, in MB (default: VBT_MAX_UPLOAD_BYTES, else 500)",
    )
    parser.add_argument(
        "--no-worker",
        action="store_false",
        dest="in_process_worker",
        help="analyse no uploads in this process: leave them to `vbt worker` processes",
    )
    _add_store_arguments(parser)


def _add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--video-store",
        default=None,
        metavar="DIR|s3://BUCKET/PREFIX",
        help="where uploaded and annotated videos are kept (default: VBT_VIDEO_STORE, else "
        "DATA_DIR/videos); an s3:// store takes its endpoint from --s3-endpoint-url or VBT_S3_ENDPOINT_URL "
        "and its credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
    )
    parser.add_argument(
        "--s3-endpoint-url", default=None, metavar="URL", help="the S3-compatible server (default: AWS)"
    )


def serve_from_args(args: argparse.Namespace) -> None:
    """Serve with the options :func:`add_serve_arguments` parsed, until interrupted.

    Raises:
        InputError, ServiceError: the settings or the database cannot be used.
    """
    from vbt.service.app import run

    run(
        args.host,
        args.port,
        args.db,
        data_dir=args.data_dir,
        max_upload_bytes=args.max_upload_bytes,
        in_process_worker=args.in_process_worker,
        video_store=args.video_store,
        s3_endpoint_url=args.s3_endpoint_url,
    )


def add_service_commands(commands: _Subparsers) -> None:
    """Add ``serve``, ``worker`` and ``token create|revoke`` to the ``vbt`` command's subparsers."""
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service and dashboard",
        description="Serve the API (OpenAPI at /docs), the rep stream and the dashboard. Database: --db, "
        "else VBT_DATABASE_URL, else a SQLite file in your data directory.",
    )
    add_serve_arguments(serve)
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker",
        help="analyse uploaded videos (run any number, on any machine)",
        description="Analyse the videos uploaded to `vbt serve`, one at a time, until Ctrl+C or SIGTERM. "
        "Run any number of workers on machines that reach the database and the video store; a worker "
        "that dies leaves its video to the others. Database: --db, else VBT_DATABASE_URL.",
    )
    worker.add_argument("--db", default=None, metavar="URL", help="database URL or SQLite file path")
    worker.add_argument(
        "--data-dir", type=Path, default=None, metavar="DIR", help="the data directory of `vbt serve`"
    )
    _add_store_arguments(worker)
    worker.set_defaults(handler=_worker)

    token = commands.add_parser(
        "token",
        help="create or revoke bearer tokens for writes",
        description="Bearer tokens for writes when the service listens beyond loopback. Only a hash is "
        "stored: a new token is shown once.",
    )
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("name", help="a label, e.g. platform-1")
    create.add_argument("--db", default=None, metavar="URL")
    create.set_defaults(handler=_token_create)
    revoke = actions.add_parser("revoke", help="delete every token with this name")
    revoke.add_argument("name")
    revoke.add_argument("--db", default=None, metavar="URL")
    revoke.set_defaults(handler=_token_revoke)


def _serve(args: argparse.Namespace) -> int:
    serve_from_args(args)
    return 0


def _worker(args: argparse.Namespace) -> int:
    from vbt.service.settings import settings_from_env
    from vbt.service.worker import run_worker

    run_worker(
        settings_from_env(
            database_url=args.db,
            data_dir=args.data_dir,
            video_store=args.video_store,
            s3_endpoint_url=args.s3_endpoint_url,
        )
    )
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from vbt.service.auth import create_token

    print(create_token(args.db, name=args.name))
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from vbt.service.auth import revoke_tokens

    count = revoke_tokens(args.db, name=args.name)
    print(f"revoked {count} token(s) named {args.name!r}")
    return 0

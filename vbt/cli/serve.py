"""``vbt serve``: the HTTP service and the dashboard (also ``python -m vbt.service``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vbt.cli.options import Subparsers, checked_number


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
    value = checked_number(
        text,
        lambda mb: mb * 1e6 >= 1,
        not_a_number="{text!r} is not a size in MB, e.g. 500",
        out_of_range="{text!r} is not a positive size in MB, e.g. 500",
    )
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
        "--allowed-host",
        action="append",
        default=None,
        metavar="NAME",
        dest="allowed_hosts",
        help="a name this server answers to besides loopback and --host, e.g. gym.local or "
        "*.example.org (repeat for more; default: VBT_ALLOWED_HOSTS). A non-loopback name means "
        "reads and writes need a token.",
    )
    parser.add_argument(
        "--no-worker",
        action="store_false",
        dest="in_process_worker",
        help="analyse no uploads in this process: leave them to `vbt worker` processes",
    )
    add_store_arguments(parser)


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Where videos are kept: ``--video-store`` and ``--s3-endpoint-url`` (serve and worker)."""
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
    """Serve with the options :func:`add_serve_arguments` parsed, until interrupted; the database and
    the data folder are named on stderr first.

    Raises:
        InputError, ServiceError: the settings or the database cannot be used.
    """
    from vbt.cli.database import database_name
    from vbt.service.app import run
    from vbt.service.db import parse_database_url
    from vbt.service.settings import settings_from_env

    settings = settings_from_env(database_url=args.db, data_dir=args.data_dir)
    parse_database_url(settings.database_url)  # a bad URL is the one line said, before naming it
    print(
        f"vbt: database {database_name(settings.database_url)}; data folder {settings.resolved_data_dir}",
        file=sys.stderr,
        flush=True,
    )
    run(
        args.host,
        args.port,
        args.db,
        data_dir=args.data_dir,
        max_upload_bytes=args.max_upload_bytes,
        allowed_hosts=tuple(args.allowed_hosts) if args.allowed_hosts else None,
        in_process_worker=args.in_process_worker,
        video_store=args.video_store,
        s3_endpoint_url=args.s3_endpoint_url,
    )


def add_command(commands: Subparsers) -> None:
    """Register ``vbt serve``."""
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service and dashboard",
        description="Serve the API (OpenAPI at /docs), the rep stream and the dashboard. Database: --db, "
        "else VBT_DATABASE_URL, else a SQLite file in your data directory.",
    )
    add_serve_arguments(serve)
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    serve_from_args(args)
    return 0

"""``vbt worker``: analyse the videos uploaded to ``vbt serve`` (any number of workers, on any machine)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vbt.cli.options import Subparsers
from vbt.cli.serve import add_store_arguments


def add_command(commands: Subparsers) -> None:
    """Register ``vbt worker``."""
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
    add_store_arguments(worker)
    worker.set_defaults(handler=_worker)


def _worker(args: argparse.Namespace) -> int:
    from vbt.cli.database import database_name
    from vbt.service.app import run_worker
    from vbt.service.db import parse_database_url
    from vbt.service.settings import settings_from_env

    settings = settings_from_env(
        database_url=args.db,
        data_dir=args.data_dir,
        video_store=args.video_store,
        s3_endpoint_url=args.s3_endpoint_url,
    )
    parse_database_url(settings.database_url)  # a bad URL is the one line said, before naming it
    print(f"vbt worker: database {database_name(settings.database_url)}", file=sys.stderr, flush=True)
    run_worker(settings)
    return 0

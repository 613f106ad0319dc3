"""``vbt token create|list|revoke``: tokens with a scope (read, write, admin), needed once the service
is reachable beyond loopback."""

from __future__ import annotations

import argparse
import sys

from vbt.cli.options import Subparsers


def add_command(commands: Subparsers) -> None:
    """Register ``vbt token create``, ``vbt token list`` and ``vbt token revoke``."""
    token = commands.add_parser(
        "token",
        help="create, list or revoke tokens (scopes read, write, admin)",
        description="Tokens for reads (scope read), writes (write: also reads) and token management "
        "(admin: all), needed once the service is reachable beyond loopback. Only a hash is stored: "
        "a new token is shown once.",
    )
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("name", help="a label, e.g. platform-1")
    create.add_argument(
        "--scope",
        choices=("read", "write", "admin"),
        default="write",
        help="read: see data and streams (a wall screen); write: also record (live mode, uploads; "
        "the default); admin: also manage tokens",
    )
    create.add_argument("--db", default=None, metavar="URL")
    create.set_defaults(handler=_token_create)
    listing = actions.add_parser("list", help="list the tokens' names and scopes")
    listing.add_argument("--db", default=None, metavar="URL")
    listing.set_defaults(handler=_token_list)
    revoke = actions.add_parser("revoke", help="delete every token with this name")
    revoke.add_argument("name")
    revoke.add_argument("--db", default=None, metavar="URL")
    revoke.set_defaults(handler=_token_revoke)


def _token_create(args: argparse.Namespace) -> int:
    from vbt.service.auth import create_token

    _name_database(args.db)
    print(create_token(args.db, name=args.name, scope=args.scope))
    return 0


def _token_list(args: argparse.Namespace) -> int:
    from vbt.service.auth import list_tokens

    _name_database(args.db)
    for name, scope in list_tokens(args.db):
        print(f"{name}\t{scope}")
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    from vbt.service.auth import revoke_tokens

    _name_database(args.db)
    count = revoke_tokens(args.db, name=args.name)
    print(f"revoked {count} token(s) named {args.name!r}")
    return 0


def _name_database(db_url: str | None) -> None:
    from vbt.cli.database import database_name
    from vbt.service.settings import settings_from_env

    print(
        f"vbt: database {database_name(settings_from_env(database_url=db_url).database_url)}", file=sys.stderr
    )

"""A second app node for the multi-node tests: its own data dir (and index), the same
database. It serves nothing and writes nothing to the database: whatever reaches its index
comes from its follower polling the change log. It runs until its standard input closes.

    python -m tests.search.node DATABASE_URL DATA_DIR
"""
from __future__ import annotations

import sys


def main(url: str, data_dir: str) -> None:
    from marketplace import create_app

    # not testing: start-up replays the log and the follower polls it (every 0.5 s)
    create_app({"DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "node"})
    print("ready", flush=True)
    sys.stdin.read()              # until the test closes it


if __name__ == "__main__":
    main(*sys.argv[1:])

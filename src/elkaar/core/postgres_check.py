"""Is the PostgreSQL server for the test suite reachable? Exit 0 if so.

Otherwise: with CI=true exit 1 (the PostgreSQL tests must run there), else say why and exit 75 (skip).
"""

import os
import sys

import psycopg

SKIP = 75


def main(url: str) -> int:
    try:
        # The test database does not exist yet: ask the server's maintenance database.
        psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres", connect_timeout=3)).close()
    except psycopg.Error as error:
        if os.environ.get("CI") == "true":
            print(f"PostgreSQL at {url} is not reachable, and CI=true requires it: {error}", file=sys.stderr)
            return 1
        print(f"SKIPPED: the PostgreSQL test run, because {url} is not reachable ({error}).", file=sys.stderr)
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/elkaar"))

"""The `cstonews` command, and `python -m cstonews`."""

from __future__ import annotations

import sys


def main() -> int:
    """Import the CLI with the cyclic garbage collector paused, freeze what the imports
    made, and run it.

    Importing Typer, Click and cstonews makes tens of thousands of objects that last as
    long as the process; collections during the imports, and the one at exit, walk them
    all and free nothing. Frozen, they are left out of every later collection (see
    docs/performance.md).
    """
    import gc

    gc.disable()
    try:
        from cstonews.cli import run
    finally:
        gc.freeze()
        gc.enable()
    return run()


if __name__ == "__main__":
    sys.exit(main())

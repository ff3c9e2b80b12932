import sys

from cstonews.cli import run

sys.exit(run())

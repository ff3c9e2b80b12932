"""cstonews: a command-line archive browser for CSTO press releases."""

__version__ = "0.1.0"

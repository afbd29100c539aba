"""motcua: the one-stop-shop system for Vietnamese administrative procedures."""

__version__ = "0.1.0"

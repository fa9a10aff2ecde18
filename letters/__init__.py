"""Close a US phone account and keep proof of it."""

__version__ = "0.1.0"

"""Close a US phone account and keep proof of it."""


def __getattr__(name: str) -> str:
    """Read `__version__` from the installed package's metadata: pyproject.toml says it once.

    Only when asked for: the metadata machinery is slow to import, and most runs never need it.
    """
    if name == "__version__":
        from importlib.metadata import version

        return version("letters")
    raise AttributeError(f"module 'letters' has no attribute {name!r}")

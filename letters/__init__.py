"""Close a US phone account and keep proof of it."""

# Said here once: the package's metadata takes it from here (pyproject.toml), and a run that
# writes it (a bundle's bag-info.txt, `--version`) reads it without importing the slow
# metadata machinery.
__version__ = "0.1.0"

"""BagIt (RFC 8493) reading: manifest paths, findings, zip and folder readers, bag checks.

`letters.verify.verify_bundle` is the entry point; the writer is `letters.bundle`.
"""

"""BagIt (RFC 8493): what the bundle writer and the verifier share, and the reading side.

Shared by both: `paths` (escaping, safety, order, how a name is shown), `manifest` (which
manifests letters writes, byte for byte), `digests` and `zipdates`. The reading side: `members`,
`zipped`, `folder`, `findings` and `checks`; `letters.verify.verify_bundle` is its entry point.
The writer, `letters.bundle`, imports from here; nothing here imports it.
"""

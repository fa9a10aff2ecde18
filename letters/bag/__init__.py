"""BagIt (RFC 8493): the bundle writer's parts, the verifier's, and what the two share.

Shared by both: `paths` (escaping, safety, order, how a name is shown), `manifest` (the tag files
letters writes, byte for byte), `hashing` (digests on every core, in bounded memory) and `zipdates`.
The writing side: `scan` (the evidence folder), `exhibits` (numbering, the timeline, the index
files) and `writer` (the zip); `letters.bundle.build_bundle` is its entry point.
The reading side: `members`, `zipped`, `folder`, `findings` and `checks`;
`letters.verify.verify_bundle` is its entry point, and it loads none of the writing side.
Nothing here imports `letters.bundle`.
"""

"""Build evidence bundles: a BagIt 1.0 bag (RFC 8493), serialized as one reproducible zip.

The zip unpacks to one folder named like the zip's stem::

    bundle-2026-11-24/
      bagit.txt                  BagIt-Version 1.0, UTF-8
      data/documents/…           the generated email and letters
      data/evidence/…            the evidence folder exactly as found, same relative paths
      data/index/index.csv       exhibits: number, path, type, size, date, SHA-256, events
      data/index/index.json      exhibits, documents and the timeline, for programs
      data/index/index.pdf       the same for people (when the caller renders one)
      data/index/timeline.csv    events in order, each with the exhibit numbers it cites
      bag-info.txt               Bagging-Date, Payload-Oxum, contact, description, …
      manifest-sha256.txt, manifest-sha512.txt
      tagmanifest-sha256.txt, tagmanifest-sha512.txt

Entries are written in that order (payload sorted by path); bag-info.txt comes after the
payload because its Payload-Oxum counts the index, whose content depends on the evidence hashes.

Same inputs, same bytes: nothing read from the clock, the time zone, the umask, the interface
language or file modification times goes into the zip. That is why an exhibit's date is the
date of the earliest event citing it, not the file's mtime.

This module is the entry point; the parts live in `letters.bag`: `scan` (the evidence folder),
`hashing` (digests on every core), `manifest` (the tag files), `exhibits` (numbering, the
timeline and the index files) and `writer` (the zip).
"""

from __future__ import annotations

import os  # noqa: F401 -- tests watch `letters.bundle.os.open`: evidence is opened read-only
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from letters.bag.exhibits import (
    BundleIndex,
    Document,
    Exhibit,
    Exhibits,
    TimelineEntry,
    TimelineEvent,
    exhibit_kind,
    index_files,
    link_timeline,
)
from letters.bag.hashing import Pipeline
from letters.bag.manifest import BAG_DECLARATION, BagInfo
from letters.bag.paths import EVIDENCE_FOLDER, sort_key
from letters.bag.scan import (
    BundleWarning,
    Evidence,
    EvidenceFile,
    refuse_collisions,
    scan_evidence,
)
from letters.bag.writer import BagWriter
from letters.errors import BundleError, InputError
from letters.i18n import _, os_reason
from letters.output import atomic_file, refuse_inside

__all__ = [
    "BagInfo",
    "BundleIndex",
    "BundleResult",
    "BundleWarning",
    "Document",
    "Evidence",
    "EvidenceFile",
    "Exhibit",
    "TimelineEntry",
    "TimelineEvent",
    "build_bundle",
    "exhibit_kind",
    "scan_evidence",
]


@dataclass(frozen=True)
class BundleResult:
    """What `build_bundle` wrote."""

    path: Path
    index: BundleIndex
    payload_bytes: int
    payload_files: int
    warnings: tuple[BundleWarning, ...]
    fingerprint: str  # SHA-256 of tagmanifest-sha256.txt: names the whole bag's content

    @property
    def exhibits(self) -> Sequence[Exhibit]:
        """Return the exhibits, numbered from 1."""
        return self.index.exhibits


def build_bundle(
    out: Path,
    evidence: Evidence | None,
    *,
    bagging_date: date,
    info: BagInfo,
    events: Sequence[TimelineEvent] = (),  # in the case's order
    documents: Mapping[str, bytes] | None = None,
    index_pdf: Callable[[BundleIndex], bytes] | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    name: str | None = None,
    shown: Path | None = None,
) -> BundleResult:
    """Write the evidence bundle zip at `out`, all or nothing.

    `evidence` comes from `scan_evidence` (None for a bundle without evidence); its
    `total_bytes` is the length of the progress bar that `progress(nbytes)` advances.
    `documents` maps names such as `request.en.pdf` to bytes, stored under data/documents/.
    `index_pdf`, when given, renders the index PDF from the exhibits (numbered, with SHA-256)
    and the timeline; it must return the same bytes for the same index. The bag folder is
    named `name`, by default `out.stem`; `bagging_date` is the only date written. Messages
    name `shown` instead of `out` when `out` is a staging file the caller moves into place.

    Raises InputError if `out` is inside the evidence folder or a document name is unusable,
    OutputExistsError if `out` holds another bundle and not `force` (one that already holds
    this very bundle is left as it is), BundleError if the evidence cannot be
    read or changes while it is read, or the zip cannot be written. On any failure nothing is
    left at `out`.
    """
    name = unicodedata.normalize("NFC", name or out.stem)
    if not name or name in (".", "..") or "\\" in name:
        raise InputError(
            _("{path}: the bundle needs a file name such as bundle.zip").format(path=out)
        )
    if evidence is not None:
        refuse_inside(out, evidence.root)
    files = evidence.files if evidence is not None else ()
    docs = _documents(documents or {})
    timeline, exhibit_events, not_found = link_timeline(events, [f.path for f in files])
    if evidence is None:
        not_found = ()  # no evidence folder was given, so nothing cited can be in it

    try:
        with (
            atomic_file(out, force, keep_same=True) as handle,  # the same bundle again: no change
            Pipeline() as pipeline,
            BagWriter(handle, name, bagging_date, pipeline) as writer,
        ):
            writer.add_bytes("bagit.txt", BAG_DECLARATION)
            documents_index = tuple(
                Document(doc_name, bag_path, len(data), writer.add_bytes(bag_path, data)["sha256"])
                for doc_name, bag_path, data in docs
            )
            # A file's bag path is made for the writer, which keeps it; the exhibits keep only
            # the digests, and are made from them and the scan's records when the index asks.
            digests = [
                writer.add_file(item, EVIDENCE_FOLDER + item.path, progress) for item in files
            ]
            writer.settle()
            pipeline.close()  # the evidence is read: the free buffers go before the index
            exhibits = Exhibits(files, digests, exhibit_events, timeline)
            index = BundleIndex(name, bagging_date, info, exhibits, documents_index, timeline)
            for bag_path, chunks in index_files(index, index_pdf):
                writer.add_made(bag_path, chunks)
            fingerprint = writer.finish(info)
            result = BundleResult(
                path=out,
                index=index,
                payload_bytes=writer.payload_bytes,
                payload_files=writer.payload_files,
                warnings=(evidence.skipped if evidence else ()) + not_found,
                fingerprint=fingerprint,
            )
    except OSError as error:
        raise BundleError(
            _("cannot write {path}: {reason}").format(path=shown or out, reason=os_reason(error))
        ) from error
    return result


def _documents(documents: Mapping[str, bytes]) -> list[tuple[str, str, bytes]]:
    docs = []
    for raw_name, data in documents.items():
        doc = unicodedata.normalize("NFC", raw_name)
        parts = doc.split("/")
        if doc.startswith("/") or "\\" in doc or any(p in ("", ".", "..") for p in parts):
            raise InputError(
                _("{name} cannot be a document name in a bundle").format(name=raw_name)
            )
        docs.append((doc, "data/documents/" + doc, data))
    refuse_collisions([doc for doc, _bag, _data in docs], None)
    docs.sort(key=lambda d: sort_key(d[0]))
    return docs

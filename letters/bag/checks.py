"""The checks of one bag, whatever holds it: bagit.txt, manifests, fetch.txt, bag-info.txt.

Every BagIt version from 0.93 to 1.0 (RFC 8493) is read: tag files in the encoding bagit.txt
declares, `%`-escapes as the version writes them, `./` and md5sum's `*` before a path (each a
warning), fetch.txt (every path judged like a manifest path; files still to fetch make the bag
not complete, and nothing is ever fetched). What RFC 8493 forbids is a problem; what it allows
but deserves a remark — an older tool's habit, a name two systems read differently, checksums
anyone can forge — is a warning; what could not be checked at all is a note.

A bag whose bag-info.txt says letters made it is held to what letters writes: both tag
manifests, no warning of any kind, and zip entries exactly as letters stores them.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from letters.bag.findings import (
    FILE_CHANGES,
    BinaryMarker,
    CaseTwins,
    CaseVariant,
    ChecksumMismatch,
    Collected,
    CorruptEntry,
    DotSlash,
    DuplicateManifestEntry,
    ExtraFile,
    FingerprintMismatch,
    IndexDisagrees,
    LettersStrict,
    MalformedTagFile,
    MissingFile,
    MissingManifest,
    MissingTagManifest,
    NoFingerprint,
    NormalizationVariants,
    NoSha256TagManifest,
    NoTagManifest,
    NotAsWrittenTagFile,
    NotComplete,
    OxumMismatch,
    RepeatedLine,
    SystemFile,
    SystemFilesLeftOut,
    TagFileBom,
    UnlistedTagFile,
    UnsupportedAlgorithm,
    WeakChecksums,
)
from letters.bag.manifest import ALGORITHMS, manifest_bytes
from letters.bag.members import Member, Source, digest_size
from letters.bag.paths import (
    EVIDENCE_FOLDER,
    INDEX_CSV,
    MAX_ENTRIES,
    SYSTEM_DIRS,
    SYSTEM_FILES,
    decode_path,
    made_by_a_system,
    path_problem,
)
from letters.bag.zipdates import zip_day
from letters.bag.zipped import TAG_BUDGET, TAG_LIMIT

SUPPORTED_ALGORITHMS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
LETTERS_AGENT = "letters"
"""The first word of Bag-Software-Agent in every bag letters.bundle writes."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEX = re.compile(r"[0-9a-fA-F]+")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_DECODE_STEP = 1 << 20  # a tag file is checked to be UTF-8 this much at a time
_MANIFEST = re.compile(r"(tag)?manifest-([^/]+)\.txt")
_STANDARD_TAG_FILES = frozenset({"bagit.txt", "bag-info.txt", "fetch.txt"})
# Codecs Python offers that rewrite text rather than decode a character set: a declared
# encoding may not turn `\x2e\x2e` into `..` behind the path checks' back.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"})


Listed = dict[str, bytes | None]
"""A manifest's paths (NFC) and their checksums; None where it is the file's own digest."""


@dataclass
class BagFacts:
    """What the checks learned about the bag, for the report."""

    version: str | None = None
    encoding: str | None = None
    payload_files: int = 0
    payload_bytes: int = 0
    algorithms: tuple[str, ...] = ()
    tag_algorithms: tuple[str, ...] = ()
    fingerprint: str | None = None
    made_by_letters: bool = False
    to_fetch: tuple[str, ...] = ()
    identifier: str | None = None  # bag-info's External-Identifier: a bundle's account number


class BagChecker:
    """Check one bag's files, read once each from `source`, and record what was found."""

    def __init__(
        self,
        source: Source,
        members: dict[str, Member],
        found: Collected,
        fingerprint: str | None,
    ) -> None:
        self.source = source
        self.members = members
        self.found = found
        self.expected_fingerprint = fingerprint
        self.changed: set[str] = set()  # paths already named by a ChecksumMismatch
        self.too_large: set[str] = set()  # tag files to parse whose bytes were not kept
        self.version = (1, 0)
        self.codec = "utf-8"
        self.to_fetch: set[str] = set()
        self.listed: dict[str, Listed] = {}  # tag manifest -> path -> checksum
        # Files an operating system dropped into a bag folder (.DS_Store, Thumbs.db) that no
        # manifest lists: left out of the checks, and named once.
        self.unlisted_system: dict[str, list[str]] = {}  # path -> payload manifests without it
        self.set_aside: set[str] = set()

    def run(self) -> BagFacts:
        """Run every check and return the bag's facts."""
        members = self.members
        manifests: dict[str, str] = {}  # file name -> algorithm
        for rel in members:
            match = _MANIFEST.fullmatch(rel)
            if match:
                if match[2] in SUPPORTED_ALGORITHMS:
                    manifests[rel] = match[2]
                else:
                    self.found.error(UnsupportedAlgorithm(rel))
        payload_algorithms = sorted({a for m, a in manifests.items() if m.startswith("manifest-")})
        tag_algorithms = sorted({a for m, a in manifests.items() if m.startswith("tagmanifest-")})
        parsed = {*_STANDARD_TAG_FILES, *manifests}
        kept = self._kept(parsed)
        index = members.get(INDEX_CSV)
        if index is not None and index.size <= TAG_LIMIT:  # checked if letters made the bag
            kept.add(INDEX_CSV)
        self.source.read_all(
            (m, payload_algorithms if _payload(m.path) else tag_algorithms, m.path in kept)
            for m in sorted(members.values(), key=lambda m: m.order)  # a list of pointers only
            if m.readable
        )

        if "bagit.txt" in members:
            self._declaration(members["bagit.txt"])
        fetch = self._fetch(members["fetch.txt"]) if "fetch.txt" in members else {}
        if not any(rel.startswith("manifest-") and _MANIFEST.fullmatch(rel) for rel in members):
            self.found.error(MissingManifest())
        tag_listed: set[str] = set()
        fetch_unlisted: set[str] = set()  # files to fetch that a payload manifest leaves out
        compared = 0  # payload manifests
        for manifest, algorithm in sorted(manifests.items()):
            listed = self._manifest(manifest, members[manifest], algorithm)
            if listed is None:
                continue  # unreadable: reported already, and comparing would only add noise
            if manifest.startswith("manifest-"):
                compared += 1
                fetch_unlisted.update(path for path in fetch if path not in listed)
                self._compare(manifest, algorithm, listed, True, fetch)
            else:
                self.listed[manifest] = listed
                tag_listed |= listed.keys()
                self._compare(manifest, algorithm, listed, False, {})
            del listed  # a payload manifest's list goes as soon as it is compared
        for rel, leaving_out in self.unlisted_system.items():
            if len(leaving_out) == compared:
                self.set_aside.add(rel)
            for manifest in leaving_out if rel not in self.set_aside else ():
                self.found.error(ExtraFile(rel, manifest))
        for rel in sorted(rel for rel in members if not _payload(rel)):
            covered = rel in tag_listed if tag_algorithms else rel in parsed
            if covered or rel.startswith("tagmanifest-"):
                continue
            if self._dropped_by_a_system(rel):
                self.set_aside.add(rel)
            else:
                self.found.warn(UnlistedTagFile(rel))
        for path, number in sorted(fetch.items()):
            if path in fetch_unlisted:
                self.found.error(MalformedTagFile("fetch.txt", number, "fetch-unlisted"))
        if self.to_fetch:
            self.found.error(NotComplete(tuple(sorted(self.to_fetch))))
        for rel, member in members.items():
            if member.readable and not member.crc_ok and rel not in self.changed:
                self.found.error(CorruptEntry(rel, "crc"))
        folded: dict[str, str] = {}
        for rel in sorted(members):
            if (twin := folded.setdefault(rel.casefold(), rel)) != rel:
                self.found.warn(CaseTwins(twin, rel))
        for rel in sorted(rel for rel in members if _payload(rel)):
            if made_by_a_system(rel) and rel not in self.set_aside:
                self.found.warn(SystemFile(rel))
        if payload_algorithms and set(payload_algorithms) <= WEAK_ALGORITHMS:
            self.found.warn(WeakChecksums(tuple(payload_algorithms)))
        octets = files = 0
        for rel, member in members.items():
            if _payload(rel) and rel not in self.set_aside:
                octets += member.size
                files += 1
        made_by_letters, day, identifier = False, None, None
        if "bag-info.txt" in members:
            made_by_letters, day, identifier = self._bag_info(
                members["bag-info.txt"], octets, files
            )
        if not tag_algorithms:
            self.found.note(NoTagManifest())
        elif "sha256" not in tag_algorithms:
            self.found.note(NoSha256TagManifest())
        if made_by_letters:
            self._as_letters_writes(day)
            self._as_indexed()
        if self.set_aside:
            self.found.note(SystemFilesLeftOut(tuple(sorted(self.set_aside))))
        tag_manifest = members.get("tagmanifest-sha256.txt")
        content = tag_manifest.content if tag_manifest and tag_manifest.readable else None
        fingerprint = hashlib.sha256(content).hexdigest() if content is not None else None
        if self.expected_fingerprint is not None:
            if fingerprint is None:
                self.found.error(NoFingerprint(self.expected_fingerprint))
            elif fingerprint != self.expected_fingerprint:
                self.found.error(FingerprintMismatch(self.expected_fingerprint, fingerprint))
        return BagFacts(
            version=f"{self.version[0]}.{self.version[1]}",
            encoding=self.codec,
            payload_files=files,
            payload_bytes=octets,
            algorithms=tuple(payload_algorithms),
            tag_algorithms=tuple(tag_algorithms),
            fingerprint=fingerprint,
            made_by_letters=made_by_letters,
            to_fetch=tuple(sorted(self.to_fetch)),
            identifier=identifier,
        )

    def _as_letters_writes(self, day: tuple[int, int, int] | None) -> None:
        for algorithm in ALGORITHMS:
            name = f"tagmanifest-{algorithm}.txt"
            member = self.members.get(name)
            if member is None:
                self.found.error(MissingTagManifest(name))
            elif name in self.listed and member.content != manifest_bytes(
                [
                    (path, {algorithm: self._expected(self.listed[name], path, algorithm).hex()})
                    for path in self.listed[name]
                ],
                algorithm,
            ):
                # Nothing else covers a tag manifest's own bytes in a folder (a zip has its
                # CRC): it must be exactly what letters writes for what it lists.
                self.found.error(NotAsWrittenTagFile(name))
        if day is not None:
            self.source.as_written_by_letters(day)
        if self.found.warnings:
            self.found.errors.extend(self.found.warnings)
            self.found.warnings.clear()
            self.found.note(LettersStrict())

    # Tag files.

    def _as_indexed(self) -> None:
        """Check a letters bag's evidence against its own index, which lists each file with
        its SHA-256: evidence changed, taken out or put in, with the manifests made again to
        match, still disagrees with the index (unless that was made again too: only the
        fingerprint settles it). The index's CSV is read a row at a time: a bag of many files
        is checked in little more memory than its list of names."""
        import csv
        import io

        # A file the manifests already say changed, went or came is told of once, by them;
        # an index they say changed vouches for nothing.
        told = {f.path for f in self.found.errors if isinstance(f, FILE_CHANGES)}
        index = self.members.get(INDEX_CSV)
        if index is None or not index.readable or index.content is None or INDEX_CSV in told:
            return
        listed: set[str] = set()
        text = io.TextIOWrapper(io.BytesIO(index.content), encoding="utf-8-sig", newline="")
        try:
            for row in csv.DictReader(text):
                number, path, sha256 = int(row["exhibit"]), row["path"], row["sha256"]
                listed.add(path)
                if path in told:
                    continue
                member = self.members.get(path)
                digest = member.digest("sha256") if member is not None and member.readable else None
                if member is None:
                    self.found.error(IndexDisagrees(path, number, "missing"))
                elif digest is not None and digest.hex() != sha256:
                    self.found.error(IndexDisagrees(path, number, "changed"))
        except (ValueError, TypeError, KeyError, csv.Error):
            self.found.error(IndexDisagrees(INDEX_CSV, 0, "unreadable"))
            return
        added = (r for r in self.members if r.startswith(EVIDENCE_FOLDER) and r not in listed)
        for rel in sorted(r for r in added if r not in told and r not in self.set_aside):
            self.found.error(IndexDisagrees(rel, 0, "added"))

    def _kept(self, parsed: set[str]) -> set[str]:
        """Return the tag files whose bytes are kept to parse: each up to TAG_LIMIT, and
        together up to TAG_BUDGET, by the sizes the zip or the folder gives. The others are
        too large: a crafted bag's many large manifests cannot fill memory together."""
        budget = TAG_BUDGET
        kept = set()
        for member in sorted(
            (self.members[rel] for rel in parsed if rel in self.members), key=lambda m: m.order
        ):
            if member.size <= min(TAG_LIMIT, budget):
                budget -= member.size
                kept.add(member.path)
            else:
                self.too_large.add(member.path)
        return kept

    def _text(self, rel: str, member: Member) -> str | None:
        if not member.readable:
            return None
        content = member.content or b""
        if rel in self.too_large or len(content) > TAG_LIMIT:
            self.found.error(MalformedTagFile(rel, 0, "too-large"))
            return None
        if self.codec != "utf-8":
            try:
                return content.decode(self.codec).removeprefix("\ufeff")
            except (UnicodeError, LookupError):
                self.found.error(MalformedTagFile(rel, 0, "declared-encoding"))
                return None
        content = content[self._bom(rel, content) :]
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            self.found.error(MalformedTagFile(rel, 0, "encoding"))
            return None

    def _bom(self, rel: str, content: bytes | bytearray) -> int:
        """Judge a byte-order mark before a UTF-8 tag file; return how many bytes it takes."""
        if not content.startswith(codecs.BOM_UTF8):
            return 0
        # RFC 8493 tag files are UTF-8 (RFC 3629), which has no byte-order mark; older drafts
        # said nothing, and some editors add one.
        if self.version >= (1, 0):
            self.found.error(MalformedTagFile(rel, 0, "bom"))
        else:
            self.found.warn(TagFileBom(rel))
        return len(codecs.BOM_UTF8)

    def _tag_lines(self, rel: str, member: Member) -> Iterator[str] | None:
        """Return a tag file's lines as `_text` would split them, or None (reported).

        A UTF-8 file is checked whole but decoded line by line: a manifest of many files is
        never held as one string, which takes twice its bytes for a single Chinese name.
        """
        content = member.content or b""
        if (
            not member.readable
            or self.codec != "utf-8"
            or rel in self.too_large
            or len(content) > TAG_LIMIT
        ):
            text = self._text(rel, member)
            return _lines(text) if text is not None else None
        view = memoryview(content)[self._bom(rel, content) :]
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for start in range(0, len(view), _DECODE_STEP):
                decoder.decode(view[start : start + _DECODE_STEP])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            self.found.error(MalformedTagFile(rel, 0, "encoding"))
            return None
        return _utf8_lines(view)

    def _numbered(self, rel: str, lines: Iterable[str]) -> Iterator[tuple[int, str]]:
        """Yield a tag file's lines that are not blank, numbered from 1, up to as many as a bag
        of the most files letters checks needs: the findings of a crafted file stay bounded."""
        count = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            count += 1
            if count > MAX_ENTRIES:
                self.found.error(MalformedTagFile(rel, number, "too-many"))
                return
            yield number, line

    def _declaration(self, member: Member) -> None:
        """Read bagit.txt: always UTF-8, never with a byte-order mark (RFC 8493 §2.1.1)."""
        if not member.readable:
            return
        if member.path in self.too_large:
            self.found.error(MalformedTagFile("bagit.txt", 0, "too-large"))
            return
        content = member.content or b""
        if content.startswith(codecs.BOM_UTF8):
            self.found.error(MalformedTagFile("bagit.txt", 0, "bom"))
            content = content[len(codecs.BOM_UTF8) :]
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            self.found.error(MalformedTagFile("bagit.txt", 0, "encoding"))
            return
        lines = list(itertools.islice((line for line in _lines(text) if line), 3))
        version = re.fullmatch(r"BagIt-Version: *(\d+)\.(\d+)[ \t]*", lines[0]) if lines else None
        encoding = (
            re.fullmatch(r"Tag-File-Character-Encoding: *(\S+)[ \t]*", lines[1])
            if len(lines) > 1
            else None
        )
        if len(lines) != 2 or encoding is None:
            self.found.error(MalformedTagFile("bagit.txt", 0, "declaration"))
        elif version is None:
            self.found.error(MalformedTagFile("bagit.txt", 1, "version"))
        if version is not None:
            self.version = (int(version[1]), int(version[2]))
        if encoding is not None:
            try:
                info = codecs.lookup(encoding[1])
            except LookupError:
                info = None
            if (
                info is None
                or not getattr(info, "_is_text_encoding", True)
                or info.name in _NOT_CHARSETS
            ):
                self.found.error(MalformedTagFile("bagit.txt", 2, "charset"))
            else:
                self.codec = info.name

    def _path(self, tag_file: str, number: int, raw: str) -> str | None:
        """Decode a path from a manifest or fetch.txt; None (reported) when it is unsafe."""
        path = decode_path(raw, self.version)
        if path.startswith("./"):
            self.found.warn(DotSlash(tag_file, number))
            path = path[2:]
        problem = path_problem(path)
        if problem:
            self.found.error(MalformedTagFile(tag_file, number, problem))
            return None
        return path

    def _manifest(self, manifest: str, member: Member, algorithm: str) -> Listed | None:
        """Parse a manifest; return each path it lists (NFC) and its checksum, as raw bytes, or
        None where the checksum is the file's own: a file's digest is not kept twice."""
        lines = self._tag_lines(manifest, member)
        payload = manifest.startswith("manifest-")
        if payload:
            member.content = None  # nothing reads a payload manifest's bytes once parsed
        if lines is None:
            return None
        width = digest_size(algorithm) * 2
        listed: Listed = {}
        spelled: dict[str, str] = {}  # how a path was written, when not in NFC
        members = self.members
        for number, line in self._numbered(manifest, lines):
            match = re.fullmatch(r"(\S+)[ \t]+(.+)", line)
            if match is None:
                self.found.error(MalformedTagFile(manifest, number, "line"))
                continue
            checksum, raw = match.groups()
            if len(checksum) != width or not _HEX.fullmatch(checksum):
                self.found.error(MalformedTagFile(manifest, number, "checksum"))
                continue
            if raw.startswith("*"):
                self.found.warn(BinaryMarker(manifest, number))
                raw = raw[1:]
            path = self._path(manifest, number, raw)
            if path is None:
                continue
            if payload != path.startswith("data/"):
                reason = "not-payload" if payload else "payload"
                self.found.error(MalformedTagFile(manifest, number, reason))
                continue
            key = _nfc(path)
            present = members.get(key)
            if present is not None:
                key = present.path  # one string for the path, however many lists name it
            digest = bytes.fromhex(checksum)
            if key not in listed:
                same = present is not None and present.readable and present.digest(algorithm)
                listed[key] = None if same == digest else digest
                if path != key:
                    spelled[key] = path
            elif self._expected(listed, key, algorithm) != digest:
                self.found.error(DuplicateManifestEntry(manifest, key))
            elif spelled.get(key, key) != path:
                self.found.warn(NormalizationVariants(manifest, key))
            elif self.version >= (1, 0):
                self.found.error(DuplicateManifestEntry(manifest, key))
            else:
                self.found.warn(RepeatedLine(manifest, key))
        return listed

    def _fetch(self, member: Member) -> dict[str, int]:
        """Read fetch.txt: the payload files to download, and the line that names each."""
        text = self._text("fetch.txt", member)
        if text is None:
            return {}
        paths: dict[str, int] = {}
        for number, line in self._numbered("fetch.txt", _lines(text)):
            match = re.fullmatch(r"(\S+)[ \t]+(\d+|-)[ \t]+(.+)", line)
            if match is None:
                self.found.error(MalformedTagFile("fetch.txt", number, "fetch-line"))
                continue
            path = self._path("fetch.txt", number, match[3])
            if path is None:
                continue
            if not path.startswith("data/"):
                self.found.error(MalformedTagFile("fetch.txt", number, "fetch-not-payload"))
                continue
            paths.setdefault(_nfc(path), number)
        return paths

    def _compare(
        self,
        manifest: str,
        algorithm: str,
        listed: Listed,
        payload: bool,
        fetch: dict[str, int],
    ) -> None:
        """Compare a manifest with the files: a payload manifest's paths are all under data/,
        a tag manifest's none, so each is compared with the files on its side only."""
        present = self.members
        missing = []
        for path, expected in listed.items():
            member = present.get(path)
            if member is None:
                missing.append(path)
            elif (
                expected is not None
                and member.readable
                and (found := member.digest(algorithm)) != expected
            ):
                self.found.error(
                    ChecksumMismatch(path, algorithm, expected.hex(), (found or b"").hex())
                )
                self.changed.add(path)
        folded: dict[str, list[str]] | None = None  # the listed files present, case-folded
        for path in missing:
            if path in fetch:
                self.to_fetch.add(path)
                continue
            if folded is None:
                folded = {}
                for other in listed:
                    if other in present:
                        folded.setdefault(other.casefold(), []).append(other)
            twin = next(
                (
                    other
                    for other in folded.get(path.casefold(), ())
                    if self._expected(listed, other, algorithm) == listed[path]
                ),
                None,
            )
            if twin is not None:
                self.found.warn(CaseVariant(manifest, path, twin))
            else:
                self.found.error(MissingFile(path, manifest))
        if payload:
            for path in sorted(p for p in present if _payload(p) and p not in listed):
                if self._dropped_by_a_system(path):
                    self.unlisted_system.setdefault(path, []).append(manifest)
                else:
                    self.found.error(ExtraFile(path, manifest))

    def _dropped_by_a_system(self, rel: str) -> bool:
        """Return whether a file is one an operating system may have put in the unpacked bag
        on its own, where it does: a browsing system's file in any folder (`.DS_Store`,
        `Thumbs.db`), a `._` companion beside the file or folder it describes, a volume's own
        folder at the bag's top. Anything else, under any name, is a file added."""
        if not self.source.gathers_system_files:
            return False
        top, slash, _rest = rel.partition("/")
        folder, _slash, name = rel.rpartition("/")
        if name.lower() in SYSTEM_FILES or (slash and top.lower() in SYSTEM_DIRS):
            return True
        described = f"{folder}/{name[2:]}" if folder else name[2:]
        return name.startswith("._") and (
            described in self.members
            or any(other.startswith(described + "/") for other in self.members)
        )

    def _expected(self, listed: Listed, path: str, algorithm: str) -> bytes:
        """Return the checksum a manifest gives `path`, which it lists."""
        checksum = listed[path]
        return checksum if checksum is not None else self.members[path].digest(algorithm) or b""

    def _bag_info(
        self, member: Member, octets: int, files: int
    ) -> tuple[bool, tuple[int, int, int] | None, str | None]:
        """Check bag-info.txt; return whether letters made the bag, its zip entry date, and
        the External-Identifier it gives."""
        text = self._text("bag-info.txt", member)
        if text is None:
            return False, None, None
        oxums = []
        agent = day = identifier = None
        for number, line in self._numbered("bag-info.txt", _lines(text)):
            if line[0] in " \t":
                continue  # the continuation of a long value
            label, colon, value = line.partition(":")
            label = label.strip().lower()
            if not colon or not label:
                self.found.error(MalformedTagFile("bag-info.txt", number, "tag"))
            elif label == "payload-oxum":
                oxums.append((number, value.strip()))
            elif label == "bag-software-agent" and agent is None:
                agent = value.split()
            elif label == "bagging-date" and day is None:
                day = value.strip()
            elif label == "external-identifier" and identifier is None:
                identifier = value.strip()
        for number, _value in oxums[1:]:
            self.found.error(MalformedTagFile("bag-info.txt", number, "oxum"))
        if oxums and not self.to_fetch:
            number, value = oxums[0]
            if not re.fullmatch(r"\d+\.\d+", value):
                self.found.error(MalformedTagFile("bag-info.txt", number, "oxum"))
            elif value != f"{octets}.{files}":
                self.found.error(OxumMismatch(value, f"{octets}.{files}"))
        made = bool(agent) and agent[0] == LETTERS_AGENT  # type: ignore[index]
        return made, _zip_day(day), identifier


def _payload(rel: str) -> bool:
    return rel.startswith("data/")


def _lines(text: str) -> Iterator[str]:
    """Yield the lines `_LINE_BREAK.split` would return, one by one rather than in a list."""
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def _utf8_lines(content: memoryview) -> Iterator[str]:
    """Yield the lines of valid UTF-8 as `_lines` would from its text, decoding each alone.

    In UTF-8 the bytes of CR and LF stand for nothing else, so splitting first is the same.
    """
    start = 0
    for match in _BYTE_LINE_BREAK.finditer(content):
        yield str(content[start : match.start()], "utf-8")
        start = match.end()
    yield str(content[start:], "utf-8")


def _nfc(path: str) -> str:
    return unicodedata.normalize("NFC", path)


def _zip_day(text: str | None) -> tuple[int, int, int] | None:
    """Return the date letters stamps on zip entries for a Bagging-Date, or None."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    day = zip_day(day)
    return (day.year, day.month, day.day)

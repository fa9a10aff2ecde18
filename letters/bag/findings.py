"""What verifying a bag can find: one class per kind of problem, each with its message template.

A finding is plain data (its fields say where and what). Its message comes from one mechanism,
in `letters.bag.finding`: the class's `template` (or, for classes with a `reason`, the template
for that reason) is translated and filled in with the fields, names shown with `printable` so a
message stays one line. Whether a finding makes a bag INVALID, is a warning, or only says what
was not checked is decided by the checker, not the class: the same duplicate line is a warning
in a BagIt 0.97 bag and an error in a BagIt 1.0 one. The bundle writer's warnings
(`letters.bundle.BundleWarning`) are findings too, with their messages made the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from letters.bag.finding import Finding
from letters.i18n import N_

__all__ = [
    "FILE_CHANGES",
    "MAX_EXTRA",
    "BagNotFound",
    "BinaryMarker",
    "CaseTwins",
    "CaseVariant",
    "ChecksumMismatch",
    "Collected",
    "CorruptEntry",
    "DotSlash",
    "DuplicateEntry",
    "DuplicateManifestEntry",
    "EncryptedEntry",
    "EntryCountMismatch",
    "ExtraBytes",
    "ExtraFile",
    "Finding",
    "FingerprintMismatch",
    "IndexDisagrees",
    "LettersStrict",
    "LikelyZipBomb",
    "MalformedTagFile",
    "MissingFile",
    "MissingManifest",
    "MissingTagManifest",
    "NoFingerprint",
    "NoSha256TagManifest",
    "NoTagManifest",
    "NormalizationVariants",
    "NotABagFolder",
    "NotAZip",
    "NotAsWritten",
    "NotAsWrittenTagFile",
    "NotComplete",
    "OutsideBag",
    "OverlappingData",
    "OxumMismatch",
    "RepeatedLine",
    "SameNameTwice",
    "SpecialFile",
    "SplitZip",
    "SymlinkEntry",
    "SystemFile",
    "SystemFilesLeftOut",
    "TagFileBom",
    "TruncatedZip",
    "UnlistedTagFile",
    "UnsafePath",
    "UnsupportedAlgorithm",
    "UnsupportedCompression",
    "WeakChecksums",
]


# --- the container: a zip or a folder ----------------------------------------------------


@dataclass(frozen=True)
class NotAZip(Finding):
    """The file is not a zip archive at all."""

    template = N_("this file is not a zip archive")


@dataclass(frozen=True)
class TruncatedZip(Finding):
    """The zip is cut short or its directory is damaged."""

    detail: str
    template = N_(
        "the zip is cut short or damaged ({detail}): if it was downloaded or copied, get it again"
    )


MAX_EXTRA = 256
"""The most extra-field and comment bytes an entry may carry before they count as hidden data."""


@dataclass(frozen=True)
class ExtraBytes(Finding):
    """Bytes that belong to no entry: hidden before, between or after the zip's entries."""

    where: str  # before | inside | after | comment
    offset: int
    count: int
    template: ClassVar[Mapping[str, str]] = {
        "before": N_("{count} unexpected bytes before the first zip entry"),
        "comment": N_("{count} bytes of zip comment, outside the bag"),
        "after": N_("{count} unexpected bytes after the end of the zip"),
        "inside": N_("{count} unexpected bytes inside the zip at offset {offset}"),
    }

    @property
    def reason(self) -> str:
        return self.where


@dataclass(frozen=True)
class OverlappingData(Finding):
    """An entry's data overlaps another entry or the zip directory (a crafted zip)."""

    path: str
    template = N_("the data of {path} overlaps other data in the zip")


@dataclass(frozen=True)
class EntryCountMismatch(Finding):
    """The zip's end record and its directory disagree on the number of entries."""

    declared: int
    found: int
    template = N_("the end of the zip declares {declared} entries but its directory holds {found}")


@dataclass(frozen=True)
class SplitZip(Finding):
    """The zip says it spans several disks: part of it is elsewhere."""

    template = N_("the zip says it is one part of a split archive; give the whole archive")


@dataclass(frozen=True)
class DuplicateEntry(Finding):
    """The same name appears more than once in the zip (or, in Unicode forms, in a folder)."""

    path: str
    count: int
    template = N_("{path} appears {count} times in the zip")


@dataclass(frozen=True)
class SameNameTwice(Finding):
    """Two files in a folder whose names are one name in two Unicode forms."""

    path: str
    count: int
    template = N_("{path} appears {count} times in the folder, in different Unicode forms")


@dataclass(frozen=True)
class UnsafePath(Finding):
    """A name that could write outside the folder it is unpacked in, or hides something."""

    path: str
    reason: str  # absolute | parent | backslash | empty | nul
    template: ClassVar[Mapping[str, str]] = {
        "absolute": N_("unsafe name in the zip: {path} is an absolute path"),
        "parent": N_("unsafe name in the zip: {path} climbs out of its folder with .."),
        "backslash": N_("unsafe name in the zip: {path} contains a backslash"),
        "nul": N_("unsafe name in the zip: {path} contains a NUL character"),
        "empty": N_("unsafe name in the zip: {path} has an empty or . component"),
    }


@dataclass(frozen=True)
class BagNotFound(Finding):
    """The zip does not hold exactly one folder with a bagit.txt."""

    candidates: tuple[str, ...]
    template: ClassVar[Mapping[str, str]] = {
        "none": N_("no bag found: the zip must hold one folder with a bagit.txt in it"),
        "several": N_("the zip holds several bags ({candidates}); a bundle holds one"),
    }

    @property
    def reason(self) -> str:
        return "several" if self.candidates else "none"


@dataclass(frozen=True)
class NotABagFolder(Finding):
    """A folder without a bagit.txt."""

    path: str
    template = N_("no bag found: {path} has no bagit.txt, so it is not a bag folder")


@dataclass(frozen=True)
class OutsideBag(Finding):
    """An entry outside the bag folder."""

    path: str
    bag: str
    template = N_("{path} is outside the bag folder {bag}")


@dataclass(frozen=True)
class SymlinkEntry(Finding):
    """An entry stored as a symbolic link (never followed)."""

    path: str
    template = N_("{path} is a symbolic link")


@dataclass(frozen=True)
class SpecialFile(Finding):
    """Something in a bag folder that is neither a file nor a folder (a pipe, a device)."""

    path: str
    template = N_("{path} is not a regular file")


@dataclass(frozen=True)
class EncryptedEntry(Finding):
    """An encrypted entry, which cannot be checked."""

    path: str
    template = N_("{path} is encrypted and cannot be checked")


@dataclass(frozen=True)
class UnsupportedCompression(Finding):
    """An entry compressed with a method this verifier does not read."""

    path: str
    method: int
    template = N_("{path} uses zip compression method {method}, which cannot be checked")


@dataclass(frozen=True)
class LikelyZipBomb(Finding):
    """An entry compressed beyond what real files allow: it is not inflated, which would take
    minutes of processor time for every megabyte of the zip."""

    path: str
    ratio: int
    template = N_("{path} is compressed more than {ratio} to 1, as zip bombs are: not checked")


@dataclass(frozen=True)
class CorruptEntry(Finding):
    """An entry whose zip-level data is damaged."""

    path: str
    reason: str  # crc | size | data | header | name | mismatch | unreadable
    template: ClassVar[Mapping[str, str]] = {
        "crc": N_("{path} is damaged: its CRC-32 does not match"),
        "size": N_("{path} is damaged: its size is not what the zip directory says"),
        "name": N_("{path} is damaged: its local header names a different file"),
        "header": N_("{path} is damaged: its local header is missing"),
        "mismatch": N_("{path} is damaged: its local header and the zip directory disagree"),
        "data": N_("{path} is damaged: its data cannot be read"),
        "unreadable": N_("{path} cannot be read"),
    }


@dataclass(frozen=True)
class NotAsWritten(Finding):
    """A bag that says letters made it, in a zip whose entries letters did not write that way."""

    path: str
    template = N_(
        "{path}: its zip details (date, permissions or creating system) are not what letters "
        "writes, so the zip was changed or packed again by another program — check the zip "
        "letters made, or the unpacked folder"
    )


@dataclass(frozen=True)
class NotAsWrittenTagFile(Finding):
    """A tag manifest of a bag that says letters made it, not written as letters writes it."""

    path: str
    template = N_("{path} is not written the way letters writes it, so it was changed")


# --- the bag -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MalformedTagFile(Finding):
    """A tag file (bagit.txt, bag-info.txt, fetch.txt, a manifest) that breaks RFC 8493."""

    path: str
    line: int  # 0 when the problem is the whole file
    reason: str
    template: ClassVar[Mapping[str, str]] = {
        "encoding": N_("{path} is not UTF-8 text"),
        "declared-encoding": N_("{path} is not text in the encoding that bagit.txt declares"),
        "bom": N_("{path} starts with a byte-order mark, which a UTF-8 tag file may not have"),
        "too-large": N_("{path} is too large to be a tag file"),
        "declaration": N_(
            "{path} must hold exactly two lines: BagIt-Version: M.N and "
            "Tag-File-Character-Encoding: ENCODING"
        ),
        "version": N_("{path}, line {line}: expected BagIt-Version: M.N"),
        "charset": N_("{path}, line {line}: this character encoding cannot be read"),
        "line": N_("{path}, line {line}: expected a checksum, spaces, then a path"),
        "checksum": N_("{path}, line {line}: the checksum is not a hex digest of this algorithm"),
        "unsafe": N_("{path}, line {line}: the path is absolute or climbs out with .."),
        "home": N_("{path}, line {line}: the path starts with ~, a shortcut to a home folder"),
        "backslash": N_("{path}, line {line}: the path contains a backslash (a Windows path)"),
        "empty": N_("{path}, line {line}: the path has an empty or . component"),
        "not-payload": N_("{path}, line {line}: a payload manifest may only list files in data/"),
        "payload": N_("{path}, line {line}: a tag manifest may not list files in data/"),
        "tag": N_("{path}, line {line}: expected Label: value"),
        "oxum": N_("{path}, line {line}: Payload-Oxum must be given once, as octets.files"),
        "fetch-line": N_("{path}, line {line}: expected a URL, a length or -, then a path"),
        "fetch-not-payload": N_("{path}, line {line}: only files in data/ can be fetched"),
        "fetch-unlisted": N_(
            "{path}, line {line}: the file to fetch is not listed in every payload manifest"
        ),
        "too-many": N_(
            "{path}, line {line}: more lines than a bag of the most files letters checks needs; "
            "the rest is not read"
        ),
    }


@dataclass(frozen=True)
class MissingManifest(Finding):
    """The bag has no payload manifest."""

    template = N_("the bag has no payload manifest (such as manifest-sha512.txt)")


@dataclass(frozen=True)
class UnsupportedAlgorithm(Finding):
    """A manifest whose algorithm this verifier does not know, so it cannot be checked."""

    manifest: str
    template = N_("{manifest} uses an algorithm that cannot be checked")


@dataclass(frozen=True)
class DuplicateManifestEntry(Finding):
    """A path listed twice in one manifest."""

    manifest: str
    path: str
    template = N_("{manifest} lists {path} more than once")


@dataclass(frozen=True)
class RepeatedLine(Finding):
    """A path listed twice in one manifest with the same checksum (allowed before BagIt 1.0)."""

    manifest: str
    path: str
    template = N_("{manifest} lists {path} twice, with the same checksum")


@dataclass(frozen=True)
class NormalizationVariants(Finding):
    """One manifest lists a name twice, in two Unicode forms, with the same checksum."""

    manifest: str
    path: str
    template = N_(
        "{manifest} lists {path} twice, in two Unicode forms of the same name; some systems "
        "see two files, others one"
    )


@dataclass(frozen=True)
class CaseVariant(Finding):
    """A listed name that is missing, but differs only in case from a listed file present."""

    manifest: str
    path: str
    present: str
    template = N_(
        "{manifest} lists {path}, which is not in the bag; {present}, which differs only in "
        "case and has the same checksum, is — they are one file only on systems that ignore case"
    )


@dataclass(frozen=True)
class CaseTwins(Finding):
    """Two files whose names differ only in letter case, both in the bag."""

    first: str
    second: str
    template = N_(
        "{first} and {second} differ only in letter case: unpacked on Windows or macOS, "
        "which ignore case, one replaces the other"
    )


@dataclass(frozen=True)
class DotSlash(Finding):
    """A manifest or fetch.txt path written with a leading ./ (read as without it)."""

    manifest: str
    line: int
    template = N_("{manifest}, line {line}: the path starts with ./, which RFC 8493 does not use")


@dataclass(frozen=True)
class BinaryMarker(Finding):
    """A manifest line with md5sum's `*` (binary mode) before the path."""

    manifest: str
    line: int
    template = N_(
        "{manifest}, line {line}: the path starts with *, as md5sum writes it; it was read "
        "without the *"
    )


@dataclass(frozen=True)
class TagFileBom(Finding):
    """A UTF-8 tag file other than bagit.txt that starts with a byte-order mark (before 1.0)."""

    path: str
    template = N_("{path} starts with a byte-order mark; it was read without it")


@dataclass(frozen=True)
class SystemFile(Finding):
    """A payload file that an operating system made on its own (.DS_Store, Thumbs.db, …)."""

    path: str
    template = N_("{path} is a file an operating system made on its own, not content")


@dataclass(frozen=True)
class SystemFilesLeftOut(Finding):
    """Files an operating system put into a bag folder on its own, which no manifest lists."""

    paths: tuple[str, ...]
    template = N_(
        "{paths}: the computer adds files like these to a folder when it is opened (such as "
        ".DS_Store on a Mac and Thumbs.db on Windows); they are not part of the bundle, so they "
        "were left out"
    )


@dataclass(frozen=True)
class WeakChecksums(Finding):
    """The payload's only checksums are MD5 or SHA-1, which can be forged."""

    algorithms: tuple[str, ...]
    template = N_(
        "the payload's only checksums are {algorithms}: they reveal accidental damage, but "
        "someone who changes a file on purpose can make a matching one"
    )


@dataclass(frozen=True)
class UnlistedTagFile(Finding):
    """A tag file that no tag manifest lists, so its content is not protected."""

    path: str
    template = N_("{path} is in the bag but no tag manifest lists it, so it was not checked")


@dataclass(frozen=True)
class MissingFile(Finding):
    """A file a manifest lists that the bag does not hold."""

    path: str
    manifest: str
    template = N_("{path} is missing: the bundle lists it, but it is not in it")


@dataclass(frozen=True)
class ExtraFile(Finding):
    """A payload file that a payload manifest does not list."""

    path: str
    manifest: str
    template = N_("{path} was added: it is in the bundle, but not in the list of its files")


@dataclass(frozen=True)
class ChecksumMismatch(Finding):
    """A file whose content does not match its checksum: it was changed or damaged."""

    path: str
    algorithm: str
    expected: str
    found: str
    template = N_("{path} has changed since the bundle was made: it no longer matches its checksum")


@dataclass(frozen=True)
class OxumMismatch(Finding):
    """Payload-Oxum (octets.files) does not describe the payload."""

    expected: str
    found: str
    template = N_("bag-info.txt gives Payload-Oxum {expected}, but the payload is {found}")


@dataclass(frozen=True)
class NotComplete(Finding):
    """A holey bag: files that fetch.txt says to download are not in it."""

    paths: tuple[str, ...]
    template = N_(
        "the bag is not complete: fetch.txt lists files to download that are not in it ({paths}); "
        "letters never downloads anything — fetch them with the tool that made the bag, then "
        "verify again"
    )


FILE_CHANGES = (ChecksumMismatch, MissingFile, ExtraFile)
"""The findings that name a payload file changed, gone or come since the manifests were made."""


@dataclass(frozen=True)
class IndexDisagrees(Finding):
    """A bag letters made whose evidence is not what its own index lists: the files and the
    manifests were changed together, after the bag was made."""

    path: str
    exhibit: int  # its number in the index; 0 for a file the index does not list
    reason: str  # changed | missing | added | unreadable
    template: ClassVar[Mapping[str, str]] = {
        "changed": N_(
            "{path} is not the file the bundle's index lists as exhibit {exhibit}: it was changed "
            "after the bundle was made, and the checksums made again to match"
        ),
        "missing": N_(
            "{path} is exhibit {exhibit} in the bundle's index, but it is not in the bundle: it "
            "was taken out after the bundle was made"
        ),
        "added": N_("{path} is not in the bundle's index: it was put in after the bundle was made"),
        "unreadable": N_(
            "{path}, the bundle's index, cannot be read: it was changed after the bundle was made"
        ),
    }


@dataclass(frozen=True)
class MissingTagManifest(Finding):
    """A bag that says letters made it, without a tag manifest letters always writes."""

    manifest: str
    template = N_(
        "bag-info.txt says letters made this bag, but {manifest} is missing: letters always "
        "writes it, so the bag was changed"
    )


@dataclass(frozen=True)
class FingerprintMismatch(Finding):
    """The tag manifest is not the one whose fingerprint the user quoted."""

    expected: str
    found: str
    template = N_(
        "the fingerprint is {found}, not {expected}: this is not the bundle whose fingerprint "
        "you were given"
    )


@dataclass(frozen=True)
class NoFingerprint(Finding):
    """A fingerprint was given, but the bag has no SHA-256 tag manifest to compare it with."""

    expected: str
    template = N_(
        "the bag has no tagmanifest-sha256.txt, so it cannot be the bundle with fingerprint "
        "{expected}"
    )


# --- what was not checked ----------------------------------------------------------------


@dataclass(frozen=True)
class NoTagManifest(Finding):
    """The bag has no tag manifest: its tag files were not checked."""

    template = N_(
        "it has no tag manifest, so its tag files (such as bag-info.txt) were not checked and "
        "it has no fingerprint"
    )


@dataclass(frozen=True)
class NoSha256TagManifest(Finding):
    """The bag has tag manifests, but none in SHA-256: it has no fingerprint."""

    template = N_("it has no SHA-256 tag manifest, so it has no fingerprint")


@dataclass(frozen=True)
class LettersStrict(Finding):
    """Warnings counted as problems because the bag says letters made it."""

    template = N_(
        "bag-info.txt says letters made this bag, and letters never writes a bag with warnings, "
        "so its warnings count as problems"
    )


class Collected:
    """The findings of one verification, sorted into problems, warnings and limits."""

    def __init__(self) -> None:
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self.notes: list[Finding] = []

    def error(self, finding: Finding) -> None:
        """Record a reason the bag is INVALID."""
        self.errors.append(finding)

    def warn(self, finding: Finding) -> None:
        """Record something worth a remark that leaves the bag valid."""
        self.warnings.append(finding)

    def note(self, finding: Finding) -> None:
        """Record something that could not be checked."""
        self.notes.append(finding)

"""The cases of the Library of Congress BagIt conformance suite, written as bags by this code.

Each case is one fact about BagIt 0.93 to 1.0 (RFC 8493): a bag of that version, sorted as the
suite sorts it into `valid`, `invalid`, `warning` and the `linux-only` / `windows-only` invalid
bags. The bags are built here, checksums computed, then the one defect the case is about is
applied; `expect` names the finding (the problem for an invalid bag, the warning for a warning
bag) that says why.
"""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from letters.bag.findings import (
    BagNotFound,
    BinaryMarker,
    CaseTwins,
    CaseVariant,
    ChecksumMismatch,
    DotSlash,
    DuplicateManifestEntry,
    ExtraFile,
    Finding,
    MalformedTagFile,
    MissingFile,
    NormalizationVariants,
    NotABagFolder,
    RepeatedLine,
    SystemFile,
)

FIVE = {
    "dir1/test3.txt": b"test3",
    "dir2/dir3/test5.txt": b"test5",
    "dir2/test4.txt": b"test4",
    "test1.txt": b"test1",
    "test2.txt": b"test2",
}
TWO = {"bare-filename": b"a file without an extension\n", "text-file.txt": b"a text file\n"}
HELLO = {"hello.txt": b"hello\n"}
SPENGLER = [
    "Source-Organization: Spengler University",
    "Contact-Name: Edna Janssen",
    "External-Description: Uncompressed greyscale TIFF images from the",
    "   Yoshimuri papers collection.",
    "Bagging-Date: 2008-01-15",
]
AGENT = ["Bag-Software-Agent: bagit.py", "Bagging-Date: 2016-02-26"]


def _oxum(files: Mapping[str, bytes]) -> str:
    return f"Payload-Oxum: {sum(len(d) for d in files.values())}.{len(files)}"


@dataclass
class Layout:
    """How to write one bag, and the defect to give it."""

    version: str = "0.97"
    files: Mapping[str, bytes] = field(default_factory=lambda: dict(TWO))
    algorithms: Sequence[str] = ("md5",)
    tag_algorithms: Sequence[str] = ("md5",)
    info: Sequence[str] | None = None  # bag-info lines; None: the bagit.py ones with the oxum
    info_name: str = "bag-info.txt"
    encoding: str = "UTF-8"  # as declared; the tag files are written in it
    newline: str = "\n"
    bagit_txt: bytes | None = None  # instead of the declaration this layout implies
    listed_as: Mapping[str, str] = field(default_factory=dict)  # path -> how the manifest says it
    extra_lines: Mapping[str, Sequence[str]] = field(default_factory=dict)  # per algorithm
    fetch: Sequence[str] | None = None  # fetch.txt lines
    absent: Sequence[str] = ()  # payload files listed but not written (to fetch)
    after: Callable[[Path], None] | None = None  # the defect, applied once the bag is written


def write_bag(root: Path, layout: Layout) -> Path:
    """Write a bag folder as `layout` says and return it."""
    root.mkdir(parents=True)
    codec = {"UTF-8": "utf-8", "UTF-16": "utf-16", "ISO-8859-1": "latin-1"}[layout.encoding]
    nl = layout.newline

    def text(lines: Sequence[str]) -> bytes:
        return "".join(line + nl for line in lines).encode(codec)

    for name, data in layout.files.items():
        if name in layout.absent:
            continue
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    declaration = (
        layout.bagit_txt
        or (
            f"BagIt-Version: {layout.version}{nl}Tag-File-Character-Encoding: {layout.encoding}{nl}"
        ).encode()
    )
    (root / "bagit.txt").write_bytes(declaration)
    info = layout.info if layout.info is not None else [*AGENT, _oxum(layout.files)]
    if info:
        (root / layout.info_name).write_bytes(text(info))
    if layout.fetch is not None:
        (root / "fetch.txt").write_bytes(text(layout.fetch))
    for algorithm in layout.algorithms:
        lines = [
            f"{hashlib.new(algorithm, data).hexdigest()}  "
            + layout.listed_as.get("data/" + name, "data/" + name)
            for name, data in sorted(layout.files.items())
        ]
        extra = layout.extra_lines.get(algorithm, ())
        (root / f"manifest-{algorithm}.txt").write_bytes(text([*lines, *extra]))
    tags = sorted(
        p.name for p in root.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-")
    )
    for algorithm in layout.tag_algorithms:
        lines = [
            f"{hashlib.new(algorithm, (root / name).read_bytes()).hexdigest()}  {name}"
            for name in tags
        ]
        (root / f"tagmanifest-{algorithm}.txt").write_bytes(text(lines))
    if layout.after is not None:
        layout.after(root)
    return root


def _files_of(layout: Layout, tmp: Path) -> dict[str, bytes]:
    """Write a bag and return its files, to carry it as the payload of another bag."""
    bag = write_bag(tmp, layout)
    files = {p.relative_to(bag).as_posix(): p.read_bytes() for p in bag.rglob("*") if p.is_file()}
    shutil.rmtree(bag)
    return files


def _edit(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def after(root: Path) -> None:
        path = root / name
        path.write_bytes(change(path.read_bytes()))

    return after


def _remove(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).unlink()


def _add(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(data)


MD5_README = "3e6ffc4a8a1f38a7094e15d2356d7252"
SETX = "c9a6121252634aa4d4628982de929bbb"
NFD = unicodedata.normalize("NFD", "Núñez")


@dataclass(frozen=True)
class Case:
    """One conformance case: where the suite files it, how to write it, why it is sorted so."""

    version: str
    category: str  # valid | invalid | warning | linux-only | windows-only
    name: str
    layout: Callable[[Path], Layout]  # given a scratch folder, for bags carried in bags
    expect: type[Finding] | None = None

    @property
    def id(self) -> str:
        return f"v{self.version}/{self.category}/{self.name}"

    @property
    def expected_valid(self) -> bool:
        return self.category in ("valid", "warning")

    def write(self, root: Path, scratch: Path) -> Path:
        return write_bag(root, self.layout(scratch))


def _old(version: str, duplicate: bool = False) -> Callable[[Path], Layout]:
    info = [*SPENGLER, *SPENGLER[:2]] if duplicate else [*SPENGLER, _oxum(FIVE)]
    return lambda _tmp: Layout(
        version, dict(FIVE), info=info, info_name="package-info.txt", newline="\r\n"
    )


def _v96(version: str, **options: object) -> Callable[[Path], Layout]:
    def layout(_tmp: Path) -> Layout:
        values: dict[str, object] = {"files": dict(FIVE), "info": SPENGLER, "newline": "\r\n"}
        values.update(options)
        return Layout(version, **values)  # type: ignore[arg-type]

    return layout


def _bag_in_a_bag(version: str) -> Callable[[Path], Layout]:
    def layout(tmp: Path) -> Layout:
        inner = _files_of(Layout(version, dict(FIVE), info=SPENGLER, newline="\r\n"), tmp / "in")
        files = {"bag/" + name: data for name, data in inner.items()}
        return Layout(version, files, info=SPENGLER, newline="\r\n")

    return layout


def _minimal(tmp: Path) -> Layout:
    inner = _files_of(Layout("0.97", dict(TWO), info=AGENT[:1]), tmp / "in")
    return Layout("0.97", inner)


ENCODED = {
    "dir1/~test3.txt": b"test3",
    "%7Edir2/dir3/test5.txt": b"test5",
    "%7Edir2/test4.txt": b"test4",
    "%7Etest1.txt": b"test1",
    "%test2.txt": b"test2",
}
ESCAPABLE = {**FIVE, "test file with spaces.txt": b"a file with spaces in its name"}
SPACED = {**{k: v for k, v in FIVE.items() if k != "test1.txt"}, "test 1.txt": b"test1"}
HOLEY_FETCH = [
    f"http://localhost:8989/bags/holey-bag/data/{name.replace(' ', '%20')} - data/{name}"
    for name in sorted(SPACED)
]


def _fetching(line: str) -> Callable[[Path], Layout]:
    return lambda _tmp: Layout(fetch=[line])


def _listing(path: str, checksum: str = MD5_README) -> Callable[[Path], Layout]:
    return lambda _tmp: Layout(extra_lines={"md5": [f"{checksum}  {path}"]})


def _twice(version: str, same: bool) -> Callable[[Path], Layout]:
    readme = b"This bag lists its one file twice in its SHA-256 manifest.\n"
    digest = hashlib.sha256(readme).hexdigest()
    second = digest if same else "deadbeef" + digest[8:]
    return lambda _tmp: Layout(
        version,
        {"README": readme},
        ("sha256", "sha512"),
        ("sha256", "sha512"),
        info=[*AGENT, _oxum({"README": readme})],
        extra_lines={"sha256": [f"{second}  data/README"]},
    )


CASES: list[Case] = []
for _version in ("0.93", "0.94", "0.95"):
    CASES += [
        Case(_version, "valid", "basic-bag", _old(_version)),
        Case(_version, "valid", "duplicate-metadata-entries", _old(_version, duplicate=True)),
    ]
for _version in ("0.96", "0.97"):
    CASES += [
        Case(_version, "valid", "bag-in-a-bag", _bag_in_a_bag(_version)),
        Case(_version, "valid", "bag-with-encoded-names", _v96(_version, files=ENCODED)),
        Case(_version, "valid", "bag-with-escapable-characters", _v96(_version, files=ESCAPABLE)),
        Case(
            _version,
            "valid",
            "bag-with-leading-dot-slash-in-manifest",
            _v96(_version, listed_as={"data/test2.txt": "./data/test2.txt"}),
        ),
        Case(_version, "valid", "bag-with-space", _v96(_version, files=SPACED)),
        Case(_version, "valid", "basic-bag", _v96(_version)),
        Case(
            _version,
            "valid",
            "duplicate-metadata-entries",
            _v96(_version, info=[*SPENGLER, *SPENGLER]),
        ),
        Case(_version, "valid", "holey-bag", _v96(_version, files=SPACED, fetch=HOLEY_FETCH)),
    ]

CASES += [
    Case(
        "0.97",
        "valid",
        "ISO-8859-1-encoded-tag-files",
        lambda _tmp: Layout(encoding="ISO-8859-1", info=[*AGENT, "Contact-Name: Adélaïde Müller"]),
    ),
    Case(
        "0.97",
        "valid",
        "UTF-16-encoded-tag-files",
        lambda _tmp: Layout(encoding="UTF-16", info=[*AGENT, "Contact-Name: Chris Adams"]),
    ),
    Case("0.97", "valid", "minimal-bag", _minimal),
    Case(
        "0.97",
        "valid",
        "uncommon-metadata-separators",
        lambda _tmp: Layout(
            files={"README": b"tags with unusual spacing around the colon\n"},
            algorithms=("sha224",),
            tag_algorithms=("sha224",),
            info=[*AGENT, "Test-Tag: 1", "Test-Tag:   2", "Test-Tag : 3", "Test-Tag    :   5"],
        ),
    ),
    Case(
        "1.0",
        "valid",
        "basicBag",
        lambda _tmp: Layout("1.0", dict(HELLO), ("sha512",), ("sha512",), info=[]),
    ),
    # invalid
    Case(
        "0.97",
        "invalid",
        "baginfo-missing-encoding",
        lambda _tmp: Layout(bagit_txt=b"BagIt-Version: 0.97\n"),
        MalformedTagFile,
    ),
    Case(
        "0.97",
        "invalid",
        "bom-in-bagit.txt",
        lambda _tmp: Layout(
            files=dict(HELLO),
            bagit_txt=b"\xef\xbb\xbfBagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
        ),
        MalformedTagFile,
    ),
    Case(
        "0.97",
        "invalid",
        "corrupt-data-file",
        lambda _tmp: Layout(after=_edit("data/bare-filename", lambda d: d + b"corrupt")),
        ChecksumMismatch,
    ),
    Case(
        "0.97",
        "invalid",
        "corrupt-tag-file",
        lambda _tmp: Layout(after=_edit("bag-info.txt", lambda d: d + b"Corrupt: yes\n")),
        ChecksumMismatch,
    ),
    Case(
        "0.97",
        "invalid",
        "extra-file-in-bag",
        lambda _tmp: Layout(after=_add("data/bar", b"not in the manifest\n")),
        ExtraFile,
    ),
    Case(
        "0.97",
        "invalid",
        "invalid-version-number",
        lambda _tmp: Layout(bagit_txt=b"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n"),
        MalformedTagFile,
    ),
    Case(
        "0.97",
        "invalid",
        "missing-baginfo",
        lambda _tmp: Layout(after=_remove("bag-info.txt")),
        MissingFile,
    ),
    Case(
        "0.97",
        "invalid",
        "missing-bagit.txt",
        lambda _tmp: Layout(after=_remove("bagit.txt")),
        NotABagFolder,
    ),
    Case(
        "0.97",
        "invalid",
        "out-of-scope-file-paths-using-dot-notation",
        lambda _tmp: Layout(
            extra_lines={
                "md5": [f"{MD5_README}  ../../../README.md", f"{MD5_README}  \\.\\./README.md"]
            }
        ),
        MalformedTagFile,
    ),
    Case(
        "0.97",
        "invalid",
        "out-of-scope-file-paths-using-dot-notation-for-fetch",
        _fetching("http://localhost:8989/bags/data/test3.txt - ../../../README.md"),
        MalformedTagFile,
    ),
    Case(
        "0.97",
        "invalid",
        "same-filename-listed-twice-with-different-hashes",
        _twice("0.97", same=False),
        DuplicateManifestEntry,
    ),
    Case(
        "1.0",
        "invalid",
        "bagit-with-invalid-whitespace",
        lambda _tmp: Layout(
            "1.0",
            bagit_txt=b"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n",
        ),
        MalformedTagFile,
    ),
    Case(
        "1.0",
        "invalid",
        "notAllManifestsListAllFiles",
        lambda _tmp: Layout(
            "1.0",
            dict(HELLO),
            ("sha512",),
            ("sha512",),
            info=[],
            after=_add("data/missingFromManifest.txt", b"not listed in the manifest\n"),
        ),
        ExtraFile,
    ),
    Case(
        "1.0",
        "invalid",
        "same-filename-listed-twice-with-different-hashes",
        _twice("1.0", same=False),
        DuplicateManifestEntry,
    ),
    Case(
        "1.0",
        "invalid",
        "same-filename-listed-twice-with-the-same-hash",
        _twice("1.0", same=True),
        DuplicateManifestEntry,
    ),
    # warning
    Case(
        "0.97",
        "warning",
        "duplicate-file-with-different-case",
        lambda _tmp: Layout(
            files=dict(HELLO),
            algorithms=("sha512",),
            tag_algorithms=("sha512",),
            extra_lines={
                "sha512": [f"{hashlib.sha512(HELLO['hello.txt']).hexdigest()}  data/HELLO.txt"]
            },
        ),
        CaseVariant,
    ),
    Case(  # unpacked where case is ignored, one replaces the other
        "1.0",
        "warning",
        "two-files-differing-only-in-case",
        lambda _tmp: Layout(files={**HELLO, "HELLO.txt": b"another file\n"}),
        CaseTwins,
    ),
    Case(
        "0.97",
        "warning",
        "made-with-md5sum-tools",
        lambda _tmp: Layout(files=dict(HELLO), listed_as={"data/hello.txt": "*data/hello.txt"}),
        BinaryMarker,
    ),
    Case(
        "0.97",
        "warning",
        "relative-path",
        lambda _tmp: Layout(
            files=dict(HELLO),
            algorithms=("sha512",),
            tag_algorithms=("sha512",),
            listed_as={"data/hello.txt": "./data/hello.txt"},
        ),
        DotSlash,
    ),
    Case(
        "0.97",
        "warning",
        "same-filename-listed-twice-with-different-normalization",
        lambda _tmp: Layout(
            "0.96",
            files={"Núñez": b""},
            algorithms=("sha512",),
            tag_algorithms=("sha512",),
            info=[],
            extra_lines={"sha512": [f"{hashlib.sha512(b'').hexdigest()}  data/{NFD}"]},
        ),
        NormalizationVariants,
    ),
    Case(
        "0.97",
        "warning",
        "same-filename-listed-twice-with-the-same-hash",
        _twice("0.97", same=True),
        RepeatedLine,
    ),
    Case(
        "0.97",
        "warning",
        "special-system-files",
        lambda _tmp: Layout(
            files={".DS_Store": b"", "Thumbs.db": b""},
            algorithms=("sha512",),
            tag_algorithms=("sha512",),
        ),
        SystemFile,
    ),
]
for _os, _paths in (
    (
        "linux-only",
        {"absolute-path": "/tmp/foo", "shortcut": "~/foo", "shortcut-username": "~root/foo"},
    ),
    (
        "windows-only",
        {
            "absolute-path": "C:\\Windows\\System32\\setx.exe",
            "shortcut": "%HomeDrive%\\Windows\\System32\\setx.exe",
            "unc": "\\\\?\\UNC\\server\\Windows\\System32\\setx.exe",
        },
    ),
):
    for _name, _path in _paths.items():
        CASES += [
            Case("0.97", _os, f"out-of-scope-file-paths-using-{_name}", _listing(_path),
                 MalformedTagFile),
            Case("0.97", _os, f"out-of-scope-file-paths-using-{_name}-for-fetch",
                 _fetching(f"https://example.org/file - {_path}"), MalformedTagFile),
        ]  # fmt: skip

NOT_FOUND: tuple[type[Finding], ...] = (NotABagFolder, BagNotFound)
"""What a bag without bagit.txt is, as a folder and as a zip."""


def zip_bag(folder: Path, out: Path) -> Path:
    """Zip a bag folder as generic tools do: one folder inside, deflated, with folder entries."""
    import zipfile

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(folder, folder.name + "/")
        for path in sorted(folder.rglob("*")):
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return out


def bagit_python_verdict(folder: Path) -> str:
    """Return what bagit-python, the reference implementation, says of a bag folder."""
    import logging

    import bagit

    logging.getLogger("bagit").setLevel(logging.CRITICAL)
    try:
        bagit.Bag(str(folder)).validate()
    except (bagit.BagError, bagit.BagValidationError, UnicodeError, OSError, ValueError):
        return "INVALID"
    return "VALID"

"""The words documents print besides a letter's own: page numbers, the enclosures heading,
the evidence index's headings, and the names of channels and of kinds of evidence.

Each is written here once, in English, and translated through the message catalogs into the
document's language — its reader's, which need not be the interface's. Words only documents
print carry the catalog context "document"; a channel's name is the same word in the log, the
browser app and the index, so it has none.
"""

from __future__ import annotations

from letters.i18n import N_, NC_, NC_plural, translate, translate_plural

PAGE = NC_("document", "Page {page} of {pages}")
ENCLOSURES = NC_plural("document", "Enclosure", "Enclosures ({count})")

CHANNEL_NAMES = {
    "phone": N_("Phone"),
    "email": N_("Email"),
    "chat": N_("Chat"),
    "online": N_("Online"),
    "mail": N_("Mail"),
    "store": N_("In store"),
    "other": N_("Other"),
}
"""How each contact with the carrier happened (the case file's `channel`)."""

EVIDENCE_KINDS = {
    "image": NC_("document", "image"),
    "pdf": NC_("document", "pdf"),
    "email": NC_("document", "email"),
    "text": NC_("document", "text"),
    "web page": NC_("document", "web page"),
    "document": NC_("document", "document"),
    "spreadsheet": NC_("document", "spreadsheet"),
    "video": NC_("document", "video"),
    "audio": NC_("document", "audio"),
    "archive": NC_("document", "archive"),
    "other": NC_("document", "other"),
}
"""What an exhibit is, as the evidence index lists it."""

INDEX = {
    "title": NC_("document", "Evidence index"),
    "case": NC_("document", "The case"),
    "holder": NC_("document", "Account holder"),
    "carrier": NC_("document", "Carrier"),
    "account": NC_("document", "Account number"),
    "phone": NC_("document", "Phone number"),
    "bundle": NC_("document", "Bundle"),
    "date": NC_("document", "Bundle date"),
    "exhibits": NC_("document", "Exhibits"),
    "number": NC_("document", "No."),
    "file": NC_("document", "File"),
    "type": NC_("document", "Type"),
    "size": NC_("document", "Size"),
    "day": NC_("document", "Date"),
    "timeline": NC_("document", "Timeline"),
    "when": NC_("document", "When"),
    "channel": NC_("document", "How"),
    "party": NC_("document", "With"),
    "reference": NC_("document", "Reference"),
    "summary": NC_("document", "What happened"),
    "mailed": NC_("document", "Certified Mail No."),
    "documents": NC_("document", "Documents written for this case"),
    "none": NC_("document", "No exhibits."),
    "note": NC_(
        "document",
        "Every file is listed with its SHA-256 checksum. To check that nothing has changed: "
        "letters verify BUNDLE.zip, or any BagIt tool (RFC 8493).",
    ),
}
"""The headings and notes of the evidence index, by the place they take."""
CITED = NC_("document: timeline column", "Exhibits")
"""The heading of the timeline's column of exhibits: "Exhibits" in English, as the section's
title is, but a shorter word in Chinese (证据, not 证据清单)."""


def word(message: str, language: str) -> str:
    """Return one of a document's words (marked with the context "document") in `language`."""
    return translate(message, language, "document")


def page_label(page: int, pages: int, language: str) -> str:
    """Return the page number line: `Page 2 of 3` / `第 2 页，共 3 页`."""
    return word(PAGE, language).format(page=page, pages=pages)


def enclosures_heading(count: int, language: str) -> str:
    """Return the line above the list of enclosures: `Enclosures (2)` / `附件（共2份）：`."""
    return translate_plural(*ENCLOSURES, count, language, "document").format(count=count)


def channel_name(channel: str, language: str) -> str:
    """Return the name of a channel (`phone`) in `language`: `Phone` / `电话`."""
    return translate(CHANNEL_NAMES[channel], language) if channel in CHANNEL_NAMES else channel


def evidence_kind(kind: str, language: str) -> str:
    """Return the name of a kind of exhibit (`image`) in `language`: `image` / `图片`."""
    return word(EVIDENCE_KINDS[kind], language) if kind in EVIDENCE_KINDS else kind


def index_words(language: str) -> dict[str, str]:
    """Return the evidence index's headings and notes in `language`, by place."""
    words = {key: word(message, language) for key, message in INDEX.items()}
    return words | {"cited": translate(CITED, language, "document: timeline column")}

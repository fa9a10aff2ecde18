"""`letters log CASE import`: mail from the carrier becomes timeline events and evidence."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

MAIL_FOLDER = "mail"
"""Imported and sent mail is kept in this folder of the evidence folder."""
_NAME_CHARS = 40


def evidence_name(moment: datetime, subject: str, data: bytes, suffix: str, tag: str = "") -> str:
    """Return a safe, dated file name for a message in the evidence folder.

    Date and time first (so the folder sorts as the timeline does), a few words of the
    subject with anything a file system or a shell could trip on removed, and a digest of
    the bytes, so two messages never share a name and the same message always gets it.
    """
    words = unicodedata.normalize("NFKC", subject)
    words = re.sub(r"[^\w]+", "-", words, flags=re.UNICODE).strip("-_")[:_NAME_CHARS].strip("-_")
    digest = hashlib.sha256(data).hexdigest()[:10]
    parts = [moment.strftime("%Y-%m-%d-%H%M"), tag, words, digest]
    return f"{MAIL_FOLDER}/" + "-".join(part for part in parts if part) + suffix

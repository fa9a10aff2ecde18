"""The agencies a complaint can go to, from the directory that ships with letters.

Each entry carries the public source of its details and the date they were checked; a state
without an entry has none, and the letter then needs the address from the user. Nothing here
is ever guessed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from letters.case import Address

DIRECTORY = Path(__file__).with_name("agencies.toml")


@dataclass(frozen=True)
class Agency:
    """An agency as a letter addresses it, with where that came from."""

    name: str
    source: str
    checked: date
    address: Address | None = None
    online: str | None = None
    phone: str | None = None


@cache
def directory() -> dict[str, Agency]:
    """Return the shipped directory: `fcc`, `cfpb`, and by state code `attorney_general.XX`
    and `utility_commission.XX`."""
    data = tomllib.loads(DIRECTORY.read_text(encoding="utf-8"))
    entries = {key: value for key, value in data.items() if key not in BY_STATE}
    for kind in BY_STATE:
        entries |= {f"{kind}.{state}": value for state, value in data.get(kind, {}).items()}
    return {key: _agency(value) for key, value in entries.items()}


BY_STATE = ("attorney_general", "utility_commission")
"""The directory's tables of one entry per state."""


def attorney_general(state: str) -> Agency | None:
    """Return the consumer-protection office of a state's attorney general, if the directory
    has a checked entry for it."""
    return directory().get(f"attorney_general.{state.upper()}")


def utility_commission(state: str) -> Agency | None:
    """Return the state commission that regulates phone service and takes complaints about
    it, if the directory has a checked entry for the state."""
    return directory().get(f"utility_commission.{state.upper()}")


def _agency(entry: dict[str, object]) -> Agency:
    raw = entry.get("address")
    address = None
    if isinstance(raw, dict):
        address = Address(
            lines=tuple(raw["lines"]),
            city=raw["city"],
            region=raw.get("region", ""),
            postal_code=raw.get("postal_code", ""),
            country=raw.get("country", "US"),
        )
    return Agency(
        name=str(entry["name"]),
        source=str(entry["source"]),
        checked=entry["checked"],  # type: ignore[arg-type]
        address=address,
        online=entry.get("online"),  # type: ignore[arg-type]
        phone=entry.get("phone"),  # type: ignore[arg-type]
    )

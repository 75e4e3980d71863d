"""What the public information page publishes (§9; appendix 3.3).

The standard asks that full information on the service be available (§9, §18.1). These
are the items; each is published when the office profile holds what it needs. The page
renders exactly the published items, and 3.3 = published / required.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kezek.i18n import N_
from kezek.settings import Profile


@dataclass(frozen=True)
class InfoItem:
    key: str  # the section's id on the page
    title: str  # msgid
    clause: str
    available: Callable[[Profile], bool]


def _always(_: Profile) -> bool:
    return True


INFO_ITEMS: tuple[InfoItem, ...] = (
    InfoItem(
        "service",
        N_("What the service is"),
        "§1, §5",
        lambda p: any(s.registration for s in p.services),
    ),
    InfoItem("who", N_("Who may apply"), "§6", _always),
    InfoItem("documents", N_("Documents for each category of applicant"), "§12", _always),
    InfoItem("term", N_("Time limit"), "§3, §7", _always),
    InfoItem("free", N_("Cost"), "§8", _always),
    InfoItem("hours", N_("Working hours"), "§10", lambda p: bool(p.schedule)),
    InfoItem("address", N_("Address"), "§4", lambda p: bool(p.address.kk and p.address.ru)),
    InfoItem("cabinets", N_("Where documents are handed in"), "§12, §14", lambda p: bool(p.points)),
    InfoItem("phones", N_("Phones"), "§12", lambda p: bool(p.phones)),
    InfoItem("forms", N_("Blank forms"), "§13", _always),
    InfoItem("result", N_("Result and how it is delivered"), "§5, §15, §16", _always),
    InfoItem("refusal", N_("Grounds for refusal"), "§17", _always),
    InfoItem("complaints", N_("How to complain"), "§21–23", _always),
    InfoItem(
        "contacts",
        N_("Contacts of the head and of the higher body"),
        "§24",
        lambda p: p.contacts.higher is not None and bool(p.contacts.email or p.contacts.site),
    ),
    InfoItem("other", N_("Other services"), "§25", _always),
)


def published(profile: Profile) -> list[InfoItem]:
    return [item for item in INFO_ITEMS if item.available(profile)]


def coverage(profile: Profile) -> tuple[int, int]:
    """(items published, items required): appendix 3.3."""
    return len(published(profile)), len(INFO_ITEMS)

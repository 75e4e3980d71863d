"""§6 categories and the §12 documents each of them hands in."""

from __future__ import annotations

import enum

from kezek.i18n import N_
from kezek.intake.models import Category


class Document(enum.StrEnum):
    identity = "identity"  # §12(1) identity card or passport
    work_history = "work_history"  # §12(2) a document confirming work history
    income = "income"  # §12(3) information on income, declared by the applicant
    residence_permit = "residence_permit"  # §12(4) residence permit / stateless person's ID
    kandas_certificate = "kandas_certificate"  # §12(5) oralman (kandas) certificate


DOCUMENT_NAMES: dict[str, str] = {
    Document.identity: N_("Identity card or passport"),
    Document.work_history: N_("Document confirming work history"),
    Document.income: N_("Information on income (declared by the applicant)"),
    Document.residence_permit: N_("Residence permit or stateless person's identity document"),
    Document.kandas_certificate: N_("Oralman (kandas) certificate"),
}

CATEGORY_NAMES: dict[str, str] = {
    Category.citizen: N_("Citizen of the Republic of Kazakhstan"),
    Category.foreigner: N_("Foreigner or stateless person with a residence permit"),
    Category.kandas: N_("Oralman (kandas) with an oralman certificate"),
}

_COMMON = (Document.identity, Document.work_history, Document.income)
REQUIRED: dict[str, tuple[Document, ...]] = {
    Category.citizen: _COMMON,
    Category.foreigner: (*_COMMON, Document.residence_permit),  # §12(4)
    Category.kandas: (*_COMMON, Document.kandas_certificate),  # §12(5)
}


def required(category: str) -> tuple[Document, ...]:
    return REQUIRED[Category(category)]


def missing(category: str, presented: set[str]) -> list[Document]:
    return [doc for doc in required(category) if doc not in presented]

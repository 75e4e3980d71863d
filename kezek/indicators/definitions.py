"""A short definition of each indicator of the appendix table: the formula, what is counted,
what is left out, and the clause. Shown on its own page, in kk/ru/en through the catalogs.
These are the rules of issue 13 (the standard's wording), which the lists behind each figure
(``drilldown``) explain visit by visit."""

from __future__ import annotations

from dataclasses import dataclass

from kezek.i18n import N_


@dataclass(frozen=True)
class Definition:
    formula: str  # msgid
    counted: str  # msgid
    left_out: str  # msgid
    clause: str  # not translated: "§7; appendix, 1.1"


SURVEY = Definition(
    N_("answers “yes” ÷ answers “yes” or “no” to this question of the survey × 100"),
    N_("every answer of the period's survey: one survey per visit, anonymous"),
    N_("skipped questions, and “I did not complain” for the questions on complaints"),
    "",
)

DEFINITIONS: dict[str, Definition] = {
    "1.1": Definition(
        N_(
            "applications decided no later than 10 calendar days after acceptance ÷ "
            "applications accepted in the period that are decided or past their deadline × 100"
        ),
        N_(
            "every application accepted in the period: decided by the deadline counts above "
            "the line; decided later, or still undecided after the deadline, below it"
        ),
        N_("applications not accepted, and accepted ones still in term without a decision"),
        "§7; appendix, 1.1",
    ),
    "1.2": Definition(
        N_(
            "visits whose every waiting period ended in a call and whose waiting time is at "
            "most the service's target ÷ visits counted × 100"
        ),
        N_(
            "each visit once (a ticket with its transfers, in the service it was first issued "
            "for); its waiting time is the sum of its waits from the issue or a transfer to the "
            "next call, in wall-clock time, lunch included; exactly 40:00 is within. Called "
            "late, closed unserved at the end of the day, or cancelled after the target had "
            "passed: not within. A no-show after a call in time stays within; recalls change "
            "nothing; a booked visit (§10) waits from its slot's start or its check-in, "
            "whichever is later"
        ),
        N_("visits cancelled or abandoned before their target passed, and visits still waiting"),
        "§10, §14; appendix, 1.2",
    ),
    "2.1": SURVEY,
    "2.2": Definition(
        N_(
            "applications accepted in the period and not marked as corrected after a "
            "supervisor's review ÷ applications accepted in the period × 100"
        ),
        N_("every application accepted in the period"),
        N_("applications not accepted"),
        "appendix, 2.2",
    ),
    "3.1": SURVEY,
    "3.2": Definition(
        N_(
            "applications complete at their first visit ÷ applications opened in the period "
            "whose first visit has ended × 100"
        ),
        N_(
            "the first visit of an application decides it: accepted then counts above the "
            "line; a missing-documents slip, or a visit that ended with neither, below it"
        ),
        N_("applications whose first visit has not ended yet"),
        "§12, §17.1; appendix, 3.2",
    ),
    "3.3": Definition(
        N_("items the public information page publishes ÷ items the standard asks for × 100"),
        N_("each item of §9 and §24, published when the office profile holds what it needs"),
        N_("nothing"),
        "§9, §24; appendix, 3.3",
    ),
    "4.1": Definition(
        N_(
            "justified complaints received in the period ÷ applicants served in the period × "
            "100; at most the norm"
        ),
        N_("complaints the review found justified; every visit that ended served"),
        N_("complaints not found justified, and visits that were not served"),
        "§21–23; appendix, 4.1",
    ),
    "4.2": Definition(
        N_(
            "justified complaints answered by their due date and satisfied ÷ justified "
            "complaints whose outcome is known × 100"
        ),
        N_(
            "justified complaints received in the period: answered by the due date (the due "
            "day itself is in term) counts above the line; answered late, or not answered "
            "when the due date has passed, below it"
        ),
        N_("complaints not found justified, and justified ones still within their term"),
        "§22; appendix, 4.2",
    ),
    "4.3": SURVEY,
    "4.4": SURVEY,
    "5.1": SURVEY,
}


def clause(code: str) -> str:
    return DEFINITIONS[code].clause or f"§20; appendix, {code}"

"""Intake: the personal record card (§3, §5), applications, documents, decisions, audit.

No HTTP here: plain functions that take the session first; the caller's transaction commits.

What the indicators (appendix) count from these tables:

* **1.1** — ``Application.accepted_at`` / ``Application.deadline`` / ``Application.decided_at``:
  an accepted application is served in term when it was decided (registered or refused) on or
  before its deadline, the acceptance day + 10 calendar days in the office zone (§3, §7).
  ``Application.decided_in_term`` holds that comparison once decided.
* **2.2** — ``Application.corrected_at`` (+ ``corrected_by``, ``correction_reason``): a
  supervisor marked the case as processed incorrectly by the clerk and corrected after review.
  Correct cases = accepted applications with ``corrected_at IS NULL``.
* **3.2** — ``Application.complete_on_first_visit``: set once, by the first visit of the
  application (the one it was opened at: that day, that ticket still in hand): True when the
  set of documents was complete and accepted then; False when a missing-documents slip had to
  be given, or when it ended with neither and the set was accepted at a later visit. NULL
  until one of the two happens.
"""

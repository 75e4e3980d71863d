"""Indicators of the service standard (appendix), feedback, complaints and targets.

No HTTP here: plain functions that take the session first. The web pages are in
``kezek.staff.supervisor`` (staff) and ``kezek.public`` (public).
"""

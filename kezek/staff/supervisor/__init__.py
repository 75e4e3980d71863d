"""Supervisor pages: the dashboard, indicators, complaints, targets, cases and audit trail."""

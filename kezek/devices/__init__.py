"""Enrolled devices: kiosks, hall displays, cabinet feedback tablets (issue 14 §2)."""

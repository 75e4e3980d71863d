"""Bookings (§10 "pre-registration"): slots from the office's schedule, the limits, check-in
at the kiosk into the live queue, no-shows. No HTTP and no settings here: the callers pass
the rules (``rules.Rules``, made from the profile) and the key of the IIN's hash."""

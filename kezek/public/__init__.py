"""Public pages that are not the kiosk or the display: the §24 info page and the feedback survey."""

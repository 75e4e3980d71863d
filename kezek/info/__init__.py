"""Public pages of the indicators feature: the service information page (§9) and feedback."""

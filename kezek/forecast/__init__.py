"""Planning ahead (issue 19): the arrivals a coming day will bring, the cabinets each hour
needs for indicator 1.2, and how well both did on the office's own past.

``arrivals`` and ``staffing`` are pure (numbers in, numbers out); ``history`` reads the
office's tickets; ``plan`` puts them together for the CLI, the API and the Plan page.
"""

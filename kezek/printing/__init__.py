"""Talon printers: layouts as pure functions, printers from URLs, and the print-job worker.

``printing`` knows images and bytes, not tickets or databases: callers pass plain values
(``talons.QueueTalon`` …), get a 1-bit image (``talons.render_*``), and print it through a
``jobs.PrintQueue`` (kiosk, off the request path) or ``send.print_image`` (a desk, where
the clerk waits for the paper). Printer faults come back as a ``PrintOutcome``, never raise.
"""

# First: points python-escpos at one cache before anything below imports it.
from kezek.printing import escpos_cache  # noqa: F401  # isort: split
from kezek.printing.desk_talons import (
    AcceptanceTalon,
    ComplaintTalon,
    MissingDocumentsSlip,
    render,
    render_acceptance_talon,
    render_complaint_talon,
    render_missing_documents,
)
from kezek.printing.jobs import PrintQueue
from kezek.printing.send import (
    PrinterStatus,
    PrintOutcome,
    print_image,
    print_text_talon,
    printer_status,
)
from kezek.printing.talons import LocalizedText, QueueTalon, render_queue_talon
from kezek.printing.urls import parse_printer_url

__all__ = [
    "AcceptanceTalon",
    "ComplaintTalon",
    "LocalizedText",
    "MissingDocumentsSlip",
    "PrintOutcome",
    "PrintQueue",
    "PrinterStatus",
    "QueueTalon",
    "parse_printer_url",
    "print_image",
    "print_text_talon",
    "printer_status",
    "render",
    "render_acceptance_talon",
    "render_complaint_talon",
    "render_missing_documents",
    "render_queue_talon",
]

"""``make screens``: refresh the README's screenshots in docs/screens/.

Runs the browser tests that walk each role's day (they keep a screenshot of every step in
test-artifacts/), then copies the chosen steps into docs/screens/, scaled down to at most
960 px wide so the repository stays small. The talon is drawn by the printing code itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENS = ROOT / "docs" / "screens"
TESTS = [
    "tests/test_journeys_browser.py",
    "tests/test_display_browser.py::test_two_calls_are_announced_in_order_without_cutting_off",
    "tests/test_staff_browser.py",
    "tests/test_booking_browser.py",
]
VISITOR = "test_the_visitor_from_the_kiosk_to_the_survey"
CLERK = "test_the_clerk_works_a_whole_visit_without_the_mouse"
SUPERVISOR = "test_the_supervisor_from_the_console_to_the_exports"
CHOSEN = {  # docs/screens/<name>.png  <-  test-artifacts/<file> (a journey's steps: <test>/NN-…)
    "kiosk": f"{VISITOR}/03-kiosk.png",
    "kiosk-ticket": f"{VISITOR}/04-talon.png",
    "phone": f"{VISITOR}/05-phone-page-served.png",
    "console": f"{CLERK}/06-serving.png",
    "card": "test_clerk_accepts_an_application_in_chromium/08-card-accepted.png",
    "display": "display-1080p-two-calls.png",
    "dashboard": f"{SUPERVISOR}/04-dashboard.png",
    "report": f"{SUPERVISOR}/05-indicators.png",
    "booking": "test_book_on_the_phone_then_cancel_by_the_manage_link/06-booking-result.png",
}
WIDTH = 960


def _scaled(image: Image.Image) -> Image.Image:
    if image.width <= WIDTH:
        return image
    return image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)


def _talon() -> Image.Image:
    from kezek.printing.talons import LocalizedText, QueueTalon, render_queue_talon

    talon = QueueTalon(
        code="А-017",
        lang="kk",
        office=LocalizedText(
            "Қызылжар ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
            "Отдел занятости и социальных программ Кызылжарского района",
            "Kyzylzhar district department of employment and social programmes",
        ),
        service=LocalizedText(
            "Жұмыссыз ретінде тіркеу", "Регистрация в качестве безработного", "Registration"
        ),
        issued_at="24.11.2026 09:12",
        position=4,
        wait_minutes=15,
        cabinets=("№1", "№4"),
        hours=("Сс–Жм 09:00–18:00", "Түскі үзіліс 13:00–14:00"),
        status_url="https://kezek.example.kz/t/example",
    )
    return render_queue_talon(talon).convert("L")


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *TESTS], cwd=ROOT
    )
    if run.returncode != 0:
        print("screens: the browser tests failed; docs/screens is unchanged", file=sys.stderr)
        return run.returncode
    SCREENS.mkdir(parents=True, exist_ok=True)
    for name, source in CHOSEN.items():
        with Image.open(ARTIFACTS / source) as image:
            small = _scaled(image.convert("RGB")).quantize(colors=96)  # a third of the bytes
            small.save(SCREENS / f"{name}.png", optimize=True)
        print(f"screens: docs/screens/{name}.png")
    _talon().save(SCREENS / "talon.png", optimize=True)
    print("screens: docs/screens/talon.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check the translation catalogs against the strings marked in the code.

    python scripts/messages.py            # list msgids missing from kk, ru or en
    python scripts/messages.py --stub     # append them, untranslated, to locales/<lang>/new.po

Catalogs are one .po file per feature (kezek/locales/<lang>/<feature>.po); fill new.po's
entries in, then move them to the feature's file.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kezek.i18n import LANGUAGES, LOCALES_DIR, extract_messages, load_catalog


def main() -> int:
    used = extract_messages()
    missing_any = False
    for lang in LANGUAGES:
        catalog = load_catalog(lang)
        missing = [m for m in used if not (catalog.get(m) and catalog.get(m).string)]
        if not missing:
            continue
        missing_any = True
        print(f"{lang}: {len(missing)} missing")
        for msgid in missing:
            print(f"  {msgid!r}  ({', '.join(used[msgid][:2])})")
        if "--stub" in sys.argv:
            path = LOCALES_DIR / lang / "new.po"
            stub = read_po(path.open("rb"), locale=lang) if path.exists() else Catalog(locale=lang)
            for msgid in missing:
                stub.add(
                    msgid,
                    msgid if lang == "en" else "",
                    locations=[
                        (where.split(":")[0], int(where.split(":")[1])) for where in used[msgid][:1]
                    ],
                )
            with path.open("wb") as fh:
                write_po(fh, stub, width=100, omit_header=False)
    return 1 if missing_any else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())

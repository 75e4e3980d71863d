"""A 1-bit image as ESC/POS ``GS v 0`` raster blocks, byte for byte what python-escpos sends.

python-escpos's ``image()`` takes any image through RGBA, RGB, L, an inversion and a
dithered 1-bit conversion: about 20 ms for a 576x1200 talon (measured, see
``bench/talon_render.py``). A talon is already 1-bit, so its raster bytes are its pixels with
ink as 1: Pillow's inverted raw mode gives them in well under a millisecond.
"""

from __future__ import annotations

from PIL import Image

__all__ = ["FRAGMENT_HEIGHT", "GS_V0", "raster_blocks", "raster_bytes"]

GS_V0 = b"\x1dv0"
# python-escpos splits images taller than this; printers with small buffers need it.
FRAGMENT_HEIGHT = 960


def raster_blocks(image: Image.Image, fragment_height: int = FRAGMENT_HEIGHT) -> list[bytes]:
    """``GS v 0`` commands (normal density) for a mode "1" image, one per fragment."""
    if image.mode != "1":
        raise ValueError(f"a talon image must be mode '1', not {image.mode!r}")
    width, height = image.size
    width_bytes = (width + 7) // 8
    blocks = []
    for top in range(0, height, fragment_height):
        part = image.crop((0, top, width, min(height, top + fragment_height)))
        header = (
            GS_V0
            + b"\x00"  # m = 0: normal density both ways (203 x 203 dpi)
            + width_bytes.to_bytes(2, "little")
            + part.height.to_bytes(2, "little")
        )
        # "1;I": inverted, so that black (0 in Pillow) is a set bit (a dot of ink).
        blocks.append(header + part.tobytes("raw", "1;I"))
    return blocks


def raster_bytes(image: Image.Image, fragment_height: int = FRAGMENT_HEIGHT) -> bytes:
    return b"".join(raster_blocks(image, fragment_height))

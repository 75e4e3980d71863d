"""Read the raster images back out of an ESC/POS byte stream.

Tests compare what the printer would print with what was rendered, pixel for pixel; the
spool printer uses it to write a PNG preview of each job from the bytes it actually got.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from kezek.printing.raster import GS_V0

__all__ = ["RasterBlock", "decode_image", "find_raster_blocks"]


@dataclass(frozen=True, slots=True)
class RasterBlock:
    """One ``GS v 0`` command found in a stream."""

    offset: int  # where the command starts in the stream
    mode: int  # m: 0 normal, 1 double width, 2 double height, 3 both
    width_bytes: int
    height: int
    data: bytes

    @property
    def end(self) -> int:
        return self.offset + 8 + len(self.data)

    def image(self) -> Image.Image:
        # A set bit is a dot of ink, which is black (0) in a Pillow mode "1" image.
        return Image.frombytes("1", (self.width_bytes * 8, self.height), self.data, "raw", "1;I")


def find_raster_blocks(stream: bytes) -> list[RasterBlock]:
    """Every ``GS v 0`` block, in order; a truncated last block is an error.

    The search resumes after each block's data, so raster bytes that happen to spell
    ``GS v 0`` are never taken for a command.
    """
    blocks: list[RasterBlock] = []
    position = 0
    while (start := stream.find(GS_V0, position)) >= 0:
        header = stream[start : start + 8]
        if len(header) < 8:
            raise ValueError(f"truncated GS v 0 header at byte {start}")
        mode = header[3]
        width_bytes = int.from_bytes(header[4:6], "little")
        height = int.from_bytes(header[6:8], "little")
        size = width_bytes * height
        data = stream[start + 8 : start + 8 + size]
        if len(data) < size:
            raise ValueError(f"truncated GS v 0 block at byte {start}: {len(data)} of {size} bytes")
        block = RasterBlock(start, mode, width_bytes, height, data)
        blocks.append(block)
        position = block.end
    return blocks


def decode_image(stream: bytes) -> Image.Image | None:
    """The stream's raster blocks stacked top to bottom (mode "1"), or None if it has none."""
    blocks = find_raster_blocks(stream)
    if not blocks:
        return None
    width = max(block.width_bytes for block in blocks) * 8
    image = Image.new("1", (width, sum(block.height for block in blocks)), 1)
    top = 0
    for block in blocks:
        image.paste(block.image(), (0, top))
        top += block.height
    return image

"""Draw the logos and social images that kbgen ships and the sample uses, as small PNGs.

Run once (``python scripts/draw_images.py``) and commit the output; no image library:
shapes are signed distance functions, antialiased over one pixel, written with zlib.

- ``theme/assets/kbgen/logo.png`` and ``social.png``: kbgen's defaults (a speech bubble),
  used by every site that sets no logo or social image of its own.
- ``content/assets/larkspur-logo.png`` and ``larkspur-social.png``: the sample's own
  (a larkspur flower spike).
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def circle(cx, cy, r):
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def rounded_rect(x0, y0, x1, y1, r):
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - r, (y1 - y0) / 2 - r

    def sdf(x, y):
        dx, dy = abs(x - cx) - hw, abs(y - cy) - hh
        return math.hypot(max(dx, 0), max(dy, 0)) + min(max(dx, dy), 0) - r

    return sdf


def triangle(a, b, c):
    """Convex triangle, corners in either order."""
    edges = [(a, b), (b, c), (c, a)]
    sign = 1 if (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) > 0 else -1

    def sdf(x, y):
        inside, best = True, float("inf")
        for (px, py), (qx, qy) in edges:
            ex, ey = qx - px, qy - py
            t = max(0.0, min(1.0, ((x - px) * ex + (y - py) * ey) / (ex * ex + ey * ey)))
            best = min(best, math.hypot(x - px - t * ex, y - py - t * ey))
            if sign * (ex * (y - py) - ey * (x - px)) < 0:
                inside = False
        return -best if inside else best

    return sdf


def render(width, height, background, layers):
    """``layers``: (sdf, (r, g, b)) painted in order; ``background`` None is transparent."""
    rows = []
    for j in range(height):
        row = bytearray()
        for i in range(width):
            x, y = i + 0.5, j + 0.5
            r, g, b = background or (255, 255, 255)
            alpha = 1.0 if background else 0.0
            for sdf, color in layers:
                cover = min(1.0, max(0.0, 0.5 - sdf(x, y)))
                if cover:  # "over" compositing, straight (not premultiplied) alpha
                    out = cover + alpha * (1 - cover)
                    r, g, b = (
                        (c1 * cover + c0 * alpha * (1 - cover)) / out for c0, c1 in zip((r, g, b), color, strict=True)
                    )
                    alpha = out
            pixel = [round(r), round(g), round(b)]
            row += bytes(pixel if background else [*pixel, round(alpha * 255)])
        rows.append(bytes(row))
    return png(width, height, rows, alpha=background is None)


def png(width, height, rows, alpha):
    """PNG bytes; each row gets whichever of the None, Sub and Up filters packs best."""
    bpp = 4 if alpha else 3
    raw, previous = bytearray(), bytes(len(rows[0]))
    for row in rows:
        sub = bytes((row[k] - (row[k - bpp] if k >= bpp else 0)) & 255 for k in range(len(row)))
        up = bytes((row[k] - previous[k]) & 255 for k in range(len(row)))
        candidates = [(0, row), (1, sub), (2, up)]
        kind, data = min(candidates, key=lambda c: sum(v if v < 128 else 256 - v for v in c[1]))
        raw += bytes([kind]) + data
        previous = row

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def bubble(x, y, size, color, dots):
    """A speech bubble with three dots, ``size`` wide, top left at (x, y)."""
    s = size / 100
    return [
        (rounded_rect(x, y, x + 100 * s, y + 72 * s, 18 * s), color),
        (triangle((x + 22 * s, y + 60 * s), (x + 46 * s, y + 60 * s), (x + 18 * s, y + 92 * s)), color),
        *[(circle(x + cx * s, y + 36 * s, 8 * s), dots) for cx in (28, 50, 72)],
    ]


def larkspur(x, y, height, stem, petals, centre):
    """A larkspur spike: a stem with leaves, flowers getting smaller towards the tip."""
    s = height / 100
    layers = [
        (rounded_rect(x - 2 * s, y + 4 * s, x + 2 * s, y + 100 * s, 2 * s), stem),
        (triangle((x, y + 98 * s), (x - 22 * s, y + 80 * s), (x - 2 * s, y + 88 * s)), stem),
        (triangle((x, y + 94 * s), (x + 20 * s, y + 74 * s), (x + 2 * s, y + 84 * s)), stem),
    ]
    for k, (dy, r) in enumerate([(66, 10), (50, 9), (36, 8), (24, 6.5), (14, 5), (6, 3.5)]):
        dx = (-1) ** k * r * 0.8
        layers.append((circle(x + dx * s, y + dy * s, r * s), petals[k % 2]))
        layers.append((circle(x + dx * s, y + dy * s, r * 0.3 * s), centre))
    return layers


def main() -> None:
    teal, teal_dark, white = (0, 137, 123), (0, 105, 92), (255, 255, 255)
    indigo, indigo_dark, lavender = (63, 81, 181), (48, 63, 159), (197, 202, 233)
    violet, light_violet, green, gold = (103, 58, 183), (149, 117, 205), (56, 142, 60), (255, 213, 79)
    outputs = {
        "theme/assets/kbgen/logo.png": (
            256,
            256,
            None,
            [(rounded_rect(0, 0, 256, 256, 56), teal), *bubble(48, 60, 160, white, teal)],
        ),
        "theme/assets/kbgen/social.png": (
            1200,
            630,
            teal,
            [
                (circle(1080, 80, 260), teal_dark),
                *bubble(150, 170, 300, white, teal),
                *[(rounded_rect(560, y, 560 + w, y + 36, 18), (178, 223, 219)) for y, w in ((230, 480), (300, 380))],
                (rounded_rect(560, 370, 860, 406, 18), (128, 203, 196)),
            ],
        ),
        "content/assets/larkspur-logo.png": (
            256,
            256,
            None,
            [(circle(128, 128, 128), lavender), *larkspur(128, 30, 196, green, (violet, indigo), gold)],
        ),
        "content/assets/larkspur-social.png": (
            1200,
            630,
            indigo,
            [
                (circle(250, 315, 250), indigo_dark),
                (circle(250, 315, 215), lavender),
                *larkspur(250, 130, 370, green, (violet, light_violet), gold),
                *[(rounded_rect(600, y, 600 + w, y + 40, 20), lavender) for y, w in ((220, 460), (295, 360))],
                (rounded_rect(600, 370, 900, 410, 20), light_violet),
            ],
        ),
    }
    for rel, (width, height, background, layers) in outputs.items():
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(width, height, background, layers))
        print(f"{rel}: {width}x{height}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()

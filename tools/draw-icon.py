#!/usr/bin/env python3
"""Draws Turnfix's icon (two speech turns, the second one checked) as
assets/icons/turnfix.svg and as PNGs (assets/icons/turnfix.png at 256 px, turnfix-64.png),
from one list of shapes. Standard library only: the PNG is rasterised here with 4x4
supersampling and written with zlib. Drawn for the project; no third-party artwork.

    python3 tools/draw-icon.py
"""
import math
import os
import struct
import zlib

NAVY, SKY, CREAM, ORANGE = "#23395b", "#8fb8de", "#f4f1de", "#e07a1f"

# (kind, geometry, colour), painted in order on a 256x256 canvas.
SHAPES = [
    ("rrect", (8, 8, 248, 248, 48), NAVY),
    ("rrect", (24, 52, 176, 128, 16), SKY),
    ("tri", ((76, 127), (52, 148), (52, 127)), SKY),
    ("rrect", (44, 72, 144, 82, 5), NAVY),
    ("rrect", (44, 94, 116, 104, 5), NAVY),
    ("rrect", (88, 132, 232, 204, 16), CREAM),
    ("tri", ((180, 203), (204, 224), (204, 203)), CREAM),
    ("rrect", (104, 152, 162, 162, 5), NAVY),
    ("rrect", (104, 174, 144, 184, 5), NAVY),
    ("line", (((168, 172), (182, 186), (210, 154)), 7), ORANGE),
]


def svg():
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- Turnfix's icon, drawn for the project by tools/draw-icon.py: two speech turns, the second one checked. -->",
           '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">']
    for kind, g, c in SHAPES:
        if kind == "rrect":
            x0, y0, x1, y1, r = g
            out.append(f'  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="{c}"/>')
        elif kind == "tri":
            pts = " ".join(f"{x},{y}" for x, y in g)
            out.append(f'  <polygon points="{pts}" fill="{c}"/>')
        else:
            pts, half = g
            d = " ".join(f"{x},{y}" for x, y in pts)
            out.append(f'  <polyline points="{d}" fill="none" stroke="{c}" stroke-width="{2 * half}" '
                       'stroke-linecap="round" stroke-linejoin="round"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def inside(kind, g, x, y):
    if kind == "rrect":
        x0, y0, x1, y1, r = g
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        cx = min(max(x, x0 + r), x1 - r)
        cy = min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if kind == "tri":
        (ax, ay), (bx, by), (cx, cy) = g
        s = [(bx - ax) * (y - ay) - (by - ay) * (x - ax),
             (cx - bx) * (y - by) - (cy - by) * (x - bx),
             (ax - cx) * (y - cy) - (ay - cy) * (x - cx)]
        return all(v >= 0 for v in s) or all(v <= 0 for v in s)
    pts, half = g
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        if (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= half * half:
            return True
    return False


def rgb(c):
    return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))


def raster(size, ss=4):
    scale = 256 / size
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]  # premultiplied
            for sy in range(ss):
                for sx in range(ss):
                    x = (px + (sx + 0.5) / ss) * scale
                    y = (py + (sy + 0.5) / ss) * scale
                    col = None
                    for kind, g, c in SHAPES:
                        if inside(kind, g, x, y):
                            col = c
                    if col:
                        r, gg, b = rgb(col)
                        acc[0] += r
                        acc[1] += gg
                        acc[2] += b
                        acc[3] += 1
            n = ss * ss
            a = acc[3] / n
            if a > 0:
                row += bytes([round(acc[0] / acc[3]), round(acc[1] / acc[3]), round(acc[2] / acc[3]), round(a * 255)])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "icons")
    os.makedirs(here, exist_ok=True)
    with open(os.path.join(here, "turnfix.svg"), "w") as f:
        f.write(svg())
    for size, name in [(256, "turnfix.png"), (64, "turnfix-64.png")]:
        with open(os.path.join(here, name), "wb") as f:
            f.write(png(size, raster(size)))


if __name__ == "__main__":
    main()

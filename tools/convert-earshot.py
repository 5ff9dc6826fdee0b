#!/usr/bin/env python3
"""Extract the earshot 1.2.2 voice-activity model into assets/models/earshot-1.2.2.vad.

earshot (crates.io, MIT OR Apache-2.0, Carson M / pyke.io) ships its trained weights as
`src/weights.bin` and its mel filter bank as a table in `src/filters.rs`. Turnfix runs its own
implementation of that network (src/audio/vad_net.rs) on these numbers; this script is how the
numbers got here (development time only, the app reads the file compiled into the binary).

Usage: python3 tools/convert-earshot.py [earshot-1.2.2.crate]
Without an argument the crate file is taken from cargo's download cache, else fetched from
static.crates.io. Its sha256 must be the one Cargo.lock pins.

Output format (little endian):
  b"TFVAD\\0\\0\\x01"
  u16 count of mel edges (42), then that many u16 FFT-bin edges: filter i rises from edge i to
      edge i+1 and falls to edge i+2 (triangles; the script checks every coefficient of the
      crate's table against that shape)
  u32 byte length of the weights, then earshot's weights.bin verbatim (705 f32, then 18,560
      i16: see vad_net.rs for the layout)
"""

import glob
import hashlib
import io
import os
import re
import struct
import sys
import tarfile
import urllib.request

CRATE = "earshot-1.2.2"
SHA256 = "afea66474c4036a7e5fa4b072a3b0a09cd0b01f00134da3115d76b7cc5899f03"
URL = "https://static.crates.io/crates/earshot/earshot-1.2.2.crate"
OUT = os.path.join(os.path.dirname(__file__), "..", "assets", "models", "earshot-1.2.2.vad")


def crate_bytes(argv):
    if len(argv) > 1:
        return open(argv[1], "rb").read()
    cached = glob.glob(os.path.expanduser("~/.cargo/registry/cache/*/%s.crate" % CRATE))
    if cached:
        return open(cached[0], "rb").read()
    return urllib.request.urlopen(URL).read()


def main(argv):
    data = crate_bytes(argv)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit("%s: sha256 %s, expected %s (Cargo.lock)" % (CRATE, digest, SHA256))
    tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    weights = tar.extractfile("%s/src/weights.bin" % CRATE).read()
    filters = tar.extractfile("%s/src/filters.rs" % CRATE).read().decode()
    if len(weights) != 705 * 4 + 18560 * 2:
        sys.exit("weights.bin: %d bytes, expected %d" % (len(weights), 705 * 4 + 18560 * 2))
    table = filters.split("MEL_COEFFS", 1)[1].split("HANN_WINDOW", 1)[0]
    bands = re.findall(r"\((\d+),\s*&\[([^\]]*)\]\)", table)
    if len(bands) != 40:
        sys.exit("filters.rs: %d mel bands, expected 40" % len(bands))
    starts = [int(s) for s, _ in bands]
    coeffs = [[float(c) for c in body.split(",") if c.strip()] for _, body in bands]
    # Edge i+1 is band i's peak (its coefficient 1.0); band i spans edge i .. edge i+2.
    edges = starts + [starts[-1] + coeffs[-1].index(1.0), starts[-1] + len(coeffs[-1])]
    for i, c in enumerate(coeffs):
        lo, peak, hi = edges[i], edges[i + 1], edges[i + 2]
        want = [(b - lo) / (peak - lo) if b <= peak else (hi - b) / (hi - peak) for b in range(lo, hi)]
        if len(c) != len(want) or any(abs(x - y) > 1e-6 for x, y in zip(c, want)):
            sys.exit("filters.rs: mel band %d is not the triangle %d..%d..%d" % (i, lo, peak, hi))
    out = bytearray(b"TFVAD\0\0\x01")
    out += struct.pack("<H", len(edges)) + struct.pack("<%dH" % len(edges), *edges)
    out += struct.pack("<I", len(weights)) + weights
    with open(OUT, "wb") as f:
        f.write(out)
    print("%s: %d bytes, sha256 %s" % (os.path.normpath(OUT), len(out), hashlib.sha256(out).hexdigest()))


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Convert Resemblyzer 0.1.4's GE2E speaker encoder into Turnfix's compact weights file.

Development time only; the app needs no Python, torch or network. Setup (a venv under /tmp):

    python3 -m venv /tmp/rz && /tmp/rz/bin/pip install resemblyzer==0.1.4 librosa
    /tmp/rz/bin/python tools/convert-resemblyzer.py

Writes
  assets/models/ge2e-resemblyzer-0.1.4.f16   the weights (format below), f16 little-endian
  tests/fixtures/voice/reference.json          one reference run of Resemblyzer itself
  tests/fixtures/voice/sample.i16              its input: 16 kHz mono PCM (espeak-ng speech)
and prints the sha256 of pretrained.pt for assets/models/PROVENANCE.md.

Weights file: b"TFGE2E\\0\\1", u32 tensor count, then per tensor: u16 name length, name (utf-8),
u8 ndim, ndim x u32 dims (row-major, PyTorch's shapes), then prod(dims) x f16.
"""
import hashlib
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import librosa
import numpy as np
import torch
import resemblyzer
from resemblyzer import VoiceEncoder, audio

ROOT = Path(__file__).resolve().parent.parent
OUT_WEIGHTS = ROOT / "assets/models/ge2e-resemblyzer-0.1.4.f16"
OUT_FIX = ROOT / "tests/fixtures/voice"
SENTENCE = ("The repair cafe opens on Saturday mornings, and anyone can bring a broken lamp, "
            "a bicycle or a radio.")


def convert(pt: Path) -> list:
    state = torch.load(pt, map_location="cpu")["model_state"]
    names = [f"lstm.{k}_l{l}" for l in range(3) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    names += ["linear.weight", "linear.bias"]
    out = bytearray(b"TFGE2E\0\1")
    out += struct.pack("<I", len(names))
    for n in names:
        t = state[n].detach().float().numpy()
        out += struct.pack("<H", len(n)) + n.encode()
        out += struct.pack("<B", t.ndim) + b"".join(struct.pack("<I", d) for d in t.shape)
        out += t.astype("<f2").tobytes()
    OUT_WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    OUT_WEIGHTS.write_bytes(bytes(out))
    return [(n, list(state[n].shape)) for n in names]


def sample_wav() -> np.ndarray:
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "s.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb+m3", "-s", "165", "-w", str(wav), SENTENCE], check=True)
        y, sr = librosa.load(str(wav), sr=None)
    y = librosa.resample(y, orig_sr=sr, target_sr=16000)[: 16000 * 3]
    # What is shipped is i16; the reference runs on exactly those samples.
    pcm = np.clip(np.round(y * 32767), -32768, 32767).astype("<i2")
    return pcm


def main():
    pt = Path(resemblyzer.__file__).parent / "pretrained.pt"
    sha = hashlib.sha256(pt.read_bytes()).hexdigest()
    shapes = convert(pt)
    pcm = sample_wav()
    OUT_FIX.mkdir(parents=True, exist_ok=True)
    (OUT_FIX / "sample.i16").write_bytes(pcm.tobytes())
    wav = pcm.astype(np.float32) / 32768.0
    wav = audio.normalize_volume(wav, -30, increase_only=True).astype(np.float32)
    enc = VoiceEncoder(device="cpu", verbose=False)
    embed, partials, slices = enc.embed_utterance(wav, return_partials=True)
    # The mel of the (padded) waveform as embed_utterance computes it.
    padded = np.pad(wav, (0, max(0, slices[-1].stop - len(wav))), "constant")
    mel = audio.wav_to_mel_spectrogram(padded)
    ref = {
        "resemblyzer": "0.1.4",
        "pretrained_sha256": sha,
        "librosa": librosa.__version__,
        "torch": torch.__version__,
        "sample": "sample.i16 (16 kHz mono i16 LE; espeak-ng en-gb+m3)",
        "preprocess": "x/32768, then audio.normalize_volume(-30 dBFS, increase_only)",
        "n_samples": int(len(pcm)),
        "partials": [[int(s.start) // 160, int(s.stop) // 160] for s in slices],
        "mel_frames": int(mel.shape[0]),
        # A few mel frames in full and the per-frame sums: enough to check the filterbank.
        "mel_rows": {str(i): mel[i].tolist() for i in (0, 1, 50, 100, mel.shape[0] - 1)},
        "mel_frame_sums": mel.sum(axis=1).tolist(),
        "partial_embeddings": partials.tolist(),
        "embedding": embed.tolist(),
    }
    (OUT_FIX / "reference.json").write_text(json.dumps(ref, indent=0) + "\n")
    print("pretrained.pt sha256", sha)
    print("weights", OUT_WEIGHTS, OUT_WEIGHTS.stat().st_size, "bytes")
    print("weights sha256", hashlib.sha256(OUT_WEIGHTS.read_bytes()).hexdigest())
    for n, s in shapes:
        print(" ", n, s)
    print("partials", len(slices), "mel", mel.shape)


if __name__ == "__main__":
    sys.exit(main())

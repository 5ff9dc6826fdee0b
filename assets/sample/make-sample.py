#!/usr/bin/env python3
"""Regenerate Turnfix's bundled sample conversation from dialogue.json.

Every turn is synthesized with espeak-ng in its real speaker's voice, stripped of
the silence espeak puts around it, and placed so that its speech begins exactly
on a whole second: the timestamp the otter.ai-style TXT shows for it. The next
turn starts on the first whole second at least MIN_GAP after the previous
speech ends, so speech never runs into the next turn.

Writes, next to this script (or into --out DIR):
  sample_otter_ai.txt   otter.ai TXT export, planted errors included
  sample_otter_ai.mp3   the recording (mono, 22.05 kHz, 32 kbit/s)
  ground-truth.json     per turn: label, real speaker, start_ms, speech_start_ms,
                        speech_end_ms (sample-exact in the PCM before encoding)

Usage: python3 assets/sample/make-sample.py [--out DIR] [--wav]
Needs: python3 (stdlib only), espeak-ng, ffmpeg with libmp3lame.
The output is deterministic for a given espeak-ng and ffmpeg version.
"""
import argparse, array, json, math, os, shutil, subprocess, sys, tempfile, wave

HERE = os.path.dirname(os.path.abspath(__file__))
RATE_WPM = 160       # espeak-ng speaking rate
SR = 22050           # espeak-ng's native rate: no resampling, exact sample positions
MIN_GAP = 0.30       # seconds of silence at least between two turns
TAIL = 1.5           # seconds of silence after the last turn
THRESHOLD = 80       # |sample| above this counts as speech when trimming
BITRATE = "32k"
FOOTER = "Transcribed by https://otter.ai"


def synth(text, voice, pitch, tmpdir, n):
    """Speak `text`; return its samples (int16, SR Hz) with leading/trailing silence cut."""
    path = os.path.join(tmpdir, f"turn{n:02d}.wav")
    spoken = text.replace("\u2019", "'")
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(RATE_WPM), "-w", path, spoken],
                   check=True, stdout=subprocess.DEVNULL)
    with wave.open(path, "rb") as w:
        if w.getframerate() != SR or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"unexpected espeak-ng output format in {path}")
        pcm = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        pcm.byteswap()
    loud = [i for i, s in enumerate(pcm) if abs(s) > THRESHOLD]
    if not loud:
        sys.exit(f"turn {n}: espeak-ng produced silence")
    return pcm[loud[0]:loud[-1] + 1]


def stamp(sec):
    """otter's TXT time: M:SS below one hour (minutes not padded), H:MM:SS above."""
    h, rest = divmod(sec, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default=os.path.join(HERE, "dialogue.json"))
    ap.add_argument("--out", default=HERE, help="output directory (default: next to this script)")
    ap.add_argument("--wav", action="store_true", help="also keep the uncompressed sample_otter_ai.wav")
    args = ap.parse_args()

    src = json.load(open(args.source, encoding="utf-8"))
    speakers, turns = src["speakers"], src["turns"]
    os.makedirs(args.out, exist_ok=True)
    tmpdir = tempfile.mkdtemp(prefix="turnfix-sample-")

    timeline = array.array("h")
    truth, blocks = [], []
    start = int(src.get("lead_in_s", 0))
    for n, t in enumerate(turns, 1):
        who = speakers[t["speaker"]]
        pcm = synth(t["say"], who["voice"], who.get("pitch", 50), tmpdir, n)
        vol = float(t.get("volume", 1.0))
        if vol != 1.0:
            pcm = array.array("h", (int(round(s * vol)) for s in pcm))
        at = start * SR
        timeline.extend([0] * (at - len(timeline)))
        timeline.extend(pcm)
        end = at + len(pcm)
        label = t.get("label", t["speaker"])
        text = t.get("text", t["say"])
        blocks.append(f"{label}  {stamp(start)}  \n{text}\n\n")
        truth.append({
            "index": n, "label": label, "speaker": t["speaker"], "voice": who["voice"],
            "start_ms": start * 1000,
            "speech_start_ms": round(at * 1000 / SR),
            "speech_end_ms": round(end * 1000 / SR),
            "text": text, "spoken": t["say"],
            **({"error": t["error"]} if "error" in t else {}),
        })
        start = math.ceil(end / SR + MIN_GAP)
    timeline.extend([0] * int(TAIL * SR))

    wav = os.path.join(args.out if args.wav else tmpdir, "sample_otter_ai.wav")
    with wave.open(wav, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(SR)
        out = array.array("h", timeline)
        if sys.byteorder == "big":
            out.byteswap()
        w.writeframes(out.tobytes())
    mp3 = os.path.join(args.out, "sample_otter_ai.mp3")
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", wav, "-map_metadata", "-1", "-ac", "1", "-ar", str(SR),
                    "-c:a", "libmp3lame", "-b:a", BITRATE, "-bitexact", mp3], check=True)

    with open(os.path.join(args.out, "sample_otter_ai.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(blocks) + FOOTER + "\n")
    duration_ms = round(len(timeline) * 1000 / SR)
    with open(os.path.join(args.out, "ground-truth.json"), "w", encoding="utf-8") as f:
        json.dump({
            "source": "sample_otter_ai.txt", "audio": "sample_otter_ai.mp3", "sample_rate": SR,
            "duration_ms": duration_ms,
            "note": "times are exact in the PCM before MP3 encoding; start_ms is the TXT timestamp, "
                    "speech_start_ms == start_ms for every turn",
            "turns": truth,
        }, f, indent=1, ensure_ascii=False)
        f.write("\n")
    shutil.rmtree(tmpdir, ignore_errors=True)
    print(f"{len(turns)} turns, {duration_ms / 1000:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()

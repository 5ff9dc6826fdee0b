//! A ten-hour WAV (issue 9, hostile input): it opens, seeks to a tone nine hours in, and builds
//! its waveform within the memory bound of a streaming format (docs/audio.md: the waveform,
//! 2.9 MB an hour, plus a few MB of ring and decoder), measured in a fresh `turnfix probe
//! --memory` process. The file is sparse (silence costs no disk) and sits in a folder whose
//! name has an accent and an emoji.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Duration;

use turnfix::audio::Player;
use turnfix::audio::probe::{timed_seek, wait_ready};

const RATE: u32 = 2_000;
const HOURS: u64 = 10;
/// Where the tone is: nine hours in, for two seconds.
const TONE_MS: u64 = 9 * 3_600_000;

/// The waveform caches of these tests go to a scratch folder, not the user's.
fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = std::env::temp_dir().join(format!("turnfix-long-test-cache-{}", std::process::id()));
        // SAFETY: set once, before either test (both call this first) starts a thread or a child.
        unsafe { std::env::set_var("XDG_CACHE_HOME", dir) };
    });
}

/// A 16-bit mono WAV of ten hours at 2 kHz (144 MB, nearly all of it a hole), silent but for a
/// two-second square wave at [`TONE_MS`].
fn ten_hour_wav(dir: &Path) -> PathBuf {
    let folder = dir.join("Réunions 🎤");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("dix heures 😀.wav");
    let frames = RATE as u64 * 3_600 * HOURS;
    let data = (frames * 2) as u32;
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // PCM
    h.extend_from_slice(&1u16.to_le_bytes()); // mono
    h.extend_from_slice(&RATE.to_le_bytes());
    h.extend_from_slice(&(RATE * 2).to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data.to_le_bytes());
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(&h).unwrap();
    f.set_len(h.len() as u64 + data as u64).unwrap();
    let at = h.len() as u64 + TONE_MS * RATE as u64 / 1000 * 2;
    f.seek(SeekFrom::Start(at)).unwrap();
    let tone: Vec<u8> =
        (0..2 * RATE).flat_map(|i| if i / 10 % 2 == 0 { 16_000i16 } else { -16_000 }.to_le_bytes()).collect();
    f.write_all(&tone).unwrap();
    path
}

/// The loudest sample in the first 100 ms after a seek to `ms`.
fn loudest_after(p: &Player, tap: &mut turnfix::audio::SourceTap, ms: u64) -> f32 {
    let (_, got) = timed_seek(p, tap, ms).unwrap();
    assert!(!got.is_empty(), "samples after a seek to {ms} ms");
    got.iter().fold(0f32, |m, s| m.max(s.abs()))
}

#[test]
fn a_ten_hour_wav_opens_and_seeks_to_its_ninth_hour() {
    setup();
    let dir = tempfile::tempdir().unwrap();
    let wav = ten_hour_wav(dir.path());
    let (p, mut tap) = Player::new_tapped(Arc::new(|| {}));
    p.load(wav.clone());
    wait_ready(&p, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{}: {e}", wav.display()));
    assert_eq!(p.state().duration_ms, Some(HOURS * 3_600_000));
    p.play();
    assert!(loudest_after(&p, &mut tap, TONE_MS + 500) > 0.3, "the tone at 9:00:00 is heard");
    assert!(loudest_after(&p, &mut tap, TONE_MS - 3_600_000) < 0.01, "an hour before, silence");
    assert!(loudest_after(&p, &mut tap, TONE_MS + 1_000) > 0.3, "and back at the tone");
    p.pause();
}

#[test]
fn a_ten_hour_wav_builds_its_waveform_within_the_memory_bound() {
    setup();
    let dir = tempfile::tempdir().unwrap();
    let wav = ten_hour_wav(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_turnfix"))
        .args(["probe", "--memory", "--json"])
        .arg(&wav)
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["duration_ms"], HOURS * 3_600_000);
    let m = &r["memory"];
    assert_eq!(m["peaks_cached"], false, "the waveform was computed");
    let Some(peak) = m["peak_rss_mib"].as_f64() else {
        eprintln!("no /proc here: peak memory not measured");
        return;
    };
    eprintln!("ten-hour WAV: waveform in {:.0} ms, peak RSS {peak:.1} MiB", m["peaks_ms"].as_f64().unwrap());
    // The waveform is 29 MB for ten hours; the file is 144 MB, so holding it would not fit.
    assert!(peak < 100.0, "peak RSS {peak:.1} MiB for a ten-hour WAV");
}

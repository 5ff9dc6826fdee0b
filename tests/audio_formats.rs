//! Recordings users bring: Ogg Opus, WebM/Matroska (Opus, Vorbis, AAC), the audio track of video
//! containers (MP4, MOV, MKV, WebM), codecs that stay unsupported, and hostile files (truncated,
//! moov at the end, not audio, empty, a lying extension, ten hours long).
//!
//! Fixtures are made here with ffmpeg (installed by `.ci/deps --test`); tests needing it print a
//! message and pass when it is absent. Samples are compared with ffmpeg's own decode.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use turnfix::audio::probe::{timed_seek, wait_ready};
use turnfix::audio::{Player, SourceTap};

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = std::env::temp_dir().join(format!("turnfix-formats-test-cache-{}", std::process::id()));
        // SAFETY: set once, before any thread of these tests reads the environment.
        unsafe { std::env::set_var("XDG_CACHE_HOME", dir) };
    });
}

fn have_ffmpeg() -> bool {
    let ok = Command::new("ffmpeg").arg("-version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("ffmpeg not installed: skipping this test");
    }
    ok
}

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("run ffmpeg");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// ffmpeg's decode of `path`'s first audio track at `rate` Hz, stereo (interleaved f32), with
/// libopus for Opus (ffmpeg's own Opus decoder differs from the reference in the last bits).
fn ff_decode(path: &Path, rate: u32, opus: bool) -> Vec<f32> {
    let decoder: &[&str] = if opus { &["-c:a", "libopus"] } else { &[] };
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error"])
        .args(decoder)
        .arg("-i")
        .arg(path)
        .args(["-map", "0:a:0", "-ac", "2", "-ar", &rate.to_string(), "-f", "f32le", "-acodec", "pcm_f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
}

/// A stereo chirp pair with a slow wobble (any misalignment shows), 48 kHz, as a WAV.
fn source_wav(dir: &Path, secs: u32) -> PathBuf {
    let wav = dir.join("src.wav");
    let expr = "0.3*sin(2*PI*(220*t+40*t*t))*(1+0.4*sin(2*PI*3*t))|0.3*sin(2*PI*(1800*t-30*t*t))*(1+0.4*sin(2*PI*3*t))";
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("aevalsrc={expr}:s=48000:d={secs}"),
        "-c:a",
        "pcm_s16le",
        wav.to_str().unwrap(),
    ]);
    wav
}

/// `source` encoded with `args` into `dir/name`.
fn encode(dir: &Path, source: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut a = vec!["-i", source.to_str().unwrap()];
    a.extend_from_slice(args);
    a.push(out.to_str().unwrap());
    ffmpeg(&a);
    out
}

/// `source` as the sound of a small video in `dir/name`.
fn with_video(dir: &Path, source: &Path, name: &str, vcodec: &str, acodec: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut a = vec!["-f", "lavfi", "-i", "color=c=blue:s=64x48:r=5", "-i", source.to_str().unwrap()];
    a.extend_from_slice(&["-map", "0:v", "-map", "1:a", "-shortest", "-c:v", vcodec]);
    a.extend_from_slice(acodec);
    a.push(out.to_str().unwrap());
    ffmpeg(&a);
    out
}

fn load(path: &Path) -> Result<(Player, SourceTap), String> {
    setup();
    let (p, tap) = Player::new_tapped(Arc::new(|| {}));
    p.load(path.to_path_buf());
    wait_ready(&p, Duration::from_secs(60)).map_err(|e| e.to_string())?;
    p.play();
    Ok((p, tap))
}

fn pull_n(tap: &mut SourceTap, n: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0f32; 512];
    let t0 = Instant::now();
    while out.len() < n {
        let want = (n - out.len()).min(buf.len());
        let got = tap.pull(&mut buf[..want]);
        out.extend_from_slice(&buf[..got]);
        if got == 0 {
            assert!(t0.elapsed() < Duration::from_secs(20), "source starved");
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    out
}

fn seek_and_pull(p: &Player, tap: &mut SourceTap, ms: u64, samples: usize) -> Vec<f32> {
    let (_, mut first) = timed_seek(p, tap, ms).unwrap();
    let rest = samples - first.len().min(samples);
    first.extend(pull_n(tap, rest));
    first.truncate(samples);
    first
}

/// Best lag (frames) of `got` against `reference` around frame `at`, and the relative error.
fn align(got: &[f32], reference: &[f32], at: usize, ch: usize, search: i64) -> (i64, f64) {
    let mut best = (0i64, f64::MAX);
    let energy: f64 = reference[at * ch..at * ch + got.len()].iter().map(|&x| (x as f64).powi(2)).sum();
    for lag in -search..=search {
        let start = at as i64 + lag;
        if start < 0 || (start as usize) * ch + got.len() > reference.len() {
            continue;
        }
        let r = &reference[start as usize * ch..start as usize * ch + got.len()];
        let err: f64 = got.iter().zip(r).map(|(&a, &b)| ((a - b) as f64).powi(2)).sum();
        if err < best.1 {
            best = (lag, err);
        }
    }
    (best.0, (best.1 / energy.max(1e-12)).sqrt())
}

/// The file plays: container and codec as expected, duration within 30 ms of ffmpeg's decode,
/// and after seeks the samples line up with ffmpeg's (zero lag, small error: lossy decoders
/// differ in their last bits).
fn check_plays(path: &Path, container: &str, codec: &str) {
    let (p, mut tap) = load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let info = p.info().unwrap();
    assert_eq!((info.container.as_str(), info.codec.as_str()), (container, codec), "{}", path.display());
    assert_eq!(info.channels, 2);
    let rate = info.sample_rate;
    let reference = ff_decode(path, rate, codec == "OPUS");
    let ref_ms = reference.len() as u64 / 2 * 1000 / rate as u64;
    // The container's length, or (without one) the decoded length once the waveform is built.
    let t0 = Instant::now();
    let dur = loop {
        if let Some(d) = p.state().duration_ms
            && (p.peaks().0.is_some() || t0.elapsed() > Duration::from_secs(30))
        {
            break d;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(dur.abs_diff(ref_ms) <= 30, "{}: duration {dur} ms, ffmpeg's {ref_ms} ms", path.display());
    // AAC in Matroska keeps its priming (as ffmpeg does): the first ms are the decoder warming
    // up, where decoders differ.
    let seeks: &[u64] =
        if container == "Matroska/WebM" && codec == "AAC" { &[4321, 1234, 250] } else { &[4321, 1234, 250, 0] };
    // From the start as opened (no seek by the caller): a decoder straight from `decode::open`.
    let mut s = turnfix::audio::decode::open(path).unwrap();
    let (mut head, mut buf) = (Vec::new(), Vec::new());
    while head.len() < 8192 && s.next_chunk(&mut buf).unwrap().is_some() {
        head.extend_from_slice(&buf);
    }
    head.truncate(8192);
    if !(container == "Matroska/WebM" && codec == "AAC") {
        let (lag, err) = align(&head, &reference, 0, 2, 1200);
        assert!(lag == 0 && err < 0.05, "{}: from the start {lag} frames off (err {err:.4})", path.display());
    }
    for &ms in seeks {
        let got = seek_and_pull(&p, &mut tap, ms, 8192);
        let at = (ms * rate as u64 / 1000) as usize;
        let (lag, err) = align(&got, &reference, at, 2, 1200);
        assert!(lag == 0, "{}: after a seek to {ms} ms the audio is {lag} frames off (err {err:.4})", path.display());
        assert!(err < 0.05, "{}: relative error {err} after a seek to {ms} ms", path.display());
    }
}

fn load_error(path: &Path) -> String {
    setup();
    let (p, _tap) = Player::new_tapped(Arc::new(|| {}));
    p.load(path.to_path_buf());
    let err = wait_ready(&p, Duration::from_secs(30)).expect_err("should be refused").to_string();
    // Commands on a failed player do nothing and do not block.
    p.seek(1000);
    p.play();
    assert!(!p.state().playing);
    err
}

#[test]
fn ogg_opus_plays_and_seeks() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    let opus = encode(dir.path(), &src, "voice.opus", &["-c:a", "libopus", "-b:a", "96k"]);
    check_plays(&opus, "Ogg", "OPUS");
    // WhatsApp and Telegram voice notes: mono Opus in Ogg, often called .ogg or .oga.
    let note = encode(dir.path(), &src, "note.oga", &["-ac", "1", "-c:a", "libopus", "-b:a", "24k", "-f", "ogg"]);
    let (p, _tap) = load(&note).unwrap();
    let info = p.info().unwrap();
    assert_eq!((info.codec.as_str(), info.channels, info.sample_rate), ("OPUS", 1, 48000));
    assert!(p.state().duration_ms.unwrap().abs_diff(6000) <= 30);
}

#[test]
fn webm_and_matroska_play_opus_vorbis_and_aac() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    let webm = encode(dir.path(), &src, "browser.webm", &["-c:a", "libopus", "-b:a", "96k"]);
    check_plays(&webm, "Matroska/WebM", "OPUS");
    // Vorbis: packets of two sizes, read by their own index (src/audio/vorbis_mkv.rs).
    let vorbis = encode(dir.path(), &src, "v.webm", &["-c:a", "libvorbis", "-q:a", "5"]);
    check_plays(&vorbis, "Matroska/WebM", "VORBIS");
    let vorbis_mkv = encode(dir.path(), &src, "v.mka", &["-c:a", "libvorbis", "-q:a", "2"]);
    check_plays(&vorbis_mkv, "Matroska/WebM", "VORBIS");
    let aac = encode(dir.path(), &src, "obs.mka", &["-c:a", "aac", "-b:a", "128k"]);
    check_plays(&aac, "Matroska/WebM", "AAC");
}

#[test]
fn video_containers_play_their_audio_track() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    let aac = ["-c:a", "aac", "-b:a", "128k"];
    check_plays(&with_video(dir.path(), &src, "zoom.mp4", "mpeg4", &aac), "MP4/M4A", "AAC");
    check_plays(&with_video(dir.path(), &src, "phone.mov", "mpeg4", &aac), "MOV", "AAC");
    check_plays(&with_video(dir.path(), &src, "obs.mkv", "mpeg4", &aac), "Matroska/WebM", "AAC");
    let opus = ["-c:a", "libopus", "-b:a", "96k"];
    check_plays(&with_video(dir.path(), &src, "meet.webm", "libvpx", &opus), "Matroska/WebM", "OPUS");
    let vorbis = ["-c:a", "libvorbis", "-q:a", "4"];
    check_plays(&with_video(dir.path(), &src, "meet-vorbis.webm", "libvpx", &vorbis), "Matroska/WebM", "VORBIS");
    check_plays(&with_video(dir.path(), &src, "obs-vorbis.mkv", "mpeg4", &vorbis), "Matroska/WebM", "VORBIS");
}

#[test]
fn unsupported_codecs_are_named_with_a_conversion() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 2);
    let eac3 = encode(dir.path(), &src, "film.mkv", &["-c:a", "eac3"]);
    let err = load_error(&eac3);
    assert!(err.starts_with("film.mkv: "), "{err}");
    assert!(err.contains("E-AC-3") && err.contains("not supported"), "{err}");
    assert!(err.contains("ffmpeg -i \"film.mkv\""), "{err}");
    // A video without sound says so.
    let silent = dir.path().join("silent.mp4");
    ffmpeg(&["-f", "lavfi", "-i", "color=c=red:s=64x48:r=5:d=1", "-c:v", "mpeg4", silent.to_str().unwrap()]);
    let err = load_error(&silent);
    assert!(err.starts_with("silent.mp4: ") && err.contains("no audio track"), "{err}");
}

#[test]
fn extensions_that_lie_do_not_matter() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 5);
    let opus_as_mp3 = encode(dir.path(), &src, "voice.mp3", &["-c:a", "libopus", "-f", "ogg"]);
    check_plays(&opus_as_mp3, "Ogg", "OPUS");
    let webm_as_m4a = encode(dir.path(), &src, "rec.m4a", &["-c:a", "libopus", "-f", "webm"]);
    check_plays(&webm_as_m4a, "Matroska/WebM", "OPUS");
    let mp3_as_wav = encode(dir.path(), &src, "talk.wav", &["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"]);
    let (p, _tap) = load(&mp3_as_wav).unwrap();
    assert_eq!(p.info().unwrap().container, "MP3");
}

/// Position of the top-level MP4 box `kind`.
fn box_offset(b: &[u8], kind: &[u8; 4]) -> Option<usize> {
    let mut pos = 0;
    while pos + 8 <= b.len() {
        let size = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        if &b[pos + 4..pos + 8] == kind {
            return Some(pos);
        }
        if size < 8 {
            return None;
        }
        pos += size;
    }
    None
}

#[test]
fn m4a_layouts_and_truncations() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    // ffmpeg writes `moov` after `mdat` by default: the layout of many recorders.
    let at_end = encode(dir.path(), &src, "end.m4a", &["-c:a", "aac", "-b:a", "128k"]);
    let b = std::fs::read(&at_end).unwrap();
    assert!(box_offset(&b, b"moov").unwrap() > box_offset(&b, b"mdat").unwrap());
    check_plays(&at_end, "MP4/M4A", "AAC");
    // Cut off: its `moov` is gone, so nothing can be played, and the message says why.
    let cut = dir.path().join("cut.m4a");
    std::fs::write(&cut, &b[..b.len() * 2 / 3]).unwrap();
    let err = load_error(&cut);
    assert!(err.starts_with("cut.m4a: ") && err.contains("truncated"), "{err}");
    // `moov` first (faststart), then cut: what is there plays, and no sample comes from beyond it.
    let front = encode(dir.path(), &src, "front.m4a", &["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"]);
    let b = std::fs::read(&front).unwrap();
    assert!(box_offset(&b, b"moov").unwrap() < box_offset(&b, b"mdat").unwrap());
    let cut = dir.path().join("front-cut.m4a");
    std::fs::write(&cut, &b[..b.len() / 2]).unwrap();
    // symphonia reads the sample tables' end, so this is refused too, with the reason.
    let err = load_error(&cut);
    assert!(err.starts_with("front-cut.m4a: ") && err.contains("truncated"), "{err}");
}

#[test]
fn truncated_opus_and_webm_play_what_is_there() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    for name in ["cut.opus", "cut.webm"] {
        let f = encode(dir.path(), &src, name, &["-c:a", "libopus", "-b:a", "64k"]);
        let b = std::fs::read(&f).unwrap();
        std::fs::write(&f, &b[..b.len() / 2]).unwrap();
        let (p, mut tap) = load(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = seek_and_pull(&p, &mut tap, 1000, 4096);
        assert!(got.iter().any(|s| s.abs() > 0.05), "{name}: the first half plays");
    }
}

#[test]
fn files_that_are_not_audio_are_refused_by_name() {
    setup();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("notes.mp3", b"Speaker 1  0:00\nHello there, this is a transcript, not audio.\n".repeat(200), "not an audio"),
        ("picture.m4a", [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 4000]].concat(), "not an audio"),
        ("empty.opus", Vec::new(), "empty"),
        ("zeros.webm", vec![0u8; 100_000], "not an audio"),
        ("broken.webm", [&[0x1A, 0x45, 0xDF, 0xA3][..], &[0xFFu8; 60]].concat(), "Matroska/WebM"),
        ("broken.ogg", [&b"OggS\0\x02"[..], &[7u8; 200]].concat(), "Ogg"),
        ("voice.amr", b"#!AMR\n\x3c\x48\xf5\x1f".repeat(50), "AMR files are not supported"),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let err = load_error(&path);
        assert!(err.starts_with(&format!("{name}: ")), "{err}");
        assert!(err.contains(want), "{name}: {err}");
        assert!(!err.contains("truncated") || name.starts_with("broken"), "{name}: {err}");
    }
}

/// A ten-hour recording (8 kHz mono MP3 at 8 kb/s, 36 MB: one minute encoded by ffmpeg and its
/// frames repeated) opens, reports its length, seeks exactly, and gets its waveform.
#[test]
fn ten_hour_recording_opens_seeks_and_gets_its_waveform() {
    if !have_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let minute = dir.path().join("minute.mp3");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=f=300:r=8000:d=60",
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "8k",
        "-write_xing",
        "0",
        "-id3v2_version",
        "0",
        minute.to_str().unwrap(),
    ]);
    let one = std::fs::read(&minute).unwrap();
    let long = dir.path().join("ten-hours.mp3");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&long).unwrap());
        for _ in 0..600 {
            f.write_all(&one).unwrap();
        }
    }
    let (p, mut tap) = load(&long).unwrap();
    let dur = p.state().duration_ms.unwrap();
    // 600 × the minute (each minute is a whole number of 72 ms frames, so a little over 60 s).
    assert!((36_000_000..36_200_000).contains(&dur), "duration {dur} ms");
    for ms in [35_000_000u64, 18_000_123, 60_000] {
        let got = seek_and_pull(&p, &mut tap, ms, 800);
        assert!(got.iter().any(|s| s.abs() > 0.05), "sound after a seek to {ms} ms");
        let pos = p.state().position_ms;
        assert!(pos.abs_diff(ms + 100) <= 5, "position {pos} after 100 ms from {ms}");
    }
    let t0 = Instant::now();
    let peaks = loop {
        if let Some(pk) = p.peaks().0 {
            break pk;
        }
        assert!(t0.elapsed() < Duration::from_secs(300), "waveform not built");
        std::thread::sleep(Duration::from_millis(20));
    };
    // The waveform is bounded: one min/max pair per 10 ms whatever the file.
    let buckets = peaks.min.len() as u64;
    assert!(buckets.abs_diff(dur / peaks.ms_per_bucket as u64) <= 2, "{buckets} buckets for {dur} ms");
    // Sampled every 1,000 s (a sample may land on the few silent ms where two minutes meet).
    let sampled: Vec<f32> = peaks.max.iter().skip(1000).step_by(100_000).copied().collect();
    let loud = sampled.iter().filter(|&&m| m > 0.05).count();
    assert!(loud + 1 >= sampled.len(), "the waveform covers the whole file: {sampled:?}");
}

/// Vorbis in WebM/Matroska through the one analysis pass: every sample ffmpeg decodes, and the
/// waveform and the speech activity of the source WAV (within the codec's loss).
#[test]
fn vorbis_in_matroska_is_analysed() {
    if !have_ffmpeg() {
        return;
    }
    use std::sync::atomic::AtomicBool;
    use turnfix::audio::analysis;
    setup();
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    let no = AtomicBool::new(false);
    let want = analysis::compute(&src, &no, |_| {}).unwrap();
    for name in ["a.webm", "a.mkv"] {
        let f = encode(dir.path(), &src, name, &["-c:a", "libvorbis", "-q:a", "4"]);
        let got = analysis::compute(&f, &no, |_| {}).unwrap();
        assert_eq!(got.frames as usize, ff_decode(&f, 48000, false).len() / 2, "{name}: every sample");
        // Matroska keeps no end trim: the last Vorbis window's few ms are there too, as in ffmpeg.
        assert!(got.peaks.min.len().abs_diff(want.peaks.min.len()) <= 1, "{name}: buckets");
        let close = got.peaks.max.iter().zip(&want.peaks.max).filter(|(a, b)| (*a - *b).abs() < 0.05).count();
        assert!(close * 100 >= want.peaks.max.len() * 98, "{name}: {close} of {} buckets match", want.peaks.max.len());
        let (g, w) = (&got.speech.energy, &want.speech.energy);
        assert!(g.len().abs_diff(w.len()) <= 1, "{name}: speech frames");
        let same = g.iter().zip(w).filter(|(a, b)| a == b).count();
        assert!(same * 100 >= w.len() * 95, "{name}: speech activity {same} of {}", w.len());
    }
}

/// mkvmerge (MKVToolNix) laces audio: several Vorbis packets in one block, sharing its
/// timestamp. They play and seek sample-exact too. Skipped when mkvmerge is absent.
#[test]
fn laced_vorbis_blocks_play_and_seek() {
    if !have_ffmpeg() {
        return;
    }
    if !Command::new("mkvmerge").arg("--version").output().is_ok_and(|o| o.status.success()) {
        eprintln!("mkvmerge not installed (Debian's mkvtoolnix): skipping this test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = source_wav(dir.path(), 6);
    let plain = encode(dir.path(), &src, "plain.webm", &["-c:a", "libvorbis", "-q:a", "4"]);
    let laced = dir.path().join("laced.mkv");
    let out = Command::new("mkvmerge").arg("-q").arg("-o").arg(&laced).arg(&plain).output().unwrap();
    assert!(out.status.success(), "mkvmerge: {}", String::from_utf8_lossy(&out.stdout));
    // The file is laced (mkvmerge's default for audio): Xiph (0x02) or EBML (0x06) lacing flags
    // on its SimpleBlocks; a cheap look, not a parser.
    let bytes = std::fs::read(&laced).unwrap();
    let laced_blocks = bytes.windows(5).filter(|w| w[0] == 0x81 && matches!(w[3] & 0x06, 0x02 | 0x06)).count();
    assert!(laced_blocks > 0, "mkvmerge wrote no laced block");
    check_plays(&laced, "Matroska/WebM", "VORBIS");
}

//! Speech activity figures (issue 11), printed and asserted against the targets:
//! - the seed panel (`../shared/fixtures/seed-panel`): onsets, offsets, captions on the speech;
//! - `../shared/voices/libri-conv-a`: frame accuracy, onsets from an otter TXT with whole-second
//!   times (written here from its labels), snapping;
//! - a recording made here with espeak-ng voices whose speech starts between the seconds.
//!
//! Each also prints the energy detector's figures beside earshot's (the comparison in
//! docs/audio.md). Skips cleanly when ../shared (or espeak-ng) is absent.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use turnfix::audio::analysis::{self, Analysis};
use turnfix::audio::decode;
use turnfix::audio::speech::{SpeechActivity, SpeechMap, windows};
use turnfix::audio::vad::{self, Energy};
use turnfix::edit::snap::{SnapOptions, snap_to_speech};
use turnfix::export::ExportOptions;
use turnfix::export::captions::cue_spans;
use turnfix::formats;
use turnfix::model::{Ms, Transcript};

#[path = "common/shared.rs"]
mod shared;

/// earshot's analysis and the energy detector's scores from the same single pass.
fn analyse(path: &Path) -> (Analysis, SpeechActivity) {
    let source = decode::open(path).expect("open").source();
    let (a, energy) =
        analysis::compute_with(&source, &AtomicBool::new(false), |_| {}, &|_| Energy::default()).expect("analysis");
    let scores = Energy::join(energy, vad::ENERGY_DB);
    (a, SpeechActivity { frame_samples: vad::FRAME as u32, scores, energy: Vec::new() })
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).expect("parse json")
}

fn share(hits: usize, n: usize) -> f64 {
    hits as f64 / n.max(1) as f64
}

/// Fraction of `errs` within `tol` ms (None, no speech found, counts as a miss).
fn within(errs: &[Option<i64>], tol: i64) -> f64 {
    share(errs.iter().filter(|e| e.is_some_and(|e| e.abs() <= tol)).count(), errs.len())
}

fn describe(name: &str, errs: &[Option<i64>], tol: i64) -> String {
    let mut abs: Vec<i64> = errs.iter().flatten().map(|e| e.abs()).collect();
    abs.sort_unstable();
    let med = abs.get(abs.len() / 2).copied().unwrap_or(0);
    let p95 = abs.get(abs.len() * 95 / 100).copied().unwrap_or(0);
    let misses: Vec<String> = errs
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_none_or(|e| e.abs() > tol))
        .map(|(i, e)| format!("#{i}: {}", e.map_or("none".into(), |e| format!("{e:+}"))))
        .collect();
    format!(
        "{name}: {:.1}% within {tol} ms ({} turns, {} with no speech found; |error| median {med} ms, p95 {p95} ms; misses {})",
        100.0 * within(errs, tol),
        errs.len(),
        errs.iter().filter(|e| e.is_none()).count(),
        misses.join(" ")
    )
}

/// Frame accuracy of `map` against truth intervals over `[0, dur)`, 16 ms frames (centres).
fn frame_accuracy(map: &SpeechMap, truth: &SpeechMap, dur: Ms) -> f64 {
    let n = dur / 16;
    let ok = (0..n).filter(|i| map.is_speech_at(i * 16 + 8) == truth.is_speech_at(i * 16 + 8)).count();
    share(ok, n as usize)
}

/// Onset and offset errors per truth turn `(start, window end, true onset, true offset)`.
fn errors(map: &SpeechMap, turns: &[(Ms, Ms, Ms, Ms)]) -> (Vec<Option<i64>>, Vec<Option<i64>>) {
    turns
        .iter()
        .map(|&(s, e, on, off)| {
            let sp = map.turn_speech(s, e);
            (sp.map(|x| x.0 as i64 - on as i64), sp.map(|x| x.1 as i64 - off as i64))
        })
        .unzip()
}

#[test]
fn seed_panel_onsets_offsets_and_captions() {
    let (Some(rec), Some(truth), Some(txt)) = (
        shared::shared("fixtures/seed-panel/recording.mp3"),
        shared::shared("fixtures/seed-panel/ground-truth.json"),
        shared::shared("fixtures/seed-panel/transcript.txt"),
    ) else {
        return;
    };
    let (a, energy) = analyse(&rec);
    let gt = json(&truth);
    let gt = gt["turns"].as_array().expect("turns");
    let starts: Vec<Ms> = gt.iter().map(|t| t["start_ms"].as_u64().unwrap()).collect();
    let dur = a.duration_ms();
    // Turns with words (an empty turn has no speech to find).
    let turns: Vec<(Ms, Ms, Ms, Ms)> = windows(&starts, dur)
        .zip(gt)
        .filter(|(_, t)| t["words"].as_u64().unwrap_or(0) > 0)
        .map(|((s, e), t)| (s, e, t["speech_start_ms"].as_u64().unwrap(), t["speech_end_ms"].as_u64().unwrap()))
        .collect();
    let map = a.speech.map();
    let (won, woff) = errors(&map, &turns);
    let (eon, eoff) = errors(&energy.map(), &turns);
    // As the editor finds each turn's speech (turns at one second divide it: 6/7, 42/43, 44/45).
    let doc = formats::read_path(&txt, None).expect("seed transcript").doc;
    assert_eq!(doc.turns.len(), gt.len(), "transcript and ground truth have the same turns");
    let (on, off): (Vec<Option<i64>>, Vec<Option<i64>>) = gt
        .iter()
        .enumerate()
        .filter(|(_, t)| t["words"].as_u64().unwrap_or(0) > 0)
        .map(|(i, t)| {
            let sp = turnfix::app::speech::turn_speech(&map, &doc, i, Some(dur));
            let (on, off) = (t["speech_start_ms"].as_i64().unwrap(), t["speech_end_ms"].as_i64().unwrap());
            (sp.map(|x| x.0 as i64 - on), sp.map(|x| x.1 as i64 - off))
        })
        .unzip();
    println!("seed panel, earshot: {}", describe("onset", &on, 150));
    println!("seed panel, earshot: {}", describe("offset", &off, 300));
    println!("seed panel, earshot by window: {}", describe("onset", &won, 150));
    println!("seed panel, earshot by window: {}", describe("offset", &woff, 300));
    println!("seed panel, energy:  {}", describe("onset", &eon, 150));
    println!("seed panel, energy:  {}", describe("offset", &eoff, 300));
    assert!(within(&on, 150) >= 0.95, "{}", describe("onset", &on, 150));
    assert!(within(&off, 300) >= 0.90, "{}", describe("offset", &off, 300));

    // Captions on the speech.
    let cues = cue_spans(&doc, &ExportOptions::default(), Some(map.segments()));
    let (mut first_err, mut last_err) = (Vec::new(), Vec::new());
    for (i, t) in gt.iter().enumerate() {
        if t["words"].as_u64().unwrap_or(0) == 0 {
            continue;
        }
        let mine: Vec<&(usize, Ms, Ms)> = cues.iter().filter(|c| c.0 == i).collect();
        let on = t["speech_start_ms"].as_u64().unwrap() as i64;
        let off = t["speech_end_ms"].as_u64().unwrap() as i64;
        first_err.push(mine.first().map(|c| c.1 as i64 - on));
        last_err.push(mine.last().map(|c| c.2 as i64 - off));
    }
    println!("seed panel captions: first cue {}", describe("start", &first_err, 300));
    println!("seed panel captions: last cue {}", describe("end", &last_err, 500));
    assert!(within(&first_err, 300) >= 0.95, "{}", describe("first cue", &first_err, 300));
    assert!(within(&last_err, 500) >= 0.95, "{}", describe("last cue", &last_err, 500));
    // No cue spans a true silence of 1 s or more (between one turn's speech and the next's).
    let mut speech: Vec<(Ms, Ms)> = turns.iter().map(|t| (t.2, t.3)).collect();
    speech.sort_unstable();
    let silences: Vec<(Ms, Ms)> =
        speech.windows(2).map(|w| (w[0].1, w[1].0)).filter(|(a, b)| b >= &(a + 1000)).collect();
    for (turn, a, b) in &cues {
        for (s, e) in &silences {
            let overlap = (*b).min(*e).saturating_sub((*a).max(*s));
            assert!(overlap < 1000, "cue {a}-{b} of turn {turn} spans {overlap} ms of the silence {s}-{e}");
        }
    }
    // Without the recording, a cue never runs past the turn's speech estimate (400 ms a word).
    let plain = cue_spans(&doc, &ExportOptions::default(), None);
    for (i, t) in doc.turns.iter().enumerate() {
        let words = t.text.split_whitespace().count() as Ms;
        if let Some(last) = plain.iter().rfind(|c| c.0 == i) {
            assert!(last.2 <= t.start_ms + (words * 400).max(1000), "turn {i}: cue ends at {}", last.2);
        }
    }
}

/// An otter TXT of `turns` (speaker, onset ms, words) with whole-second times, as otter writes.
fn otter_txt(turns: &[(String, Ms, usize)]) -> String {
    let mut s = String::new();
    for (who, on, words) in turns {
        let secs = on / 1000;
        s.push_str(&format!("{who}  {}:{:02}  \n", secs / 60, secs % 60));
        s.push_str(&vec!["word"; (*words).max(1)].join(" "));
        s.push_str("\n\n");
    }
    s
}

/// Onsets within 150 ms and snapping within 100 ms for a recording whose true onsets are
/// `onsets` (one per turn, sorted), through an otter TXT with whole-second times.
fn check_between_the_seconds(name: &str, a: &Analysis, energy: &SpeechActivity, turns: &[(String, Ms, usize)]) {
    let txt = otter_txt(turns);
    let doc: Transcript = formats::read_bytes(txt.as_bytes(), "otter.txt", None).expect("otter TXT").doc;
    assert_eq!(doc.turns.len(), turns.len());
    let starts: Vec<Ms> = doc.turns.iter().map(|t| t.start_ms).collect();
    assert!(starts.iter().all(|s| s % 1000 == 0));
    let truth: Vec<Ms> = turns.iter().map(|t| t.1).collect();
    let err = |found: &[Option<Ms>]| -> Vec<Option<i64>> {
        found.iter().zip(&truth).map(|(f, &t)| f.map(|f| f as i64 - t as i64)).collect()
    };
    let whole: Vec<Option<i64>> = starts.iter().zip(&truth).map(|(&s, &t)| Some(s as i64 - t as i64)).collect();
    // What Snap times to speech takes: each turn's onset as the editor finds it (turns at one
    // second divide its speech); the map's own window onsets printed beside it.
    let map = a.speech.map();
    let onsets = turnfix::app::speech::onsets(&map, &doc, Some(a.duration_ms()));
    let on = err(&onsets);
    let windowed = err(&map.onsets(&starts, a.duration_ms()));
    let shared = starts.windows(2).filter(|w| w[0] == w[1]).count();
    println!(
        "{name}, {shared} turns at the second of the turn before; by window: {}",
        describe("onset", &windowed, 150)
    );
    let eon = err(&energy.map().onsets(&starts, a.duration_ms()));
    println!("{name}, otter's whole seconds: {}", describe("onset", &whole, 150));
    println!("{name}, earshot: {}", describe("onset", &on, 150));
    println!("{name}, energy:  {}", describe("onset", &eon, 150));
    assert!(within(&on, 150) >= 0.95, "{name}: {}", describe("onset", &on, 150));
    // Snap times to speech: one edit; afterwards the times are on the true onsets.
    let (edit, preview) = snap_to_speech(&doc, &onsets, &SnapOptions::default());
    println!("{name}, snap preview: {}", preview.summary());
    let mut snapped = doc.clone();
    edit.expect("turns move").apply(&mut snapped).expect("snap applies");
    let after: Vec<Option<i64>> =
        snapped.turns.iter().zip(&truth).map(|(t, &on)| Some(t.start_ms as i64 - on as i64)).collect();
    println!("{name}, after snapping: {}", describe("start", &after, 100));
    // Target: 95% within 100 ms (libri-conv-a's labels keep 100 ms of each utterance's lead-in;
    // the segments' own lead-in, `Smoothing::lead_in_ms`, brings its snaps within it).
    assert!(within(&after, 100) >= 0.95, "{name}: {}", describe("snapped start", &after, 100));
}

#[test]
fn libri_conv_a_frames_and_onsets_between_the_seconds() {
    let (Some(rec), Some(labels)) =
        (shared::shared("voices/libri-conv-a/conversation.flac"), shared::shared("voices/libri-conv-a/labels.json"))
    else {
        return;
    };
    let (a, energy) = analyse(&rec);
    let l = json(&labels);
    let lt = l["turns"].as_array().expect("turns");
    let truth = SpeechMap::from_segments(
        lt.iter().map(|t| (t["start_ms"].as_u64().unwrap(), t["end_ms"].as_u64().unwrap())).collect(),
    );
    let dur = a.duration_ms();
    let acc = frame_accuracy(&a.speech.map(), &truth, dur);
    let eacc = frame_accuracy(&energy.map(), &truth, dur);
    println!("libri-conv-a frame accuracy: earshot {:.1}%, energy {:.1}%", acc * 100.0, eacc * 100.0);
    // Target 95% (95.6% with the energy threshold 6 dB over the whole recording's floor and a
    // 500 ms extension over loud frames after a segment: docs/audio.md).
    assert!(acc >= 0.95, "frame accuracy {:.1}%", acc * 100.0);
    // Its labels keep 100 ms of the utterance's own lead-in before the speech; a turn's true
    // onset is its labelled start.
    let turns: Vec<(String, Ms, usize)> = lt
        .iter()
        .map(|t| {
            let (s, e) = (t["start_ms"].as_u64().unwrap(), t["end_ms"].as_u64().unwrap());
            (format!("Speaker {}", t["speaker"].as_str().unwrap()), s, ((e - s) / 400) as usize)
        })
        .collect();
    check_between_the_seconds("libri-conv-a", &a, &energy, &turns);
}

/// Mono 16-bit samples of a WAV file (any rate): (rate, samples).
fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let b = std::fs::read(path).expect("wav");
    let mut pos = 12;
    let mut rate = 0;
    while pos + 8 <= b.len() {
        let id = &b[pos..pos + 4];
        let len = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().unwrap()) as usize;
        let body = &b[pos + 8..(pos + 8 + len).min(b.len())];
        if id == b"fmt " {
            rate = u32::from_le_bytes(body[4..8].try_into().unwrap());
        }
        if id == b"data" {
            return (rate, body.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect());
        }
        pos += 8 + len + (len & 1);
    }
    panic!("{}: no data chunk", path.display());
}

fn write_wav(path: &Path, rate: u32, s: &[i16]) {
    let mut b = Vec::with_capacity(44 + s.len() * 2);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + s.len() as u32 * 2).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(s.len() as u32 * 2).to_le_bytes());
    for v in s {
        b.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, b).expect("write wav");
}

/// The synthesized recording and its turns: (speaker, onset, words).
type Synth = (PathBuf, Vec<(String, Ms, usize)>);

/// A conversation made here: espeak-ng voices (as `../shared/tools/synth-seed-audio.py` uses),
/// each turn's speech placed to start between the seconds, with a little noise under it all.
/// Returns the WAV (22.05 kHz: the pass resamples it to 16 kHz) and (speaker, onset, words).
fn synth_conversation(dir: &Path) -> Option<Synth> {
    if Command::new("espeak-ng").arg("--version").output().is_err() {
        eprintln!("espeak-ng not installed: skipping the synthetic conversation");
        return None;
    }
    let lines = [
        ("en-us+f3", "Good morning, and thank you all for joining the call today."),
        ("en-gb+m3", "Thanks. I have a short update about the budget."),
        ("en-us+m7", "Before that, can we check the numbers from last week?"),
        ("en-us+f3", "Yes, they are in the shared folder."),
        ("en-gb-x-rp+m2", "I looked at them this morning and they seem fine to me."),
        ("en-gb+m3", "Good. Then the budget: we are about ten percent under plan."),
        ("en-us+m7", "That is better than I expected."),
        ("en-us+f3", "Let us keep it that way until the end of the quarter."),
        ("en-gb-x-rp+m2", "Agreed."),
        ("en-gb+m3", "One more thing: the new hire starts on Monday."),
    ];
    // Gaps (ms) after each turn: uneven, so onsets fall anywhere within the second.
    let gaps = [730, 410, 1290, 560, 880, 350, 1470, 620, 940, 500];
    let mut rate = 0;
    let mut out: Vec<i16> = Vec::new();
    let mut turns = Vec::new();
    let lead_ms = 370;
    for (k, (voice, text)) in lines.iter().enumerate() {
        let wav = dir.join(format!("t{k}.wav"));
        let ok = Command::new("espeak-ng")
            .args(["-v", voice, "-s", "165", "-w"])
            .arg(&wav)
            .arg(text)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("espeak-ng failed: skipping the synthetic conversation");
            return None;
        }
        let (r, s) = read_wav(&wav);
        rate = r;
        // Trim espeak's own leading and trailing silence: the speech starts where it is placed.
        let loud = |x: &i16| x.unsigned_abs() > 300;
        let a = s.iter().position(loud).unwrap_or(0);
        let b = s.iter().rposition(loud).map_or(s.len(), |b| b + 1);
        if k == 0 {
            out.resize((lead_ms * r as u64 / 1000) as usize, 0);
        }
        turns.push((format!("Voice {voice}"), out.len() as Ms * 1000 / r as Ms, text.split_whitespace().count()));
        out.extend_from_slice(&s[a..b]);
        out.resize(out.len() + (gaps[k] * r as u64 / 1000) as usize, 0);
    }
    // Low noise (about -60 dBFS) so that silence is not digital zero.
    let mut x: u32 = 12345;
    for v in &mut out {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *v = v.saturating_add(((x >> 16) % 64) as i16 - 32);
    }
    let path = dir.join("conversation.wav");
    write_wav(&path, rate, &out);
    Some((path, turns))
}

#[test]
fn own_espeak_conversation_onsets_between_the_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let Some((wav, turns)) = synth_conversation(dir.path()) else { return };
    assert!(turns.iter().filter(|t| t.1 % 1000 >= 150).count() >= turns.len() / 2, "onsets fall between seconds");
    let (a, energy) = analyse(&wav);
    check_between_the_seconds("espeak conversation", &a, &energy, &turns);
}

#[test]
fn analysis_cache_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let Some((wav, _)) = synth_conversation(dir.path()) else { return };
    let cache = [dir.path().join("cache")];
    assert!(analysis::load_cached_from(&cache, &wav).is_none());
    let (a, _) = analyse(&wav);
    analysis::store_cached_in(&cache, &wav, &a).expect("written");
    assert_eq!(analysis::load_cached_from(&cache, &wav), Some(a));
}

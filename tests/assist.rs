//! The correction assistant, measured: transcripts with named speakers in which random turns
//! are given another speaker of the same transcript. Prints the figures (run with
//! `cargo test --test assist -- --nocapture`) and asserts the text-only targets of issue 12:
//! - at least half of the swapped turns are found (a finding on the turn, or a merge with it);
//! - at most one speaker-kind finding per 20 turns on the unmodified transcripts.
//!
//! Sources: the seed panel, every transcript in `../shared/corpus` with two or more named
//! speakers, the phone call in `../shared/voices/pyannote-sample` (its words, from the .stm), and
//! two conversations written for this test (`tests/assist/`).

use std::path::Path;
use turnfix::assist::{self, Context, Finding};
use turnfix::formats::read_path;
use turnfix::model::{SpeakerId, Transcript, TranscriptBuilder};

#[path = "common/shared.rs"]
mod common;

/// Variants per transcript, and turns swapped in each.
const VARIANTS: usize = 12;
const SWAPS: usize = 3;

fn is_named(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !(n.starts_with("unknown") || n.starts_with("speaker") || n.chars().any(|c| c.is_ascii_digit()))
}

fn named_speakers(doc: &Transcript) -> Vec<SpeakerId> {
    let counts = doc.turn_counts();
    doc.speakers
        .iter()
        .filter(|s| is_named(&s.name) && counts.get(&s.id).is_some_and(|&n| n > 0))
        .map(|s| s.id)
        .collect()
}

/// The transcripts with named speakers: (name, document).
fn sources() -> Vec<(String, Transcript)> {
    let mut out = Vec::new();
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/assist");
    for f in ["interview.txt", "meeting.txt"] {
        let doc = read_path(&own.join(f), None).unwrap().doc;
        out.push((format!("written/{f}"), doc));
    }
    if let Some(p) = common::shared("fixtures/seed-panel/transcript.txt") {
        out.push(("seed-panel".into(), read_path(&p, None).unwrap().doc));
    }
    if let Some(dir) = common::shared("corpus") {
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for p in files {
            if p.extension().is_some_and(|e| e == "tsv") {
                continue;
            }
            let Ok(import) = read_path(&p, None) else { continue };
            if named_speakers(&import.doc).len() >= 2 && import.doc.turns.len() >= 10 {
                out.push((format!("corpus/{}", p.file_name().unwrap().to_string_lossy()), import.doc));
            }
        }
    }
    if let Some(p) = common::shared("voices/pyannote-sample") {
        let stm = std::fs::read_dir(&p)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "stm"));
        if let Some(stm) = stm {
            let mut b = TranscriptBuilder::new();
            for line in std::fs::read_to_string(stm).unwrap().lines() {
                let f: Vec<&str> = line.splitn(6, ' ').collect();
                if f.len() == 6 {
                    let start = (f[3].parse::<f64>().unwrap() * 1000.0) as u64;
                    let end = (f[4].parse::<f64>().unwrap() * 1000.0) as u64;
                    b.push(Some(f[2]), Some(start), Some(end), f[5]);
                }
            }
            out.push(("voices/pyannote-sample".into(), b.finish()));
        }
    }
    out
}

/// A small deterministic generator (no test depends on a random crate).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// A variant of `doc` with `SWAPS` turns (by named speakers) given another named speaker.
fn variant(doc: &Transcript, rng: &mut Lcg) -> (Transcript, Vec<usize>) {
    let named = named_speakers(doc);
    let mut d = doc.clone();
    let eligible: Vec<usize> = (0..d.turns.len()).filter(|&i| named.contains(&d.turns[i].speaker)).collect();
    let mut swapped = Vec::new();
    while swapped.len() < SWAPS.min(eligible.len()) {
        let i = eligible[rng.below(eligible.len())];
        if swapped.iter().any(|&s: &usize| s.abs_diff(i) < 2) {
            continue;
        }
        let others: Vec<SpeakerId> = named.iter().copied().filter(|&s| s != d.turns[i].speaker).collect();
        d.turns[i].speaker = others[rng.below(others.len())];
        swapped.push(i);
    }
    (d, swapped)
}

fn found(findings: &[Finding], i: usize) -> bool {
    findings.iter().any(|f| f.covers(i))
}

#[test]
fn text_only_targets() {
    let cx = Context::default();
    let mut total = (0usize, 0usize, 0usize, 0usize); // swapped, found, found in top 10, found by a speaker kind
    let mut unmodified = (0usize, 0usize); // turns, speaker-kind findings
    println!(
        "{:<58} {:>6} {:>8} {:>8} {:>8} {:>10}",
        "transcript", "turns", "found", "top-10", "speaker", "unmodified"
    );
    let mut worst_unmodified = Vec::new();
    for (name, doc) in sources() {
        let base = assist::check(&doc, &cx);
        let fp = base.iter().filter(|f| f.kind.is_speaker_kind()).count();
        unmodified.0 += doc.turns.len();
        unmodified.1 += fp;
        if fp * 20 > doc.turns.len().max(20) {
            worst_unmodified.push(format!("{name}: {fp} speaker-kind findings in {} turns", doc.turns.len()));
        }
        let mut rng = Lcg(0x5eed ^ doc.turns.len() as u64);
        let mut t = (0usize, 0usize, 0usize, 0usize);
        for _ in 0..VARIANTS {
            let (d, swapped) = variant(&doc, &mut rng);
            let f = assist::check(&d, &cx);
            let speaker: Vec<Finding> = f.iter().filter(|f| f.kind.is_speaker_kind()).cloned().collect();
            for &i in &swapped {
                t.0 += 1;
                t.1 += usize::from(found(&f, i));
                t.2 += usize::from(found(&f[..f.len().min(10)], i));
                t.3 += usize::from(found(&speaker, i));
            }
        }
        let pct = |n: usize| 100.0 * n as f64 / t.0.max(1) as f64;
        println!(
            "{:<58} {:>6} {:>7.0}% {:>7.0}% {:>7.0}% {:>5} ({:.1}/20)",
            name,
            doc.turns.len(),
            pct(t.1),
            pct(t.2),
            pct(t.3),
            fp,
            20.0 * fp as f64 / doc.turns.len() as f64
        );
        total = (total.0 + t.0, total.1 + t.1, total.2 + t.2, total.3 + t.3);
    }
    let recall = total.1 as f64 / total.0.max(1) as f64;
    println!(
        "all: {} swapped turns; found {:.1}%, in the top 10 {:.1}%, by a speaker kind {:.1}%; \
         unmodified: {} speaker-kind findings in {} turns ({:.2} per 20)",
        total.0,
        100.0 * recall,
        100.0 * total.2 as f64 / total.0.max(1) as f64,
        100.0 * total.3 as f64 / total.0.max(1) as f64,
        unmodified.1,
        unmodified.0,
        20.0 * unmodified.1 as f64 / unmodified.0.max(1) as f64
    );
    assert!(recall >= 0.5, "recall of swapped turns {recall:.3} is below one half");
    assert!(worst_unmodified.is_empty(), "more than one speaker-kind finding per 20 turns: {worst_unmodified:#?}");
}

/// The seed panel's known problems are found: its misspelt names and unheard markers.
#[test]
fn seed_panel_findings() {
    let Some(p) = common::shared("fixtures/seed-panel/transcript.txt") else { return };
    let doc = read_path(&p, None).unwrap().doc;
    let f = assist::check(&doc, &Context::default());
    let spelled: Vec<String> = f
        .iter()
        .filter(|f| f.kind == assist::Kind::NameSpelling)
        .map(|f| format!("{} -> {}", f.evidence["from"].as_str().unwrap(), f.evidence["to"].as_str().unwrap()))
        .collect();
    assert!(spelled.contains(&"Mariupal -> Mariupol".to_string()), "{spelled:?}");
    assert!(spelled.contains(&"Eli Yashin -> Ilya Yashin".to_string()), "{spelled:?}");
    let inaudible = f.iter().filter(|f| f.kind == assist::Kind::Inaudible).count();
    assert_eq!(inaudible, 4, "four turns hold [inaudible] or (inaudible]");
    assert!(f.windows(2).all(|w| w[0].score >= w[1].score));
}

/// `turnfix check --json` fills "issues" in the shape the issue gives, highest score first.
#[test]
fn cli_check_json_issues() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.txt");
    std::fs::write(
        &p,
        "Ann Lee  0:00  \nWhat do you think, Bob?\n\nCy Diaz  0:05  \nI think it is fine and\n\nCy Diaz  0:09  \nthat is all.\n\nBob Ray  0:15  \nThank you, Cy.\n\n",
    )
    .unwrap();
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_turnfix")).arg("check").arg(&p).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let issues = v["issues"].as_array().unwrap();
    assert!(!issues.is_empty());
    for i in issues {
        for k in ["turn", "turn_id", "kind", "message", "score", "evidence", "suggestion"] {
            assert!(i.get(k).is_some(), "{k} missing in {i}");
        }
    }
    let scores: Vec<f64> = issues.iter().map(|i| i["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let handoff = issues.iter().find(|i| i["kind"] == "speaker-handoff").expect("a handoff");
    assert_eq!(handoff["turn"], 1);
    assert_eq!(handoff["suggestion"], serde_json::json!({"edit": "set-speaker", "speaker": "Bob Ray"}));
    let split = issues.iter().find(|i| i["kind"] == "split-sentence").expect("a split sentence");
    assert_eq!(split["suggestion"], serde_json::json!({"edit": "merge-next"}));
}

/// `turnfix check --audio` on an assembled conversation (`../shared/voices/libri-conv-a`, its
/// first minute and a half) in which two consecutive turns of different speakers were merged
/// into one: the merged turn is reported as two voices, with a split near the true boundary,
/// and no unmodified turn is.
#[test]
fn cli_check_audio_reports_two_voices() {
    let Some(set) = common::shared("voices/libri-conv-a") else { return };
    let labels: serde_json::Value = serde_json::from_slice(&std::fs::read(set.join("labels.json")).unwrap()).unwrap();
    let turns: Vec<(String, u64, u64)> = labels["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (t["speaker"].as_str().unwrap().to_string(), t["start_ms"].as_u64().unwrap(), t["end_ms"].as_u64().unwrap())
        })
        .take_while(|t| t.2 < 90_000)
        .collect();
    let until_ms = turns.last().unwrap().2 + 500;
    // The recording's first minute and a half as a 16-bit WAV.
    let mut stream = turnfix::audio::decode::open(&set.join(labels["audio"].as_str().unwrap())).unwrap();
    let (rate, ch) = (stream.info().sample_rate, stream.info().channels as usize);
    let (mut samples, mut chunk) = (Vec::<i16>::new(), Vec::new());
    while samples.len() < (until_ms * rate as u64 / 1000) as usize && stream.next_chunk(&mut chunk).unwrap().is_some() {
        samples.extend(chunk.chunks_exact(ch).map(|f| (f[0].clamp(-1.0, 1.0) * 32767.0) as i16));
    }
    samples.truncate((until_ms * rate as u64 / 1000) as usize);
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("talk.wav");
    let mut b = Vec::new();
    let data = (samples.len() * 2) as u32;
    for part in [&b"RIFF"[..], &(36 + data).to_le_bytes(), b"WAVEfmt ", &16u32.to_le_bytes(), &1u16.to_le_bytes()] {
        b.extend_from_slice(part);
    }
    for part in [&1u16.to_le_bytes()[..], &rate.to_le_bytes(), &(rate * 2).to_le_bytes(), &2u16.to_le_bytes()] {
        b.extend_from_slice(part);
    }
    for part in [&16u16.to_le_bytes()[..], b"data", &data.to_le_bytes()] {
        b.extend_from_slice(part);
    }
    samples.iter().for_each(|s| b.extend_from_slice(&s.to_le_bytes()));
    std::fs::write(&wav, b).unwrap();
    // The first pair of consecutive turns of at least 4 s each, merged.
    let m = (0..turns.len() - 1)
        .find(|&i| turns[i].2 - turns[i].1 >= 4_000 && turns[i + 1].2 - turns[i + 1].1 >= 4_000)
        .unwrap();
    let mut doc = TranscriptBuilder::new();
    for (i, (who, s, _)) in turns.iter().enumerate() {
        if i != m + 1 {
            doc.push(Some(&format!("Reader {who}")), Some(*s), None, "Words.");
        }
    }
    let json = dir.path().join("talk.json");
    turnfix::session::save_json(&doc.finish(), &json).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_turnfix"))
        .arg("check")
        .arg(&json)
        .arg("--audio")
        .arg(&wav)
        .arg("--json")
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let two: Vec<&serde_json::Value> =
        v["issues"].as_array().unwrap().iter().filter(|i| i["kind"] == "two-voices").collect();
    assert_eq!(two.len(), 1, "only the merged turn: {two:?}");
    assert_eq!(two[0]["turn"], m, "{}", two[0]);
    assert_eq!(two[0]["suggestion"]["edit"], "split", "{}", two[0]);
    let at = two[0]["suggestion"]["at_ms"].as_u64().unwrap();
    let (end, next) = (turns[m].2, turns[m + 1].1);
    println!("two-voices on turn {m}: split at {at} ms, the voices change between {end} and {next} ms");
    assert!(at + 1_000 >= end && at <= next + 1_000, "split at {at} ms, the voice changes between {end} and {next}");
}

//! The correction assistant with audio, measured on the labelled recordings in
//! `../shared/voices` (the short sets; the 72-minute seed's voices are `benches/voice.rs`): each
//! turn's voice is embedded once (`audio::voice`), then variants in which random turns are given
//! another speaker of the same recording are checked with that voice evidence
//! (`assist::check`). A bench binary, not a test, because embedding ~15 minutes of speech takes
//! minutes in a debug build. Prints the figures (`cargo bench --bench assist_voice`):
//! - recall of the swapped turns among the speaker-kind findings, and among the top 10;
//! - speaker-kind findings per 20 turns on the unmodified labels.
//!
//! `ASSIST_VOICE_CACHE=DIR` keeps the embeddings in DIR, so later runs (tuning `assist::voice`)
//! take seconds.
//!
//! Exits non-zero when the assembled conversation's recall falls under 95% (issue 12's target;
//! the figures against every target are in docs/performance.md).

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use turnfix::assist::{self, Context, TurnVoice, VoiceEvidence};
use turnfix::audio::voice::{AnalyzeOptions, TurnSpan, VoiceEncoder, analyze_recording};
use turnfix::model::{Transcript, TranscriptBuilder};

#[path = "../tests/common/shared.rs"]
mod common;

const VARIANTS: usize = 20;
const SWAPS: usize = 3;

struct Set {
    name: String,
    doc: Transcript,
    voice: VoiceEvidence,
}

/// The labelled turns as a transcript (no words: only the voice and timing checks have
/// anything to go on), and each turn's voice from its labelled span.
fn load(dir: &Path, enc: &mut VoiceEncoder) -> Option<Set> {
    let labels: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("labels.json")).ok()?).ok()?;
    let audio = dir.join(labels["audio"].as_str()?);
    let mut b = TranscriptBuilder::new();
    let mut spans = Vec::new();
    for t in labels["turns"].as_array()? {
        let (s, e) = (t["start_ms"].as_u64()?, t["end_ms"].as_u64()?);
        b.push(Some(t["speaker"].as_str()?), Some(s), Some(e), "Yes.");
        spans.push(TurnSpan { start_ms: s, end_ms: e, speech: Some(vec![(s, e)]) });
    }
    let doc = b.finish();
    let name = dir.file_name()?.to_string_lossy().into_owned();
    // `ASSIST_VOICE_CACHE=DIR` keeps each set's embeddings between runs (tuning the checks
    // without re-embedding); delete the directory after changing the encoder.
    let cache = std::env::var_os("ASSIST_VOICE_CACHE").map(|d| Path::new(&d).join(format!("{name}.json")));
    let cached: Option<Vec<Option<Vec<f32>>>> =
        cache.as_ref().and_then(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok());
    let emb = match cached {
        Some(e) if e.len() == spans.len() => e,
        _ => {
            let mut emb = vec![None; spans.len()];
            let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
            let stop = AtomicBool::new(false);
            analyze_recording(enc, &audio, &spans, &opts, &stop, |_| {}, |tv| emb[tv.turn] = tv.embedding).unwrap();
            if let Some(p) = &cache {
                let _ = std::fs::create_dir_all(p.parent()?);
                let _ = std::fs::write(p, serde_json::to_vec(&emb).ok()?);
            }
            emb
        }
    };
    let voice = VoiceEvidence {
        turns: doc.turns.iter().zip(emb).filter_map(|(t, e)| Some(TurnVoice::embedded(t.id, e?))).collect(),
    };
    Some(Set { name, doc, voice })
}

/// A small deterministic generator (xorshift), so the figures repeat.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The turns with a speaker-kind finding.
fn speaker_turns(doc: &Transcript, cx: &Context<'_>) -> Vec<usize> {
    let f = assist::check(doc, cx);
    f.iter().filter(|f| f.kind.is_speaker_kind()).filter_map(|f| doc.turn_index(f.turn_id)).collect()
}

#[derive(Default, Debug)]
struct Figures {
    swapped: usize,
    found: usize,
    found_top10: usize,
    turns: usize,
    false_alarms: usize,
}

fn measure(set: &Set) -> Figures {
    let cx = Context { audio_ms: None, voice: Some(&set.voice) };
    let mut fig = Figures { turns: set.doc.turns.len(), ..Figures::default() };
    fig.false_alarms = speaker_turns(&set.doc, &cx).len();
    let voiced: HashSet<_> = set.voice.turns.iter().map(|v| v.turn).collect();
    let candidates: Vec<usize> = (0..set.doc.turns.len()).filter(|&i| voiced.contains(&set.doc.turns[i].id)).collect();
    if set.doc.speakers.len() < 2 || candidates.len() < 4 {
        return fig;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..VARIANTS {
        let mut doc = set.doc.clone();
        let mut swapped = HashSet::new();
        while swapped.len() < SWAPS.min(candidates.len() / 4) {
            let i = candidates[rng.below(candidates.len())];
            let others: Vec<_> = doc.speakers.iter().map(|s| s.id).filter(|&s| s != set.doc.turns[i].speaker).collect();
            doc.turns[i].speaker = others[rng.below(others.len())];
            swapped.insert(i);
        }
        let all = assist::check(&doc, &cx);
        let on = |f: &&assist::Finding| f.kind.is_speaker_kind();
        let speaker: Vec<usize> = all.iter().filter(on).filter_map(|f| doc.turn_index(f.turn_id)).collect();
        // The top 10 of the one ranked list (every kind), its speaker-kind findings.
        let top: Vec<usize> = all.iter().take(10).filter(on).filter_map(|f| doc.turn_index(f.turn_id)).collect();
        fig.swapped += swapped.len();
        fig.found += swapped.iter().filter(|i| speaker.contains(i)).count();
        fig.found_top10 += swapped.iter().filter(|i| top.contains(i)).count();
    }
    fig
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Some(root) = common::shared("voices") else { return };
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    // Under `cargo test` (no `--bench`): the assembled conversation only, whose recall is checked
    // below; `cargo bench --bench assist_voice` measures every set.
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        println!("assist_voice: smoke run on libri-conv-a (use `cargo bench --bench assist_voice` for every set)");
        dirs.retain(|d| d.file_name().is_some_and(|n| n.to_string_lossy().starts_with("libri")));
    }
    let mut enc = VoiceEncoder::bundled().unwrap();
    let (mut libri, mut ami) = (Figures::default(), Figures::default());
    let (mut turns, mut alarms) = (0, 0);
    println!("{:<22} {:>5} {:>8} {:>8} {:>8} {:>12}", "set", "turns", "swapped", "found", "top10", "alarms/20");
    for d in dirs {
        let Some(set) = load(&d, &mut enc) else { continue };
        let f = measure(&set);
        println!(
            "{:<22} {:>5} {:>8} {:>8} {:>8} {:>12.2}",
            set.name,
            f.turns,
            f.swapped,
            f.found,
            f.found_top10,
            f.false_alarms as f64 * 20.0 / f.turns.max(1) as f64
        );
        turns += f.turns;
        alarms += f.false_alarms;
        let into = if set.name.starts_with("libri") { &mut libri } else { &mut ami };
        if set.name.starts_with("libri") || set.name.starts_with("ami") {
            into.swapped += f.swapped;
            into.found += f.found;
            into.found_top10 += f.found_top10;
        }
    }
    let pct = |f: &Figures| 100.0 * f.found as f64 / f.swapped.max(1) as f64;
    println!("assembled (libri): recall {:.0}% of {} swapped", pct(&libri), libri.swapped);
    println!("same-room (AMI):   recall {:.0}% of {} swapped", pct(&ami), ami.swapped);
    let per20 = alarms as f64 * 20.0 / turns.max(1) as f64;
    println!("unmodified: {alarms} speaker-kind findings over {turns} turns = {per20:.2} per 20 turns");
    if libri.swapped == 0 || pct(&libri) < 95.0 {
        eprintln!("assembled conversation: recall {:.0}%, under the 95% target", pct(&libri));
        std::process::exit(1);
    }
}

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
    let emb = cached_embeddings(&name, spans.len(), || {
        let mut emb = vec![None; spans.len()];
        let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
        let stop = AtomicBool::new(false);
        analyze_recording(enc, &audio, &spans, &opts, &stop, |_| {}, |tv| emb[tv.turn] = tv.embedding).unwrap();
        emb
    });
    let voice = VoiceEvidence {
        turns: doc.turns.iter().zip(emb).filter_map(|(t, e)| Some(TurnVoice::embedded(t.id, e?))).collect(),
    };
    Some(Set { name, doc, voice })
}

/// Embeddings cached in `ASSIST_VOICE_CACHE` under `name`, or computed by `compute`.
fn cached_embeddings(name: &str, n: usize, compute: impl FnOnce() -> Vec<Option<Vec<f32>>>) -> Vec<Option<Vec<f32>>> {
    let cache = std::env::var_os("ASSIST_VOICE_CACHE").map(|d| Path::new(&d).join(format!("{name}.json")));
    let cached: Option<Vec<Option<Vec<f32>>>> =
        cache.as_ref().and_then(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok());
    match cached {
        Some(e) if e.len() == n => e,
        _ => {
            let emb = compute();
            if let Some(p) = &cache {
                let _ = p.parent().map(std::fs::create_dir_all);
                let _ = serde_json::to_vec(&emb).map(|b| std::fs::write(p, b));
            }
            emb
        }
    }
}

/// The 72-minute seed panel as the editor meets it: the web-page transcript (with its words,
/// so the text checks take part too), its speech map from the one pass over the recording, and
/// every turn's voice through `embed_turns`, exactly what `turnfix check --audio` does.
fn load_seed() -> Option<Set> {
    let dir = common::shared("fixtures/seed-panel")?;
    let doc = turnfix::formats::read_path(&dir.join("transcript.txt"), None).ok()?.doc;
    let audio = dir.join("recording.mp3");
    let stop = AtomicBool::new(false);
    let emb = cached_embeddings("seed-panel", doc.turns.len(), || {
        let an = turnfix::audio::analysis::load_or_compute(&audio, &stop, |_| {}).unwrap();
        let map = an.speech.map();
        turnfix::audio::voice::turns::embed_turns(&audio, &doc, Some(&map), an.duration_ms(), &stop, |_| {}).unwrap()
    });
    let voice = VoiceEvidence {
        turns: doc.turns.iter().zip(emb).filter_map(|(t, e)| Some(TurnVoice::embedded(t.id, e?))).collect(),
    };
    Some(Set { name: "seed-panel".into(), doc, voice })
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
    /// The swapped turns with audio of their own (words, and a time window no other turn
    /// shares: `assist::has_own_audio`), and how many of them were found.
    swapped_own: usize,
    found_own: usize,
}

fn measure(set: &Set) -> Figures {
    let cx = Context { audio_ms: None, voice: Some(&set.voice) };
    let mut fig = Figures { turns: set.doc.turns.len(), ..Figures::default() };
    fig.false_alarms = speaker_turns(&set.doc, &cx).len();
    // `ASSIST_VOICE_SHOW=1`: print the findings on the unmodified labels (what to tune against).
    if std::env::var_os("ASSIST_VOICE_SHOW").is_some() {
        for f in assist::check(&set.doc, &cx).iter().filter(|f| f.kind.is_speaker_kind()) {
            let i = set.doc.turn_index(f.turn_id).unwrap_or(0);
            let t = &set.doc.turns[i];
            let len = set.doc.effective_end(i) - t.start_ms;
            println!("  {} turn {i} ({len} ms) {} {:.2}: {}", set.name, f.kind.id(), f.score, f.message);
        }
    }
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
        if std::env::var_os("ASSIST_VOICE_SHOW").is_some() {
            for &i in swapped.iter().filter(|i| !speaker.contains(i)) {
                let t = &doc.turns[i];
                println!(
                    "  {} missed turn {i} ({} ms, {} words)",
                    set.name,
                    doc.effective_end(i) - t.start_ms,
                    t.text.split_whitespace().count()
                );
            }
        }
        let own: Vec<usize> = swapped.iter().copied().filter(|&i| assist::has_own_audio(&doc, i)).collect();
        fig.swapped_own += own.len();
        fig.found_own += own.iter().filter(|i| speaker.contains(i)).count();
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
    let (mut libri, mut ami, mut seed) = (Figures::default(), Figures::default(), Figures::default());
    let (mut turns, mut alarms) = (0, 0);
    println!("{:<22} {:>5} {:>8} {:>8} {:>8} {:>12}", "set", "turns", "swapped", "found", "top10", "alarms/20");
    let sets = dirs.iter().filter_map(|d| load(d, &mut enc)).chain(full.then(load_seed).flatten());
    for set in sets {
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
        let into = match set.name.as_str() {
            "seed-panel" => &mut seed,
            n if n.starts_with("libri") => &mut libri,
            _ => {
                // Same-room meetings and the phone call: their false alarms are counted together.
                turns += f.turns;
                alarms += f.false_alarms;
                if !set.name.starts_with("ami") {
                    continue;
                }
                &mut ami
            }
        };
        into.swapped += f.swapped;
        into.found += f.found;
        into.found_top10 += f.found_top10;
        into.turns += f.turns;
        into.false_alarms += f.false_alarms;
        into.swapped_own += f.swapped_own;
        into.found_own += f.found_own;
    }
    let pct = |f: &Figures| 100.0 * f.found as f64 / f.swapped.max(1) as f64;
    let per20 = |a: usize, t: usize| a as f64 * 20.0 / t.max(1) as f64;
    for (name, f) in [("assembled (libri)", &libri), ("seed panel", &seed), ("same-room (AMI)", &ami)] {
        if f.swapped > 0 {
            println!(
                "{name:<18} recall {:.0}% of {} swapped ({:.0}% in the top 10; {:.0}% of the {} with audio of their own); unmodified {:.2} per 20 turns",
                pct(f),
                f.swapped,
                100.0 * f.found_top10 as f64 / f.swapped as f64,
                100.0 * f.found_own as f64 / f.swapped_own.max(1) as f64,
                f.swapped_own,
                per20(f.false_alarms, f.turns)
            );
        }
    }
    println!(
        "AMI + phone, unmodified: {alarms} speaker-kind findings over {turns} turns = {:.2} per 20 turns",
        per20(alarms, turns)
    );
    if libri.swapped == 0 || pct(&libri) < 95.0 {
        eprintln!("assembled conversation: recall {:.0}%, under the 95% target", pct(&libri));
        std::process::exit(1);
    }
}

//! Whose voice: the Rust GE2E encoder against Resemblyzer's own output, and the figures on real
//! speech (../shared/voices) and on the seed panel (espeak voices). The figures are printed and
//! the targets asserted; see docs/audio.md for the table.

#[path = "common/shared.rs"]
mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use turnfix::audio::decode;
use turnfix::audio::voice::features::standardize;
use turnfix::audio::voice::{
    AnalyzeOptions, SpeakerIndex, TurnSpan, TurnVoice, VoiceEncoder, analyze_recording, analyze_samples, cosine,
    equal_error_rate, one_pass, turn_weight,
};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/voice").join(name)
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
}

#[test]
fn rust_encoder_matches_resemblyzer_on_the_reference_sample() {
    let r: Value = serde_json::from_slice(&std::fs::read(fixture("reference.json")).unwrap()).unwrap();
    let pcm = std::fs::read(fixture("sample.i16")).unwrap();
    let wav: Vec<f32> = pcm.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 / 32768.0).collect();
    assert_eq!(wav.len() as u64, r["n_samples"].as_u64().unwrap());
    let mut enc = VoiceEncoder::bundled().unwrap();

    // The mel front end, on the volume-normalised samples as Resemblyzer sees them.
    let mut norm = wav.clone();
    turnfix::audio::voice::embed::normalize_volume(&mut norm);
    let frames = r["mel_frames"].as_u64().unwrap() as usize;
    let mel = enc.mel_frames(&norm, 0, frames);
    let sums = floats(&r["mel_frame_sums"]);
    let mut worst = 0.0f32;
    for (t, want) in sums.iter().enumerate() {
        let got: f32 = mel[t * 40..(t + 1) * 40].iter().sum();
        worst = worst.max((got - want).abs() / want.abs().max(1e-3));
    }
    for (t, row) in r["mel_rows"].as_object().unwrap() {
        let t: usize = t.parse().unwrap();
        let want = floats(row);
        let scale = want.iter().cloned().fold(1e-6f32, f32::max);
        for (g, w) in mel[t * 40..(t + 1) * 40].iter().zip(&want) {
            assert!((g - w).abs() <= 1e-4 * scale, "mel frame {t}: {g} vs {w}");
        }
    }
    println!("mel: worst relative error of a frame's sum {worst:.2e}");
    assert!(worst < 1e-3);

    // Partials and embeddings.
    let starts: Vec<u64> = r["partials"].as_array().unwrap().iter().map(|p| p[0].as_u64().unwrap()).collect();
    let mine: Vec<u64> = turnfix::audio::voice::embed::partial_starts(wav.len()).iter().map(|&s| s as u64).collect();
    assert_eq!(mine, starts);
    let (embed, parts) = enc.embed_utterance(&wav);
    for (i, p) in r["partial_embeddings"].as_array().unwrap().iter().enumerate() {
        let c = cosine(&parts[i], &floats(p));
        println!("partial {i}: cosine {c:.6}");
        assert!(c >= 0.999);
    }
    let c = cosine(&embed, &floats(&r["embedding"]));
    println!("utterance embedding: cosine to Resemblyzer {c:.6}");
    assert!(c >= 0.999, "cosine {c}");
}

#[test]
fn weights_file_errors_name_the_problem() {
    use turnfix::audio::voice::lstm::Encoder;
    assert!(Encoder::from_bytes(b"nonsense").err().unwrap().contains("bad magic"));
    let bundled = turnfix::audio::voice::lstm::BUNDLED;
    assert!(Encoder::from_bytes(&bundled[..1000]).err().unwrap().contains("truncated"));
    let missing = std::env::temp_dir().join("turnfix-no-such-weights.f16");
    let e = Encoder::load(&missing).err().unwrap().to_string();
    assert!(e.contains("turnfix-no-such-weights.f16"), "{e}");
}

// ---- figures -------------------------------------------------------------------------------

/// A labelled set: turns with their speaker (as an index) and 16 kHz samples.
struct Set {
    name: String,
    speakers: Vec<String>,
    turns: Vec<(usize, TurnSpan)>,
    /// (turn, labelled speaker) where probe_mislabelled.json gives a wrong label.
    probes: Vec<(usize, usize)>,
}

fn decode_16k(path: &Path) -> Vec<f32> {
    let mut s = decode::open(path).unwrap();
    assert_eq!(s.info().sample_rate, 16000, "{}", path.display());
    let ch = s.info().channels as usize;
    let (mut out, mut chunk) = (Vec::new(), Vec::new());
    while s.next_chunk(&mut chunk).unwrap().is_some() {
        out.extend(chunk.chunks_exact(ch).map(|f| f.iter().sum::<f32>() / ch as f32));
    }
    out
}

/// A turn's speech: its labelled span without the parts where another speaker's turn overlaps
/// (the whole span when too little is left).
fn own_speech(turns: &[(usize, u64, u64)], i: usize) -> Vec<(u64, u64)> {
    let (spk, s, e) = turns[i];
    let mut spans = vec![(s, e)];
    for (j, &(o, os, oe)) in turns.iter().enumerate() {
        if j == i || o == spk || oe <= s || os >= e {
            continue;
        }
        spans = spans
            .into_iter()
            .flat_map(|(a, b)| {
                let mut v = Vec::new();
                if os > a {
                    v.push((a, os.min(b)));
                }
                if oe < b {
                    v.push((oe.max(a), b));
                }
                v
            })
            .filter(|(a, b)| b > a)
            .collect();
    }
    if spans.iter().map(|(a, b)| b - a).sum::<u64>() < 500 { vec![(s, e)] } else { spans }
}

fn load_voices_set(dir: &Path) -> (Set, Vec<f32>) {
    let labels: Value = serde_json::from_slice(&std::fs::read(dir.join("labels.json")).unwrap()).unwrap();
    let speakers: Vec<String> =
        labels["speakers"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    let idx = |s: &str| speakers.iter().position(|x| x == s).unwrap();
    let raw: Vec<(usize, u64, u64)> = labels["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (idx(t["speaker"].as_str().unwrap()), t["start_ms"].as_u64().unwrap(), t["end_ms"].as_u64().unwrap()))
        .collect();
    let turns = (0..raw.len())
        .map(|i| (raw[i].0, TurnSpan { start_ms: raw[i].1, end_ms: raw[i].2, speech: Some(own_speech(&raw, i)) }))
        .collect();
    let mut probes = Vec::new();
    if let Ok(bytes) = std::fs::read(dir.join("probe_mislabelled.json")) {
        let p: Value = serde_json::from_slice(&bytes).unwrap();
        for (i, t) in p["turns"].as_array().unwrap().iter().enumerate() {
            if t["mislabelled"].as_bool() == Some(true) {
                assert_eq!(idx(t["true_speaker"].as_str().unwrap()), raw[i].0);
                probes.push((i, idx(t["labelled_speaker"].as_str().unwrap())));
            }
        }
    }
    let audio = dir.join(labels["audio"].as_str().unwrap());
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    (Set { name, speakers, turns, probes }, decode_16k(&audio))
}

/// Figures of one set for one kind of vector (embedding or features).
#[derive(Debug)]
struct Figures {
    eer: f32,
    id_correct: usize,
    id_total: usize,
    probes_ok: usize,
    probes: usize,
}

impl Figures {
    fn id(&self) -> f32 {
        if self.id_total == 0 { f32::NAN } else { self.id_correct as f32 / self.id_total as f32 }
    }
}

fn figures(set: &Set, vectors: &[Option<Vec<f32>>], speech_ms: &[u64]) -> Figures {
    let n_spk = set.speakers.len();
    let mut ix = SpeakerIndex::new(n_spk);
    for (i, v) in vectors.iter().enumerate() {
        if let Some(v) = v {
            ix.add_weighted(i, set.turns[i].0, v.clone(), turn_weight(speech_ms[i]));
        }
    }
    let (mut same, mut diff) = (Vec::new(), Vec::new());
    for a in 0..vectors.len() {
        for b in a + 1..vectors.len() {
            if let Some(s) = ix.pair(a, b) {
                if set.turns[a].0 == set.turns[b].0 { same.push(s) } else { diff.push(s) }
            }
        }
    }
    let (mut id_correct, mut id_total) = (0, 0);
    for (i, (spk, _)) in set.turns.iter().enumerate() {
        // Identification needs ≥ 2 s of speech and another turn of the same speaker.
        if speech_ms[i] < 2000 || ix.embedding(i).is_none() || ix.count(*spk) < 2 {
            continue;
        }
        id_total += 1;
        if ix.best(i).map(|b| b.0) == Some(*spk) {
            id_correct += 1;
        }
    }
    // Probes: the labels as the probe file has them.
    let mut probes_ok = 0;
    let mut px = SpeakerIndex::new(n_spk);
    for (i, v) in vectors.iter().enumerate() {
        let lab = set.probes.iter().find(|p| p.0 == i).map_or(set.turns[i].0, |p| p.1);
        if let Some(v) = v {
            px.add_weighted(i, lab, v.clone(), turn_weight(speech_ms[i]));
        }
    }
    for &(turn, label) in &set.probes {
        let sims = px.similarities(turn);
        let score = |s: usize| sims.iter().find(|x| x.0 == s).map(|x| x.1);
        if let (Some(t), Some(l)) = (score(set.turns[turn].0), score(label)) {
            probes_ok += usize::from(t > l);
        }
    }
    Figures { eer: equal_error_rate(&same, &diff), id_correct, id_total, probes_ok, probes: set.probes.len() }
}

fn run_set(enc: &mut VoiceEncoder, set: &Set, wav: &[f32]) -> (Figures, Figures) {
    let spans: Vec<TurnSpan> = set.turns.iter().map(|t| t.1.clone()).collect();
    let mut got: Vec<Option<TurnVoice>> = vec![None; spans.len()];
    analyze_samples(enc, wav, &spans, &AnalyzeOptions::default(), |tv| {
        let i = tv.turn;
        got[i] = Some(tv);
    });
    collect(set, got)
}

fn collect(set: &Set, got: Vec<Option<TurnVoice>>) -> (Figures, Figures) {
    let got: Vec<TurnVoice> = got.into_iter().map(|g| g.expect("every turn reported")).collect();
    let speech: Vec<u64> = got.iter().map(|g| g.speech_ms).collect();
    let emb: Vec<Option<Vec<f32>>> = got.iter().map(|g| g.embedding.clone()).collect();
    let feats: Vec<Option<Vec<f32>>> = got.iter().map(|g| g.features.as_ref().map(|f| f.vector())).collect();
    // Standardise the features over the set's turns that have them.
    let mut present: Vec<Vec<f32>> = feats.iter().flatten().cloned().collect();
    standardize(&mut present);
    let mut it = present.into_iter();
    let feats: Vec<Option<Vec<f32>>> = feats.iter().map(|f| f.as_ref().and_then(|_| it.next())).collect();
    let (fe, ff) = (figures(set, &emb, &speech), figures(set, &feats, &speech));
    println!(
        "{:<22} turns {:>3}  EER emb {:.3} feat {:.3}  id(≥2 s) emb {}/{} feat {}/{}  probes emb {}/{} feat {}/{}",
        set.name,
        set.turns.len(),
        fe.eer,
        ff.eer,
        fe.id_correct,
        fe.id_total,
        ff.id_correct,
        ff.id_total,
        fe.probes_ok,
        fe.probes,
        ff.probes_ok,
        ff.probes
    );
    (fe, ff)
}

#[test]
fn libri_conv_a_identifies_speakers_and_catches_the_mislabelled_turns() {
    let Some(dir) = common::shared("voices/libri-conv-a") else { return };
    let mut enc = VoiceEncoder::bundled().unwrap();
    let (set, wav) = load_voices_set(&dir);
    let (e, f) = run_set(&mut enc, &set, &wav);
    assert!(e.id() >= 0.95, "identification {}", e.id());
    assert_eq!(e.probes_ok, e.probes);
    assert!(e.probes >= 1);
    assert!(e.eer < f.eer, "the embedding beats the simple features");
}

#[test]
fn real_recordings_figures_and_probes() {
    let Some(root) = common::shared("voices") else { return };
    let mut enc = VoiceEncoder::bundled().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|d| d.path().join("labels.json").exists())
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "libri-conv-a")
        .collect();
    names.sort();
    let (mut probes_ok, mut probes, mut id_ok, mut id_n) = (0, 0, 0, 0);
    for name in names {
        let (set, wav) = load_voices_set(&root.join(&name));
        let (e, _) = run_set(&mut enc, &set, &wav);
        probes_ok += e.probes_ok;
        probes += e.probes;
        id_ok += e.id_correct;
        id_n += e.id_total;
    }
    println!("all real sets but libri-conv-a: id {id_ok}/{id_n}, probes {probes_ok}/{probes}");
    // Target: every probe closer to its true speaker. Met since the centroids weigh each turn
    // by its speech (12 of 12; 10 of 12 with every turn weighing the same: docs/audio.md).
    assert!(probes >= 12 && probes_ok == probes, "probes {probes_ok}/{probes}");
}

/// The seed panel's turns: each turn's window as otter gives it (from its timestamp to the next
/// turn's), with its speech span as the ground truth has it.
fn seed_set(dir: &Path) -> Set {
    let gt: Value = serde_json::from_slice(&std::fs::read(dir.join("ground-truth.json")).unwrap()).unwrap();
    let gturns = gt["turns"].as_array().unwrap();
    let mut speakers: Vec<String> = Vec::new();
    let mut turns = Vec::new();
    for (i, t) in gturns.iter().enumerate() {
        let name = t["speaker"].as_str().unwrap().to_string();
        let spk = speakers.iter().position(|s| *s == name).unwrap_or_else(|| {
            speakers.push(name.clone());
            speakers.len() - 1
        });
        // The turn's window as otter gives it (from its timestamp to the next turn's), with its
        // speech span as the VAD reports it (here: the ground truth's).
        let start = t["start_ms"].as_u64().unwrap();
        let end = gturns.get(i + 1).map_or(gt["duration_ms"].as_u64().unwrap(), |n| n["start_ms"].as_u64().unwrap());
        let speech = (t["speech_start_ms"].as_u64().unwrap(), t["speech_end_ms"].as_u64().unwrap());
        turns.push((spk, TurnSpan { start_ms: start, end_ms: end.max(start), speech: Some(vec![speech]) }));
    }
    Set { name: "seed-panel".into(), speakers, turns, probes: Vec::new() }
}

#[test]
fn seed_panel_identifies_the_espeak_voices_from_one_streaming_pass() {
    let Some(dir) = common::shared("fixtures/seed-panel") else { return };
    let set = seed_set(&dir);
    let spans: Vec<TurnSpan> = set.turns.iter().map(|t| t.1.clone()).collect();
    let mut enc = VoiceEncoder::bundled().unwrap();
    let mut got: Vec<Option<TurnVoice>> = vec![None; spans.len()];
    let mut order = Vec::new();
    let mut last_progress = 0.0f32;
    let stats = analyze_recording(
        &mut enc,
        &dir.join("recording.mp3"),
        &spans,
        &AnalyzeOptions::default(),
        &AtomicBool::new(false),
        |p| {
            assert!(p >= last_progress);
            last_progress = p;
        },
        |tv| {
            order.push(tv.turn);
            let i = tv.turn;
            got[i] = Some(tv);
        },
    )
    .unwrap();
    assert_eq!(last_progress, 1.0);
    assert_eq!(order.len(), spans.len(), "each turn reported once");
    println!("seed: peak buffer {:.1} s", stats.peak_buffer_samples as f32 / 16000.0);
    let (e, f) = collect(&set, got);
    assert!(e.id() >= 0.98, "identification {}", e.id());
    assert!(f.id_total == e.id_total);
    assert!(stats.peak_buffer_samples <= 16000 * 65, "held {} samples", stats.peak_buffer_samples);
}

/// The seed panel through the one pass (`voice::one_pass`: the decode that gives the peaks and
/// the speech activity gives the voices; each turn's speech cut by the energy gate, the speech
/// map being unknown during the pass), and again with each turn's speech cut by the speech map
/// the pass found (what `turnfix check --audio` does once the analysis is cached). Prints the
/// leave-one-out identification both ways.
#[test]
fn seed_panel_one_pass_gate_cut_and_map_cut() {
    let Some(dir) = common::shared("fixtures/seed-panel") else { return };
    let mut set = seed_set(&dir);
    let rec = dir.join("recording.mp3");
    for t in &mut set.turns {
        t.1.speech = None;
    }
    let gate: Vec<TurnSpan> = set.turns.iter().map(|t| t.1.clone()).collect();
    let mut enc = VoiceEncoder::bundled().unwrap();
    let source = decode::open(&rec).unwrap().source();
    let mut got: Vec<Option<TurnVoice>> = vec![None; gate.len()];
    let stop = AtomicBool::new(false);
    let t0 = std::time::Instant::now();
    let (an, stats) = one_pass(
        &mut enc,
        &source,
        &gate,
        &AnalyzeOptions::default(),
        &stop,
        |_| {},
        |tv| {
            let i = tv.turn;
            got[i] = Some(tv);
        },
    )
    .unwrap();
    println!(
        "seed one pass (gate-cut): {:.1} s, {} stretches, peak buffer {:.1} s",
        t0.elapsed().as_secs_f32(),
        stats.stretches,
        stats.peak_buffer_samples as f32 / 16000.0
    );
    set.name = "seed one pass gate-cut".into();
    let (gate_e, _) = collect(&set, got);
    let map = an.speech.map();
    for t in &mut set.turns {
        t.1.speech = Some(map.turn_segments(t.1.start_ms, t.1.end_ms));
    }
    let spans: Vec<TurnSpan> = set.turns.iter().map(|t| t.1.clone()).collect();
    let mut got: Vec<Option<TurnVoice>> = vec![None; spans.len()];
    analyze_recording(
        &mut enc,
        &rec,
        &spans,
        &AnalyzeOptions::default(),
        &stop,
        |_| {},
        |tv| {
            let i = tv.turn;
            got[i] = Some(tv);
        },
    )
    .unwrap();
    set.name = "seed map-cut".into();
    let (map_e, _) = collect(&set, got);
    // Measured 35/36 both ways (3 Dec 2026); 36/36 with the ground truth's speech spans (above).
    assert!(map_e.id() >= 0.97, "map-cut identification {}", map_e.id());
    assert!(gate_e.id() >= 0.97, "gate-cut identification {}", gate_e.id());
    // Each of the two stretches holds at most a capped window (60 s) + 1 s; measured 122 s in
    // all (7.8 MB).
    assert!(stats.stretches == 2 && stats.peak_buffer_samples <= 2 * 16000 * 65, "held {}", stats.peak_buffer_samples);
}

//! One decode feeds the waveform peaks, the speech activity and the voice features (issue 11):
//! `voice::one_pass` against `analyze_recording` (its own decode) on a 70 s two-voice
//! recording made here, long enough that the pass splits over two threads, with a turn across
//! the split; and `voice::turns::analysis_and_voices_in`, what `turnfix check --audio` and
//! `turnfix analyze` run, uncached (the one pass) and cached (a decode for the voices alone).
//! The decodes are counted by `decode::frames_decoded()`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use turnfix::audio::decode::{self, frames_decoded};
use turnfix::audio::voice::turns::{analysis_and_voices_in, turn_spans};
use turnfix::audio::voice::{
    AnalyzeOptions, Stops, TurnSpan, TurnVoice, VoiceEncoder, VoiceError, analyze_recording, cosine, one_pass,
    one_pass_with,
};
use turnfix::audio::{AudioError, analysis};
use turnfix::model::{Transcript, TranscriptBuilder};

/// The decode counter is the process's: one test decodes at a time.
static DECODING: Mutex<()> = Mutex::new(());

const RATE: u32 = 16_000;
const SECONDS: u64 = 70;

/// A voice: pitch (Hz) and how its formants are scaled from the reference vowels.
struct Voice {
    f0: f32,
    formants: f32,
    breath: f32,
}

const LOW: Voice = Voice { f0: 105.0, formants: 1.0, breath: 0.02 };
const HIGH: Voice = Voice { f0: 215.0, formants: 1.18, breath: 0.06 };

/// Vowel formants (Hz), a male reference.
const VOWELS: [[f32; 3]; 5] = [
    [730.0, 1090.0, 2440.0],
    [270.0, 2290.0, 3010.0],
    [530.0, 1840.0, 2480.0],
    [300.0, 870.0, 2240.0],
    [660.0, 1720.0, 2410.0],
];

/// The turns: (voice, window start, window end, speech start, speech end), ms; `None`: the
/// window holds no speech. Turn 4 crosses the split of the two-thread pass (34.96 s).
const TURNS: [(Option<&Voice>, u64, u64, u64, u64); 11] = [
    (Some(&LOW), 0, 8_000, 500, 7_200),
    (Some(&HIGH), 8_000, 15_000, 8_300, 14_200),
    (Some(&LOW), 15_000, 22_000, 15_400, 21_500),
    (Some(&HIGH), 24_000, 31_000, 24_300, 30_500),
    (Some(&LOW), 31_000, 40_000, 31_300, 39_400),
    (Some(&HIGH), 40_000, 47_000, 40_200, 46_500),
    (Some(&LOW), 47_000, 54_000, 47_300, 53_600),
    (None, 54_000, 58_000, 0, 0),
    (Some(&HIGH), 58_000, 65_000, 58_200, 64_600),
    (Some(&LOW), 65_000, 70_000, 65_300, 69_500),
    // Past the end of the recording.
    (Some(&HIGH), 70_000, 74_000, 70_200, 73_000),
];
const SILENT: usize = 7;
const ACROSS: usize = 4;
const PAST_END: usize = 10;

/// A two-pole resonator.
struct Resonator {
    y1: f32,
    y2: f32,
}

impl Resonator {
    fn step(&mut self, x: f32, freq: f32, bw: f32) -> f32 {
        let r = (-std::f32::consts::PI * bw / RATE as f32).exp();
        let a1 = 2.0 * r * (2.0 * std::f32::consts::PI * freq / RATE as f32).cos();
        let y = (1.0 - r) * x + a1 * self.y1 - r * r * self.y2;
        (self.y2, self.y1) = (self.y1, y);
        y
    }
}

/// Syllables of a voice from `from` to `to` (samples) into `out`: a glottal pulse train with
/// vibrato through three formant resonators, 170–250 ms syllables with a short gap every few.
fn speak(out: &mut [f32], v: &Voice, from: usize, to: usize, seed: &mut u32) {
    let mut rand = || {
        *seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (*seed >> 8) as f32 / (1u32 << 24) as f32
    };
    let mut res = [Resonator { y1: 0.0, y2: 0.0 }, Resonator { y1: 0.0, y2: 0.0 }, Resonator { y1: 0.0, y2: 0.0 }];
    let mut phase = 0.0f32;
    let mut at = from;
    let mut k = 0usize;
    while at < to {
        let len = ((0.17 + 0.08 * rand()) * RATE as f32) as usize;
        let vowel = VOWELS[(rand() * VOWELS.len() as f32) as usize % VOWELS.len()];
        let pitch = v.f0 * (0.9 + 0.2 * rand());
        let end = (at + len).min(to);
        for (n, o) in out[at..end].iter_mut().enumerate() {
            let t = (at + n) as f32 / RATE as f32;
            let f0 = pitch * (1.0 + 0.03 * (2.0 * std::f32::consts::PI * 5.0 * t).sin());
            phase += f0 / RATE as f32;
            let pulse = if phase >= 1.0 {
                phase -= 1.0;
                1.0
            } else {
                0.0
            };
            let x = pulse + v.breath * (rand() - 0.5);
            let mut y = 0.0;
            for (r, (f, bw)) in res.iter_mut().zip(vowel.iter().zip([90.0, 110.0, 150.0])) {
                y += r.step(x, f * v.formants, bw);
            }
            let env = (std::f32::consts::PI * n as f32 / len as f32).sin();
            *o += 0.6 * env * y;
        }
        at = end;
        k += 1;
        if k.is_multiple_of(4) {
            at += (0.12 * RATE as f32) as usize;
        }
    }
}

/// The recording (16 kHz mono WAV, so both passes' resamplers pass it through) in `dir`.
fn recording(dir: &Path) -> PathBuf {
    let n = (SECONDS * RATE as u64) as usize;
    let mut s = vec![0.0f32; n];
    let mut seed = 7u32;
    for (v, _, _, a, b) in TURNS {
        if let Some(v) = v {
            let (a, b) = ((a * 16) as usize, ((b * 16) as usize).min(n));
            if a < b {
                speak(&mut s, v, a, b, &mut seed);
            }
        }
    }
    let peak = s.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-6);
    let mut pcm: Vec<u8> = Vec::with_capacity(44 + 2 * n);
    let data = (2 * n) as u32;
    pcm.extend_from_slice(b"RIFF");
    pcm.extend_from_slice(&(36 + data).to_le_bytes());
    pcm.extend_from_slice(b"WAVEfmt ");
    pcm.extend_from_slice(&16u32.to_le_bytes());
    pcm.extend_from_slice(&1u16.to_le_bytes());
    pcm.extend_from_slice(&1u16.to_le_bytes());
    pcm.extend_from_slice(&RATE.to_le_bytes());
    pcm.extend_from_slice(&(RATE * 2).to_le_bytes());
    pcm.extend_from_slice(&2u16.to_le_bytes());
    pcm.extend_from_slice(&16u16.to_le_bytes());
    pcm.extend_from_slice(b"data");
    pcm.extend_from_slice(&data.to_le_bytes());
    let mut noise = 99u32;
    for x in s {
        noise = noise.wrapping_mul(1_103_515_245).wrapping_add(12345);
        // Speech at about -6 dBFS over noise at about -66 dBFS (silence is not digital zero).
        let v = (x / peak * 16_000.0) as i32 + ((noise >> 16) % 32) as i32 - 16;
        pcm.extend_from_slice(&(v.clamp(-32768, 32767) as i16).to_le_bytes());
    }
    let path = dir.join("two-voices.wav");
    std::fs::write(&path, pcm).unwrap();
    path
}

fn gate_spans() -> Vec<TurnSpan> {
    TURNS.iter().map(|&(_, s, e, _, _)| TurnSpan { start_ms: s, end_ms: e, speech: None }).collect()
}

fn frames_of(path: &Path) -> u64 {
    decode::open(path).unwrap().info().frames.unwrap()
}

#[test]
fn one_pass_decodes_once_and_embeds_as_analyze_recording_does() {
    let _one = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let wav = recording(dir.path());
    let frames = frames_of(&wav);
    assert_eq!(frames, SECONDS * RATE as u64);
    let spans = gate_spans();
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    let stop = AtomicBool::new(false);
    let mut enc = VoiceEncoder::bundled().unwrap();
    let source = decode::open(&wav).unwrap().source();

    let mut one: Vec<Option<TurnVoice>> = vec![None; spans.len()];
    let mut calls = vec![0usize; spans.len()];
    let mut last = 0.0f32;
    let before = frames_decoded();
    let (an, stats) = one_pass(
        &mut enc,
        &source,
        &spans,
        &opts,
        &stop,
        |p| {
            assert!(p >= last, "progress goes forward");
            last = p;
        },
        |tv| {
            calls[tv.turn] += 1;
            let i = tv.turn;
            one[i] = Some(tv);
        },
    )
    .unwrap();
    let decoded = frames_decoded() - before;
    println!("one pass: {decoded} frames decoded for {frames}; peak buffer {} samples", stats.peak_buffer_samples);
    // (a) One decode (the second thread's seek decodes a few frames before the split).
    assert!(decoded >= frames && decoded as f64 <= 1.05 * frames as f64, "decoded {decoded} of {frames}");
    assert_eq!(stats.stretches, 2, "a 70 s WAV is decoded on two threads");
    assert_eq!(last, 1.0);
    assert!(calls.iter().all(|&c| c == 1), "each turn once: {calls:?}");
    // The analysis is the plain one pass's.
    assert_eq!(an, analysis::compute(&wav, &stop, |_| {}).unwrap());
    assert_eq!(stats.turns_past_end, [PAST_END]);
    // (d) Bounded memory: each stretch holds the samples from its earliest unfinished turn's
    // start − 1 s (at most the longest window, 9 s, + 1 s + a chunk), the second also the 5 s of
    // the crossing turn it keeps for the stitch.
    assert!(stats.peak_buffer_samples <= 2 * 11 * RATE as usize, "held {}", stats.peak_buffer_samples);

    let mut alone: Vec<Option<TurnVoice>> = vec![None; spans.len()];
    let before = frames_decoded();
    let own = analyze_recording(
        &mut enc,
        &wav,
        &spans,
        &opts,
        &stop,
        |_| {},
        |tv| {
            let i = tv.turn;
            alone[i] = Some(tv);
        },
    )
    .unwrap();
    assert!(frames_decoded() - before >= frames, "analyze_recording decodes the file again");
    assert_eq!(own.turns_past_end, stats.turns_past_end);
    // (b) The same embeddings, the turn across the split too; (c) none without speech.
    for (i, (a, b)) in one.iter().zip(&alone).enumerate() {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!(a.speech_ms, b.speech_ms, "turn {i}: the same speech");
        match (&a.embedding, &b.embedding) {
            (Some(x), Some(y)) => {
                let d = 1.0 - cosine(x, y);
                println!("turn {i}: {} ms of speech, cosine distance {d:.2e}", a.speech_ms);
                assert!(d <= 1e-4, "turn {i}: cosine distance {d}");
            }
            (None, None) => println!("turn {i}: no embedding"),
            _ => panic!("turn {i}: embedded by one pass only"),
        }
        assert_eq!(a.past_end, i == PAST_END);
    }
    assert!(one[ACROSS].as_ref().unwrap().speech_ms >= 6_000, "the crossing turn's speech from both sides");
    assert!(one[SILENT].as_ref().unwrap().embedding.is_none() && one[PAST_END].as_ref().unwrap().embedding.is_none());
    assert_eq!(one.iter().flatten().filter(|t| t.embedding.is_some()).count(), 9);
}

fn transcript() -> Transcript {
    let mut b = TranscriptBuilder::new();
    for (i, (v, s, _, _, _)) in TURNS.iter().enumerate() {
        let who = match v {
            Some(v) if v.f0 < 150.0 => "Low",
            Some(_) => "High",
            None => "Low",
        };
        b.push(Some(who), Some(*s), None, &format!("turn {i}"));
    }
    b.finish()
}

#[test]
fn uncached_one_decode_caches_the_analysis_and_cached_decodes_for_the_voices_alone() {
    let _one = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let wav = recording(dir.path());
    let frames = frames_of(&wav);
    let cache = [dir.path().join("cache")];
    let doc = transcript();
    let stop = AtomicBool::new(false);
    let mut maps = Vec::new();
    let run = |maps: &mut Vec<bool>| {
        let before = frames_decoded();
        let (an, voices) = analysis_and_voices_in(
            &cache,
            &wav,
            |map, dur| {
                maps.push(map.is_some());
                turn_spans(&doc, map, dur)
            },
            &stop,
            |_| {},
        )
        .unwrap();
        let decoded = frames_decoded() - before;
        assert!(decoded as f64 <= 1.05 * frames as f64, "decoded {decoded} of {frames}");
        (an, voices)
    };
    assert!(analysis::load_cached_from(&cache, &wav).is_none());
    let (an, gate_cut) = run(&mut maps);
    assert_eq!(analysis::load_cached_from(&cache, &wav).as_ref(), Some(&an), "the one pass caches its analysis");
    let (an2, map_cut) = run(&mut maps);
    assert_eq!(an2, an);
    assert_eq!(maps, [false, true], "the gate, then the cached speech map");
    // Both ways every speaking turn has a voice, and each sounds like its own voice more than
    // the other.
    for (name, voices) in [("gate-cut", &gate_cut), ("map-cut", &map_cut)] {
        assert!(voices[SILENT].embedding.is_none(), "{name}: the silent turn");
        let speaking: Vec<usize> = (0..TURNS.len()).filter(|&i| i != SILENT && i != PAST_END).collect();
        assert!(speaking.iter().all(|&i| voices[i].embedding.is_some()), "{name}");
        let low = |i: usize| TURNS[i].0.is_some_and(|v| v.f0 < 150.0);
        let (mut same, mut diff) = (Vec::new(), Vec::new());
        for &a in &speaking {
            for &b in &speaking {
                if a < b {
                    let c = cosine(voices[a].embedding.as_ref().unwrap(), voices[b].embedding.as_ref().unwrap());
                    if low(a) == low(b) { same.push(c) } else { diff.push(c) }
                }
            }
        }
        let worst_same = same.iter().fold(1.0f32, |m, &x| m.min(x));
        let best_diff = diff.iter().fold(-1.0f32, |m, &x| m.max(x));
        println!("{name}: same voice cosine ≥ {worst_same:.3}, different ≤ {best_diff:.3}");
        assert!(worst_same > best_diff, "{name}: the two voices apart");
    }
}

#[test]
fn a_cancelled_one_pass_stops_with_cancelled() {
    let _one = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let wav = recording(dir.path());
    let source = decode::open(&wav).unwrap().source();
    let mut enc = VoiceEncoder::bundled().unwrap();
    let stop = AtomicBool::new(false);
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    let mut reported = 0;
    // Cancelled as the first turns come back (on the embedder thread): no decoder is left
    // waiting on the full queue, and no later turn is reported.
    let r = one_pass(
        &mut enc,
        &source,
        &gate_spans(),
        &opts,
        &stop,
        |_| {},
        |_| {
            reported += 1;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        },
    );
    assert!(matches!(r, Err(VoiceError::Audio(AudioError::Cancelled))), "{:?}", r.map(|r| r.1));
    assert!(reported < TURNS.len(), "{reported} turns reported after the cancel");
}

#[test]
fn a_one_pass_whose_voices_are_stopped_still_gives_the_analysis() {
    let _one = DECODING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let wav = recording(dir.path());
    let source = decode::open(&wav).unwrap().source();
    let mut enc = VoiceEncoder::bundled().unwrap();
    let (go, stop) = (AtomicBool::new(false), AtomicBool::new(false));
    let opts = AnalyzeOptions { features: false, ..AnalyzeOptions::default() };
    let mut reported = 0;
    // The voices stopped as the first turns come back (the editor's Cancel of its voice pass):
    // no later turn is reported, and the pass ends with the peaks and the speech.
    let (an, _) = one_pass_with(
        &mut enc,
        &source,
        &gate_spans(),
        &opts,
        Stops { all: &go, voices: &stop },
        |_| {},
        |_| {
            reported += 1;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        },
    )
    .unwrap();
    assert_eq!(reported, 1, "nothing is reported once the voices are stopped");
    assert_eq!(an, analysis::compute(&wav, &go, |_| {}).unwrap(), "the analysis is whole");
}

//! Voice evidence in the editor (issues 11 and 12): once the recording is analysed, every turn's
//! voice is embedded on the task runner; the issues panel then shows a voice-mismatch finding for
//! a mislabelled turn, and Re-match unreviewed turns lists it with its scores and changes it in
//! one undo step, never touching a reviewed turn. The recording is made here with two espeak-ng
//! voices (skips when espeak-ng is missing).
//!
//! Uncached, the player's one pass gives the voices (the recording is decoded once, counted by
//! `decode::frames_decoded()`: one test at a time here); reopened, the cached analysis and a
//! decode for the voices alone. The cache is this process's own (`XDG_CACHE_HOME`).

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};
use turnfix::app::{App, AppOptions, Modal};
use turnfix::assist::Kind;
use turnfix::audio::analysis;
use turnfix::audio::decode::{self, frames_decoded};
use turnfix::edit::Edit;
use turnfix::model::{Transcript, TranscriptBuilder};

const ANN: &str = "en-us+f3";
const BOB: &str = "en-gb+m3";

/// (who speaks, who the transcript says, reviewed, text).
const TURNS: [(&str, &str, bool, &str); 10] = [
    (ANN, "Ann", true, "Good morning and welcome to the programme about the harbour."),
    (BOB, "Bob", true, "Thank you. I have worked on these docks for twenty years."),
    (ANN, "Ann", true, "What has changed the most in that time, would you say?"),
    (BOB, "Bob", true, "The ships are much bigger now, and the cranes are taller."),
    (ANN, "Ann", false, "And the people, are there fewer of them working there today?"),
    (BOB, "Bob", false, "Far fewer. Most of the loading is done by machines now."),
    // Bob's voice under Ann's name: the mislabelled turn.
    (BOB, "Ann", false, "We used to be three hundred on a shift, and now we are forty."),
    (ANN, "Ann", false, "That is a big change for a small town like this one."),
    // Bob's voice under Ann's name again, but reviewed: never changed.
    (BOB, "Ann", true, "It is, and the young people mostly leave for the city."),
    (ANN, "Ann", false, "Thank you for talking to us this morning."),
];

/// 16-bit mono PCM samples and rate of a WAV that espeak-ng wrote.
fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let b = std::fs::read(path).unwrap();
    let rate = u32::from_le_bytes(b[24..28].try_into().unwrap());
    let mut at = 12;
    while at + 8 <= b.len() {
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        if &b[at..at + 4] == b"data" {
            let end = (at + 8 + len).min(b.len());
            return (rate, b[at + 8..end].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect());
        }
        at += 8 + len;
    }
    panic!("no data chunk in {}", path.display())
}

fn write_wav(path: &Path, rate: u32, s: &[i16]) {
    let data = (s.len() * 2) as u32;
    let mut b = Vec::with_capacity(44 + data as usize);
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    for v in s {
        b.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

/// The two-voice recording and its transcript (turn times where each turn's speech starts).
fn make(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    if Command::new("espeak-ng").arg("--version").output().is_err() {
        eprintln!("espeak-ng not installed: skipping");
        return None;
    }
    // The turns' own WAVs apart: beside the transcript the editor would ask which is the recording.
    let parts = dir.join("parts");
    std::fs::create_dir_all(&parts).unwrap();
    let (mut rate, mut out) = (22_050, Vec::<i16>::new());
    let mut b = TranscriptBuilder::new();
    for (k, (voice, label, _, text)) in TURNS.iter().enumerate() {
        let wav = parts.join(format!("t{k}.wav"));
        let ok = Command::new("espeak-ng").args(["-v", voice, "-s", "160", "-w"]).arg(&wav).arg(text).status();
        if !ok.is_ok_and(|s| s.success()) {
            eprintln!("espeak-ng failed: skipping");
            return None;
        }
        let (r, s) = read_wav(&wav);
        rate = r;
        out.resize(out.len() + (r / 2) as usize, 0);
        b.push(Some(label), Some(out.len() as u64 * 1000 / r as u64), None, text);
        out.extend_from_slice(&s);
    }
    out.resize(out.len() + rate as usize, 0);
    let audio = dir.join("talk.wav");
    write_wav(&audio, rate, &out);
    let mut doc: Transcript = b.finish();
    for (t, (_, _, reviewed, _)) in doc.turns.iter_mut().zip(TURNS) {
        t.reviewed = reviewed;
    }
    let path = dir.join("talk.json");
    turnfix::session::save_json(&doc, &path).unwrap();
    Some((path, audio))
}

/// Step until `done`, failing after a minute.
fn wait(h: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what}: {:?}", h.state().findings());
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One test at a time: the decode counter is the process's. The cache is this process's own.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    static CACHE: Once = Once::new();
    CACHE.call_once(|| {
        let dir = std::env::temp_dir().join(format!("turnfix-ui-voice-cache-{}", std::process::id()));
        // SAFETY: set once, before any thread of these tests reads the environment.
        unsafe { std::env::set_var("XDG_CACHE_HOME", dir) };
    });
    ONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The editor on the two-voice transcript with its recording, voice analysis on.
fn editor(path: &Path, audio: PathBuf) -> Harness<'static, App> {
    let options = AppOptions { voice_analysis: true, ..AppOptions::headless() };
    let mut app = App::new(&egui::Context::default(), options);
    app.open_sync(path).unwrap();
    // The recording beside the transcript is loaded with it (loading it again would start over).
    if app.audio_path() != Some(audio.as_path()) {
        app.load_audio(audio);
    }
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_accessibility_check(false)
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app)
}

fn listening(a: &App) -> bool {
    a.task_names().iter().any(|n| n.starts_with("Listening to the voices"))
}

#[test]
fn closing_the_document_cancels_its_voice_pass() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let Some((path, audio)) = make(dir.path()) else { return };
    let mut h = editor(&path, audio);
    wait(&mut h, "the voice pass starts", listening);
    h.state_mut().close();
    h.step();
    assert!(!listening(h.state()), "the pass went with its document: {:?}", h.state().task_names());
}

#[test]
fn a_cancelled_voice_pass_stays_stopped_and_re_match_says_so() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let Some((path, audio)) = make(dir.path()) else { return };
    let mut h = editor(&path, audio);
    wait(&mut h, "the voice pass starts", listening);
    h.get_by_label("Cancel").click();
    h.step();
    // The Cancel stops the voices, not the one pass: the speech map still comes, and with it
    // no pass over the turns starts again.
    wait(&mut h, "the speech analysis goes on", |a| a.speech_map().is_some());
    for _ in 0..20 {
        h.step();
        assert!(!listening(h.state()), "not started again: {:?}", h.state().task_names());
    }
    h.state_mut().run(turnfix::ui::Action::RematchVoices);
    h.step();
    assert!(h.state().modal().is_none(), "{:?}", h.state().modal());
    let said = h.state().status().unwrap_or_default().to_string();
    assert!(said.contains("not analysed"), "{said}");
}

#[test]
fn voice_mismatch_in_the_panel_and_rematch_in_one_undo_step() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let Some((path, audio)) = make(dir.path()) else { return };
    let mut h = editor(&path, audio);
    h.step();
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.step();
    h.step();
    assert!(h.query_by_label("5 of 10 turns reviewed").is_some(), "the issues panel is shown");
    wait(&mut h, "the voices are analysed", |a| a.speech_map().is_some() && a.voices_ready());
    let mislabelled = h.state().document().turns[6].id;
    wait(&mut h, "the re-check uses the voices", |a| {
        a.findings().iter().any(|f| f.kind == Kind::VoiceMismatch && f.turn_id == mislabelled)
    });
    let f = h.state().findings().iter().find(|f| f.kind == Kind::VoiceMismatch && f.turn_id == mislabelled).unwrap();
    assert!(f.message.starts_with("sounds like Bob (") && f.message.contains("more than Ann ("), "{}", f.message);
    h.get_by_label("Finding voice-mismatch at turn 7");
    let reviewed = h.state().document().turns[8].id;
    assert!(!h.state().findings().iter().any(|f| f.turn_id == reviewed && f.kind == Kind::VoiceMismatch));

    edits_re_embed_only_the_turns_whose_window_moved(&mut h);
    // Ann's last turn given to Bob by hand: her voice, his name, never changed by Re-match.
    let d = h.state().document().clone();
    let bob = d.turns[1].speaker;
    let by_hand = turnfix::edit::set_speaker_of(&[d.turns[9].id], bob, "Change speaker");
    h.state_mut().execute(turnfix::app::Command::Apply(by_hand));
    // A speaker edit moves no window: Re-match needs no new pass, even at once.
    h.step();
    assert!(!h.state().voices_ready(), "the pass has not looked yet");

    let before = h.state().document().clone();
    let undos = h.state().history().undo_len();
    h.state_mut().run(turnfix::ui::Action::RematchVoices);
    // The preview is computed on the task runner, not in the frame that asked for it.
    assert!(h.state().modal().is_none(), "not computed on the UI thread: {:?}", h.state().modal());
    assert!(
        h.state().task_names().iter().any(|n| n.starts_with("Re-matching")),
        "a task: {:?}",
        h.state().task_names()
    );
    wait(&mut h, "the Re-match preview is ready", |a| a.modal().is_some());
    h.run();
    let Some(Modal::Rematch(offer)) = h.state().modal().cloned() else { panic!("the preview is shown") };
    assert!(offer.lines.iter().any(|l| l.starts_with("#7 ") && l.contains("Ann → Bob")), "{:?}", offer.lines);
    assert!(!offer.lines.iter().any(|l| l.starts_with("#9 ")), "the reviewed turn is not offered: {:?}", offer.lines);
    assert!(!offer.lines.iter().any(|l| l.starts_with("#10 ")), "the hand-set turn is not offered: {:?}", offer.lines);
    h.get_by_label(&offer.lines[0]);
    assert_eq!(h.state().document(), &before, "nothing changes before Apply");
    h.get_by_label("Apply").click();
    h.run();
    let d = h.state().document();
    assert_eq!(d.speaker_name(d.turns[6].speaker), "Bob");
    assert_eq!(d.speaker_name(d.turns[8].speaker), "Ann", "a reviewed turn is never changed");
    assert_eq!(d.speaker_name(d.turns[9].speaker), "Bob", "a hand-set turn is never changed");
    assert_eq!(h.state().history().undo_len(), undos + 1, "one undo step");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().document().turns, before.turns, "undo restores every speaker");
}

/// Edits keep the embeddings of the turns whose speech window did not move: a text edit embeds
/// nothing again, a moved time re-embeds that turn and the one before it (its window ends there).
fn edits_re_embed_only_the_turns_whose_window_moved(h: &mut Harness<'static, App>) {
    assert_eq!(h.state().voice_turns_embedded(), TURNS.len(), "every turn once");
    let d = h.state().document().clone();
    let text = Edit::SetText { turn: d.turns[2].id, text: "What has changed most, would you say?".into() };
    h.state_mut().execute(turnfix::app::Command::Apply(text));
    wait(h, "the text edit is taken up", |a| a.voices_ready());
    assert_eq!(h.state().voice_turns_embedded(), TURNS.len(), "a text edit embeds nothing again");
    let t = &d.turns[4];
    let moved = Edit::SetTiming { turn: t.id, start_ms: t.start_ms + 200, end_ms: None };
    h.state_mut().execute(turnfix::app::Command::Apply(moved));
    wait(h, "the moved turn is embedded again", |a| a.voices_ready());
    assert_eq!(h.state().voice_turns_embedded(), TURNS.len() + 2, "turns 4 and 5 again");
}

/// The mislabelled turn's voice-mismatch finding, once the voices are in.
fn finds_the_mislabelled_turn(h: &mut Harness<'static, App>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(h, "the voices are analysed", |a| a.speech_map().is_some() && a.voices_ready());
    let mislabelled = h.state().document().turns[6].id;
    wait(h, "the re-check uses the voices", |a| {
        a.findings().iter().any(|f| f.kind == Kind::VoiceMismatch && f.turn_id == mislabelled)
    });
}

#[test]
fn an_uncached_recording_is_decoded_once_for_the_voices_and_a_reopen_uses_its_cache() {
    let _one = one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let Some((path, audio)) = make(dir.path()) else { return };
    let frames = decode::open(&audio).unwrap().info().frames.unwrap();
    assert!(analysis::load_cached(&audio).is_none(), "a new recording");

    // Uncached: the one pass gives the peaks, the speech and every turn's voice (gate-cut).
    let before = frames_decoded();
    let mut h = editor(&path, audio.clone());
    wait(&mut h, "the one pass listens", listening);
    finds_the_mislabelled_turn(&mut h);
    let decoded = frames_decoded() - before;
    println!("uncached: {decoded} frames decoded for {frames}");
    assert!(decoded as f64 <= 1.05 * frames as f64, "decoded {decoded} of {frames}: once");
    assert_eq!(h.state().voice_turns_embedded(), TURNS.len(), "every turn once, from the one pass");
    assert_eq!(h.state().voices_cut_by_gate(), TURNS.len(), "kept once the speech map is there");
    assert!(analysis::load_cached(&audio).is_some(), "the one pass cached its analysis");
    drop(h);

    // Reopened: the cached analysis, and a decode for the voices alone, cut by the map.
    let before = frames_decoded();
    let mut h = editor(&path, audio);
    finds_the_mislabelled_turn(&mut h);
    let decoded = frames_decoded() - before;
    println!("cached: {decoded} frames decoded for {frames}");
    assert!(decoded as f64 >= 0.95 * frames as f64, "decoded {decoded} of {frames}: the voices' decode");
    assert!(decoded as f64 <= 1.05 * frames as f64, "decoded {decoded} of {frames}: once");
    assert_eq!(h.state().voice_turns_embedded(), TURNS.len());
    assert_eq!(h.state().voices_cut_by_gate(), 0, "cut by the cached map");
}

//! The editor, driven through its UI with egui_kittest (no display): each test works a
//! workflow through widgets and keys, then checks the resulting document.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;
use turnfix::app::{App, AppOptions, Modal};
use turnfix::model::{SpeakerId, Transcript, TranscriptBuilder};

#[path = "common/editor.rs"]
mod editor;
use editor::{harness_for, sample};

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    harness: Harness<'static, App>,
}

/// A transcript saved as JSON in a temp dir and opened synchronously.
fn open(doc: &Transcript) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(doc, &path).unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&path).unwrap();
    let mut harness = harness_for(app);
    harness.run();
    Fixture { _dir: dir, path, harness }
}

fn speaker(doc: &Transcript, name: &str) -> SpeakerId {
    doc.speaker_by_name(name).unwrap_or_else(|| panic!("no speaker {name}"))
}

fn names(doc: &Transcript) -> Vec<String> {
    doc.turns.iter().map(|t| doc.speaker_name(t.speaker).to_string()).collect()
}

fn texts(doc: &Transcript) -> Vec<String> {
    doc.turns.iter().map(|t| t.text.clone()).collect()
}

#[test]
fn open_shows_every_turn_and_the_missing_audio_banner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(&sample(), &path).unwrap();
    let app = App::new(&egui::Context::default(), AppOptions::headless());
    let mut h = harness_for(app);
    assert!(h.query_by_label("Turn 1 text").is_none());
    // Opened on a worker, as the window does.
    h.state_mut().open(path.clone());
    h.state_mut().wait_for_jobs();
    h.run();
    assert_eq!(h.state().document().turns.len(), 6);
    assert_eq!(h.get_by_label("Turn 1 text").value().as_deref(), Some("Hello and welcome to the show."));
    assert_eq!(h.get_by_label("Turn 6 text").value().as_deref(), Some("I prefer dogs, not cats."));
    assert!(h.query_by_label("Locate audio…").is_some(), "missing audio asks to be located");
    assert!(h.state().title().starts_with("talk.json"), "{}", h.state().title());
    assert_eq!(h.state().recent_files().len(), 1);
}

fn reassign(h: &mut Harness<'static, App>, turn: usize, scope_label: &str, to: &str) {
    h.get_by_label(&format!("Turn {turn} speaker")).click();
    h.run();
    h.get_by_label(scope_label).click();
    h.run();
    h.get_by_label(&format!("Assign {to}")).click();
    h.run();
}

#[test]
fn reassign_this_turn_only() {
    let mut f = open(&sample());
    reassign(&mut f.harness, 2, "This turn", "Cy");
    let d = f.harness.state().document();
    assert_eq!(names(d), ["Ann", "Cy", "Bob", "Ann", "Bob", "Cy"]);
}

#[test]
fn reassign_this_and_following_by_same_speaker() {
    let mut f = open(&sample());
    // Turn 3 and every later turn of Bob's (turn 5, past Ann's turn 4); turn 2 before it stays.
    reassign(&mut f.harness, 3, "This and following turns by Bob", "Cy");
    let d = f.harness.state().document();
    assert_eq!(names(d), ["Ann", "Bob", "Cy", "Ann", "Cy", "Cy"]);
}

#[test]
fn reassign_every_turn_of_speaker_and_undo() {
    let mut f = open(&sample());
    reassign(&mut f.harness, 5, "Every turn of Bob", "Ann");
    assert_eq!(names(f.harness.state().document()), ["Ann", "Ann", "Ann", "Ann", "Ann", "Cy"]);
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    f.harness.run();
    assert_eq!(names(f.harness.state().document()), ["Ann", "Bob", "Bob", "Ann", "Bob", "Cy"]);
}

#[test]
fn alt_digit_sets_the_focused_turns_speaker() {
    let mut f = open(&sample());
    f.harness.get_by_label("Turn 4 text").click();
    f.harness.run();
    f.harness.key_press_modifiers(Modifiers::ALT, Key::Num3);
    f.harness.run();
    assert_eq!(names(f.harness.state().document())[3], "Cy");
}

#[test]
fn alt_digit_consumes_the_text_x11_sends_with_it() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    let id = h.state().document().turns[3].id;
    let text = h.state().document().turns[3].text.clone();
    h.state_mut().focus_turn(id, Some(text.chars().count()));
    h.run();
    // X11 sends the key and the text it types in one frame; egui consumes only the key for the
    // shortcut, so the text would reach the focused field.
    let alt =
        |key| egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers: Modifiers::ALT };
    for (key, typed) in [(Key::Num5, "5"), (Key::Num3, "3"), (Key::Equals, "=")] {
        h.input_mut().events.extend([alt(key), egui::Event::Text(typed.into())]);
        h.run();
    }
    let d = h.state().document();
    assert_eq!(d.turns[3].text, text, "the shortcut's text did not reach the turn");
    assert_eq!(names(d)[3], "Cy", "Alt+3 (there is no fifth speaker) gave the turn Cy");
    assert_eq!(h.state().history().undo_len(), 1, "one step: the speaker change");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(names(h.state().document())[3], "Ann", "one undo restores the speaker");
    assert_eq!(h.state().document().turns[3].text, text);
}

#[test]
fn rename_merge_and_add_speakers() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    // Rename Ann to Anne.
    h.get_by_label("Speaker Ann name").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Speaker Ann name").type_text("Anne");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let d = h.state().document();
    assert_eq!(d.speaker_name(d.turns[0].speaker), "Anne");
    assert!(d.speaker_by_name("Ann").is_none());

    // Merge Cy into Bob.
    h.get_by_label("Merge Cy into…").click();
    h.run();
    h.get_by_label("Merge Cy into Bob").click();
    h.run();
    let d = h.state().document();
    assert_eq!(d.speakers.len(), 2);
    assert_eq!(names(d), ["Anne", "Bob", "Bob", "Anne", "Bob", "Bob"]);

    // Add Dee, then give her turn 3 with Alt+3.
    h.get_by_label("New speaker name").click();
    h.run();
    h.get_by_label("New speaker name").type_text("Dee");
    h.run();
    h.get_by_label("Add speaker").click();
    h.run();
    let d = h.state().document();
    assert_eq!(d.speakers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Anne", "Bob", "Dee"]);
    // A speaker with no turns can be deleted.
    h.get_by_label("Delete speaker Dee").click();
    h.run();
    assert_eq!(h.state().document().speakers.len(), 2);
    // Each step undoes on its own.
    for _ in 0..4 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    assert_eq!(h.state().document().speakers, sample().speakers);
    assert_eq!(h.state().document().turns, sample().turns);
}

#[test]
fn split_and_merge_turns() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    let first = h.state().document().turns[0].id;
    // Cursor after "Hello and", then Ctrl+Enter.
    h.state_mut().focus_turn(first, Some(9));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns.len(), 7);
    assert_eq!(d.turns[0].text, "Hello and");
    assert_eq!(d.turns[1].text, "welcome to the show.");
    assert_eq!(d.turns[1].split_from, Some(first));
    assert!(d.turns[1].start_ms > 0 && d.turns[1].start_ms < 5_000);
    // The new turn has the focus: merge it back into the previous one.
    assert!(h.get_by_label("Turn 2 text").is_focused());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns.len(), 6);
    assert_eq!(d.turns[0].text, "Hello and welcome to the show.");
    // Merge turns 2 and 3 from the menu-less shortcut, then undo both merges and the split.
    let second = d.turns[1].id;
    h.state_mut().focus_turn(second, None);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::M);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns.len(), 5);
    assert_eq!(d.turns[1].text, "Thanks for having me. It is great to be here.");
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    assert_eq!(h.state().document().turns, sample().turns);
}

#[test]
fn insert_delete_and_retime_turns() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    h.get_by_label("Turn 2 text").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns.len(), 7);
    assert_eq!(d.turns[2].text, "");
    assert_eq!(d.speaker_name(d.turns[2].speaker), "Bob");
    h.get_by_label("Turn 3 text").type_text("Hm.");
    h.run();
    assert_eq!(h.state().document().turns[2].text, "Hm.");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Delete);
    h.run();
    assert_eq!(h.state().document().turns.len(), 6);

    // Retime turn 4: out of order is refused with a message, in order is applied.
    h.get_by_label("Turn 4 text").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::T);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Start time").type_text("0:25");
    h.run();
    h.get_by_label("Set").click();
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::Retime { error: Some(_), .. })));
    assert_eq!(h.state().document().turns[3].start_ms, 14_000);
    h.get_by_label("Start time").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Start time").type_text("0:15.5");
    h.run();
    h.get_by_label("Set").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert_eq!(h.state().document().turns[3].start_ms, 15_500);
}

#[test]
fn type_undo_and_redo() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    let id = h.state().document().turns[1].id;
    let len = "Thanks for having me.".chars().count();
    h.state_mut().focus_turn(id, Some(len));
    h.run();
    for word in [" Really", ",", " truly."] {
        h.get_by_label("Turn 2 text").type_text(word);
        h.run();
    }
    assert_eq!(h.state().document().turns[1].text, "Thanks for having me. Really, truly.");
    assert_eq!(h.state().history().undo_len(), 1, "typing in one turn coalesces");
    assert!(h.state().title().starts_with("● "), "dirty marker: {}", h.state().title());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().document().turns[1].text, "Thanks for having me.");
    assert_eq!(h.get_by_label("Turn 2 text").value().as_deref(), Some("Thanks for having me."));
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(h.state().document().turns[1].text, "Thanks for having me. Really, truly.");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(h.state().document().turns[1].text, "Thanks for having me. Really, truly.");
    // Typing in another turn is a separate step.
    h.get_by_label("Turn 1 text").click();
    h.run();
    h.get_by_label("Turn 1 text").type_text("!");
    h.run();
    assert_eq!(h.state().history().undo_len(), 2);
}

#[test]
fn find_and_replace() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("cats");
    h.run();
    assert!(h.query_by_label("4 matches").is_some(), "case-insensitive: cats, Cats, cats, cats");
    // Whole word, case-sensitive: only the lower-case "cats" words (turns 4, 5, 6).
    h.get_by_label("Case").click();
    h.run();
    h.get_by_label("Whole word").click();
    h.run();
    assert!(h.query_by_label("3 matches").is_some());
    h.get_by_label("Next").click();
    h.run();
    assert!(h.get_by_label("Turn 4 text").is_focused());
    assert!(h.query_by_label("1 of 3 matches").is_some());
    h.get_by_label("Replace with").click();
    h.run();
    h.get_by_label("Replace with").type_text("dogs");
    h.run();
    h.get_by_label("Replace").click();
    h.run();
    assert_eq!(h.state().document().turns[3].text, "Let us talk about dogs.");
    h.get_by_label("Replace all").click();
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns[4].text, "Cats are great. I love dogs.");
    assert_eq!(d.turns[5].text, "I prefer dogs, not dogs.");
    // Replace all is one undo step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns[4].text, "Cats are great. I love cats.");
    assert_eq!(d.turns[5].text, "I prefer dogs, not cats.");
    assert_eq!(d.turns[3].text, "Let us talk about dogs.");
}

#[test]
fn regex_and_speaker_filter() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    h.key_press_modifiers(Modifiers::COMMAND, Key::H);
    h.run();
    h.get_by_label("Find").type_text(r"(\w+)s\b");
    h.run();
    h.get_by_label("Regex").click();
    h.run();
    h.get_by_label("Replace with").click();
    h.run();
    h.get_by_label("Replace with").type_text("$1");
    h.run();
    // Only Cy's turns.
    h.get_by_label("Speaker filter").click();
    h.run();
    h.get_by_label("Cy").click();
    h.run();
    h.get_by_label("Replace all").click();
    h.run();
    let d = h.state().document();
    assert_eq!(d.turns[5].text, "I prefer dog, not cat.");
    assert_eq!(d.turns[4].text, "Cats are great. I love cats.");
}

#[test]
fn save_then_reload_and_compare() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    let id = h.state().document().turns[0].id;
    h.state_mut().focus_turn(id, Some(5));
    h.run();
    h.get_by_label("Turn 1 text").type_text(",");
    h.run();
    reassign(h, 3, "This turn", "Cy");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    assert!(!h.state().history().is_dirty());
    assert!(!h.state().title().starts_with('●'));
    let saved = h.state().document().clone();
    assert_eq!(saved.turns[0].text, "Hello, and welcome to the show.");

    let mut again = App::new(&egui::Context::default(), AppOptions::headless());
    again.open_sync(&f.path).unwrap();
    assert_eq!(again.document().turns, saved.turns);
    assert_eq!(again.document().speakers, saved.speakers);
    assert!(again.document().turns[0].is_changed(again.document()));
    assert!(!again.document().turns[1].is_changed(again.document()));
}

#[test]
fn unsaved_changes_prompt_cancel_then_discard() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    h.get_by_label("Turn 2 text").click();
    h.run();
    h.get_by_label("Turn 2 text").type_text("x");
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::W);
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert_eq!(h.state().document().turns.len(), 6, "cancel keeps the document");
    h.key_press_modifiers(Modifiers::COMMAND, Key::W);
    h.run();
    h.get_by_label("Discard").click();
    h.run();
    assert!(h.state().file().is_none());
    assert!(h.state().document().turns.is_empty());
    // On disk, nothing changed.
    let back = turnfix::session::open(&f.path).unwrap().doc;
    assert_eq!(back.turns, sample().turns);
}

#[test]
fn unsaved_changes_prompt_save_then_open_other() {
    let mut f = open(&sample());
    let other = f.path.with_file_name("other.json");
    let mut b = TranscriptBuilder::new();
    b.push(Some("Zed"), Some(0), None, "Another file.");
    turnfix::session::save_json(&b.finish(), &other).unwrap();
    let h = &mut f.harness;
    h.get_by_label("Turn 1 text").click();
    h.run();
    h.get_by_label("Turn 1 text").type_text("y");
    h.run();
    h.state_mut().open(other.clone());
    h.run();
    h.get_by_label("Save").click();
    h.step();
    h.state_mut().wait_for_jobs();
    h.state_mut().wait_for_jobs();
    h.run();
    assert_eq!(h.state().document().turns[0].text, "Another file.");
    let back = turnfix::session::open(&f.path).unwrap().doc;
    assert_ne!(back.turns[0].text, sample().turns[0].text, "the first file was saved before opening the other");
}

#[test]
fn import_is_saved_as_default_json_name() {
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("talk.srt");
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello there.\n\n2\n00:00:03,000 --> 00:00:04,000\nBob: Hi.\n",
    )
    .unwrap();
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    if app.open_sync(&srt).is_err() {
        // The SRT reader is written elsewhere; nothing to check without it.
        return;
    }
    let mut h = harness_for(app);
    h.run();
    h.get_by_label("Turn 1 text").click();
    h.run();
    h.get_by_label("Turn 1 text").type_text("!");
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    h.state_mut().wait_for_jobs();
    let json = dir.path().join("talk.turnfix.json");
    assert!(json.is_file());
    assert_eq!(h.state().file().unwrap().save_path.as_deref(), Some(json.as_path()));
}

#[test]
fn go_to_time_and_index() {
    let mut b = TranscriptBuilder::new();
    for i in 0..400u64 {
        b.push(
            Some(if i % 2 == 0 { "Ann" } else { "Bob" }),
            Some(i * 10_000),
            None,
            &format!("Turn number {i} with some words to wrap."),
        );
    }
    let mut f = open(&b.finish());
    let h = &mut f.harness;
    assert!(h.query_by_label("Turn 300 text").is_none(), "rows out of view are not laid out");
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run();
    h.get_by_label("Time or turn number").type_text("1:02:03");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    // 1:02:03 = 3723 s: turn index 372 (starts at 3720 s), i.e. "Turn 373".
    assert!(h.get_by_label("Turn 373 text").is_focused());
    assert!(h.query_by_label("Turn 1 text").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run();
    h.get_by_label("Time or turn number").type_text("#12");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
    assert!(h.get_by_label("Turn 12 text").is_focused());
    // Focus is kept when the focused row is scrolled away.
    h.get_by_label("Turn 12 text").scroll_down();
    for _ in 0..30 {
        h.get_by_label("Turn 12 text").scroll_down();
    }
    h.run();
    assert!(h.get_by_label("Turn 12 text").is_focused());
    h.get_by_label("Turn 12 text").type_text("!");
    h.run();
    assert!(h.state().document().turns[11].text.ends_with("wrap.!"));
}

#[test]
fn help_overlay_lists_the_command_table() {
    let mut f = open(&sample());
    let h = &mut f.harness;
    h.key_press(Key::F1);
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
    for c in turnfix::app::commands::COMMANDS.iter().take(5) {
        assert!(h.query_all_by_label(c.name.trim_end_matches('…')).next().is_some(), "{}", c.name);
    }
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().modal().is_none());
    let _ = texts(h.state().document());
    let _ = speaker(h.state().document(), "Ann");
}

#[test]
fn idle_frames_request_no_repaint() {
    let mut f = open(&sample());
    f.harness.run();
    // A frame with no input, after the window has settled, asks for no further frame: the app
    // uses no CPU while idle (no immediate repaint, and no timed one either).
    f.harness.step();
    let delay = f.harness.output().viewport_output.get(&egui::ViewportId::ROOT).map(|v| v.repaint_delay);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "an idle frame asked for a repaint: {:?}",
        f.harness.ctx.repaint_causes()
    );
    assert!(!f.harness.ctx.has_requested_repaint());
    // Same after an edit has settled.
    f.harness.get_by_label("Turn 2 text").click();
    f.harness.run();
    f.harness.key_press(Key::End);
    f.harness.run();
    f.harness.get_by_label("Turn 2 text").type_text("!");
    f.harness.run();
    assert_eq!(f.harness.state().document().turns[1].text, "Thanks for having me.!");
    f.harness.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    f.harness.run();
    // A focused text field blinks its cursor (a timed repaint); with none focused, nothing.
    let first = f.harness.state().document().turns[0].id;
    f.harness.state_mut().focus_turn(first, None);
    f.harness.run();
    f.harness.ctx.memory_mut(|m| m.stop_text_input());
    f.harness.run();
    f.harness.step();
    let delay = f.harness.output().viewport_output.get(&egui::ViewportId::ROOT).map(|v| v.repaint_delay);
    assert_eq!(
        delay,
        Some(std::time::Duration::MAX),
        "an idle frame after editing asked for a repaint: {:?}",
        f.harness.ctx.repaint_causes()
    );
}

#[test]
fn settings_change_and_persist() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config/recent.json");
    let options = AppOptions { config_file: Some(cfg.clone()), ..AppOptions::headless() };
    let app = App::new(&egui::Context::default(), options.clone());
    assert_eq!(app.settings().skip_ms, 5_000);
    let mut h = harness_for(app);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Comma);
    h.run();
    h.get_by_label("Pause playback while typing").click();
    h.run();
    assert!(h.state().settings().pause_while_typing);
    h.get_by_label("Skip step (seconds)").focus();
    h.run();
    for _ in 0..10 {
        h.key_press(Key::ArrowUp);
        h.run();
    }
    let skip = h.state().settings().skip_ms;
    assert!(skip > 5_000, "the skip step went up: {skip}");
    h.get_by_label("Rewind on resume (seconds)").focus();
    h.run();
    for _ in 0..5 {
        h.key_press(Key::ArrowDown);
        h.run();
    }
    let rewind = h.state().settings().rewind_on_resume_ms;
    assert!(rewind < 1_000, "the rewind went down: {rewind}");
    // A new session reads them back from the config file.
    let again = App::new(&egui::Context::default(), options);
    assert!(again.settings().pause_while_typing);
    assert_eq!(again.settings().skip_ms, skip);
    assert_eq!(again.settings().rewind_on_resume_ms, rewind);
}

#[test]
fn export_to_srt_through_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config/recent.json");
    let path = dir.path().join("talk.json");
    turnfix::session::save_json(&sample(), &path).unwrap();
    let options = AppOptions { config_file: Some(cfg.clone()), ..AppOptions::headless() };
    let mut app = App::new(&egui::Context::default(), options.clone());
    app.open_sync(&path).unwrap();
    let mut h = harness_for(app);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::Export)));
    h.get_by_label("SubRip captions (SRT)").click();
    h.run();
    let out = dir.path().join("talk.srt");
    assert_eq!(h.state().export_dialog().unwrap().path, out.display().to_string(), "the path follows the format");
    let shown = h.state().export_dialog().unwrap().preview_text().unwrap_or_default().to_string();
    assert!(shown.starts_with("1\n00:00:00,000 --> "), "preview: {shown}");
    assert!(h.query_by_label_contains("Hello and welcome").is_some(), "the preview is shown");
    // Type another name in the path field.
    let other = dir.path().join("captions.srt");
    h.get_by_label("Export path").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Export path").type_text(&other.display().to_string());
    h.run();
    assert_eq!(h.state().export_dialog().unwrap().path, other.display().to_string());
    h.get_by_label("Export").click();
    // One frame handles the click and starts the worker (its spinner repaints until it ends).
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    assert!(h.state().modal().is_none(), "the dialog closes after writing");
    let srt = std::fs::read_to_string(&other).unwrap();
    assert!(srt.starts_with("1\n00:00:00,000 --> "), "{srt}");
    assert!(srt.contains("Hello and welcome to the show."), "{srt}");
    assert!(srt.contains("I prefer dogs, not cats."), "{srt}");

    // Again: SRT is remembered, and replacing the file asks first.
    std::fs::write(&other, "old").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert_eq!(h.state().export_dialog().unwrap().format, turnfix::export::ExportFormat::Srt);
    h.state_mut().export_dialog_mut().unwrap().path = other.display().to_string();
    h.get_by_label("Export").click();
    h.run();
    assert!(h.query_by_label_contains("already exists").is_some(), "asks before replacing");
    h.state_mut().wait_for_jobs();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "old", "nothing written before the answer");
    h.get_by_label("Replace").click();
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    assert!(std::fs::read_to_string(&other).unwrap().contains("Hello and welcome"));
    // The format and options are in the config file for the next session.
    let again = App::new(&egui::Context::default(), options);
    drop(again);
    let stored = std::fs::read_to_string(&cfg).unwrap();
    assert!(stored.contains("\"srt\""), "{stored}");
}

#[test]
fn corrections_report_opens_the_dialog_on_the_report() {
    let mut f = open(&sample());
    f.harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    f.harness.run();
    let d = f.harness.state().export_dialog().expect("dialog open");
    assert!(d.format.is_report());
    assert!(d.path.ends_with("talk.corrections.md"), "{}", d.path);
    f.harness.key_press(Key::Escape);
    f.harness.run();
    assert!(f.harness.state().modal().is_none());
}

#[test]
fn match_count_follows_typing() {
    let mut f = open(&sample());
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    f.harness.run();
    f.harness.get_by_label("Find").type_text("cats");
    f.harness.run();
    assert!(f.harness.query_by_label("4 matches").is_some(), "four matches of cats");
    f.harness.get_by_label("Turn 1 text").click();
    f.harness.run();
    f.harness.key_press(Key::End);
    f.harness.get_by_label("Turn 1 text").type_text(" Cats!");
    f.harness.run();
    assert_eq!(f.harness.state().document().turns[0].text, "Hello and welcome to the show. Cats!");
    assert!(f.harness.query_by_label("5 matches").is_some(), "the count follows the typing");
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    f.harness.run();
    assert!(f.harness.query_by_label("4 matches").is_some(), "and the undo");
}

#[test]
fn sample_with_recording_draws_the_waveform_then_idles() {
    let txt = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/sample/sample_otter_ai.txt");
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.open_sync(&txt).unwrap();
    let mut h = harness_for(app);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !(h.state().player_state().status == turnfix::audio::LoadStatus::Ready
        && h.state().waveform_progress() >= 1.0)
    {
        assert!(std::time::Instant::now() < deadline, "the recording loads: {:?}", h.state().player_state().status);
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(h.state().audio_path().is_some());
    editor::settle_loading(&mut h);
    // Loaded, waveform built, not playing: the app settles within a moment (the audio worker
    // may still report a last state change, e.g. the decoded duration, right after the
    // waveform completes) and then asks for no more frames, twice in a row.
    let idle = |h: &mut egui_kittest::Harness<'_, App>| {
        h.step();
        h.output().viewport_output.get(&egui::ViewportId::ROOT).map(|v| v.repaint_delay)
            == Some(std::time::Duration::MAX)
    };
    let settle = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut quiet_in_a_row = 0;
    while quiet_in_a_row < 3 {
        quiet_in_a_row = if idle(&mut h) { quiet_in_a_row + 1 } else { 0 };
        assert!(
            std::time::Instant::now() < settle,
            "frames keep asking for a repaint while idle: {:?}",
            h.ctx.repaint_causes()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn messages_keep_every_warning_and_error() {
    let dir = tempfile::tempdir().unwrap();
    let import = turnfix::formats::Import {
        doc: sample(),
        warnings: vec![
            turnfix::formats::Warning::new(3, "a line without a speaker"),
            turnfix::formats::Warning::new(40, "page furniture set aside"),
        ],
        format: turnfix::formats::Format::OtterTxt,
    };
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.install(dir.path().join("talk.txt"), import, None);
    let mut h = harness_for(app);
    h.run();
    // An edit that is refused is reported the same way.
    let first = h.state().document().turns[0].id;
    h.state_mut().focus_turn(first, None);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    h.run();
    assert!(h.query_by_label("Not done: there is no previous turn").is_some(), "the latest is in the status bar");
    h.get_by_label("Messages (4)").click();
    h.run();
    assert!(h.query_by_label("talk.txt, line 3: a line without a speaker").is_some());
    assert!(h.query_by_label("talk.txt, line 40: page furniture set aside").is_some());
    assert!(h.query_by_label("2 warning(s) while reading talk.txt").is_some());
}

#[test]
fn a_recording_that_cannot_play_is_a_notification() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("talk.mp3");
    std::fs::write(&bad, "this is not audio").unwrap();
    let import =
        turnfix::formats::Import { doc: sample(), warnings: Vec::new(), format: turnfix::formats::Format::Json };
    let mut app = App::new(&egui::Context::default(), AppOptions::headless());
    app.install(dir.path().join("talk.json"), import, Some(bad));
    let mut h = harness_for(app);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !matches!(h.state().player_state().status, turnfix::audio::LoadStatus::Failed(_)) {
        assert!(std::time::Instant::now() < deadline, "{:?}", h.state().player_state().status);
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    editor::settle_loading(&mut h);
    let errors: Vec<_> = h.state().notifications().iter().filter(|n| n.level == turnfix::ui::Level::Error).collect();
    assert_eq!(errors.len(), 1, "told once: {errors:?}");
    assert!(errors[0].text.starts_with("The recording cannot be played: "), "{}", errors[0].text);
    assert!(h.query_by_label("Playback unavailable").is_some());
}

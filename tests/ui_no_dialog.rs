//! Save always answers, through the editor's UI (egui_kittest, no display): with no file-dialog
//! service the path is typed in the window (Open, Save As, Locate recording, the export path);
//! a save over a file that changed on disk asks first and keeps a backup; a save that fails
//! says why and stays dirty; a recording outside the transcript's folder is shown before it is
//! opened.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use turnfix::app::dialog_service::DialogService;
use turnfix::app::{App, AppOptions, Modal};
use turnfix::ui::Level;

#[path = "common/editor.rs"]
mod editor;
#[path = "common/tmpfs.rs"]
mod tmpfs;
use editor::harness_for;

const OTTER: &str = "Ann  0:00\nHello and welcome to the show.\n\nBob  0:05\nThanks for having me.\n";

/// An editor where native dialogs would be used, but none can open.
fn no_dialogs() -> AppOptions {
    AppOptions {
        native_dialogs: true,
        dialog_service: Some(DialogService::Missing("no portal in this test".into())),
        ..AppOptions::headless()
    }
}

fn open(options: AppOptions, path: &Path) -> Harness<'static, App> {
    let mut app = App::new(&egui::Context::default(), options);
    app.open_sync(path).unwrap();
    let mut h = harness_for(app);
    // A few frames (a recording loading shows a spinner, so run() would not settle).
    h.run_steps(4);
    h
}

fn import(dir: &Path) -> PathBuf {
    let p = dir.join("talk.txt");
    std::fs::write(&p, OTTER).unwrap();
    p
}

fn type_into_turn_1(h: &mut Harness<'static, App>, text: &str) {
    h.get_by_label("Turn 1 text").click();
    h.run();
    h.key_press(Key::End);
    h.run();
    h.get_by_label("Turn 1 text").type_text(text);
    h.run();
}

fn notes(h: &Harness<'static, App>, level: Level) -> Vec<String> {
    h.state().notifications().iter().filter(|n| n.level == level).map(|n| n.text.clone()).collect()
}

/// Let the task a frame started finish, and draw its result (a few frames: a recording being
/// loaded shows a spinner, so run() would not settle).
fn settle(h: &mut Harness<'static, App>) {
    h.step();
    h.state_mut().wait_for_jobs();
    h.run_steps(3);
}

/// Replace the path field's text with `text` and press Enter.
fn type_path(h: &mut Harness<'static, App>, text: &str) {
    h.get_by_label("File path").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("File path").type_text(text);
    h.run();
    h.key_press(Key::Enter);
    settle(h);
}

fn path_field_error(h: &Harness<'static, App>) -> Option<String> {
    match h.state().modal() {
        Some(Modal::PathField(p)) => p.error.clone(),
        other => panic!("the path field is not shown: {other:?}"),
    }
}

#[test]
fn save_as_with_no_dialog_service_says_so_once_and_takes_a_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(no_dialogs(), &import(dir.path()));
    type_into_turn_1(&mut h, " Typed.");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::PathField(_))), "{:?}", h.state().modal());
    h.get_by_label_contains("Type the file's full path");
    let warned = notes(&h, Level::Warning);
    assert!(warned.iter().any(|n| n.contains("No file dialog can open") && n.contains("no portal")), "{warned:?}");
    // A folder that is not there: the field says so and stays.
    type_path(&mut h, &dir.path().join("missing/out.json").display().to_string());
    let e = path_field_error(&h).expect("an error is shown");
    assert!(e.contains("does not exist") && e.contains("missing"), "{e}");
    h.get_by_label_contains("does not exist");
    // A good path: written there, clean, and the field is gone.
    let out = dir.path().join("chosen.json");
    type_path(&mut h, &out.display().to_string());
    assert!(h.state().modal().is_none(), "{:?}", h.state().modal());
    assert!(std::fs::read_to_string(&out).unwrap().contains("Typed."));
    assert!(!h.state().history().is_dirty());
    // The second time, no second warning.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::PathField(_))));
    let told = notes(&h, Level::Warning).iter().filter(|n| n.contains("No file dialog")).count();
    assert_eq!(told, 1, "told once");
}

#[test]
fn cancelling_the_path_field_saves_nothing_and_shows_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(no_dialogs(), &import(dir.path()));
    type_into_turn_1(&mut h, " Typed.");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert!(h.state().history().is_dirty(), "nothing was saved");
    assert!(notes(&h, Level::Error).is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no file was written");
}

#[test]
fn open_and_locate_recording_take_typed_paths() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(no_dialogs(), &import(dir.path()));
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "Cy  0:00\nA different talk.\n").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run();
    type_path(&mut h, "nothing-here.txt");
    assert!(path_field_error(&h).unwrap().starts_with("There is no file at"));
    // A path relative to the open file's folder.
    type_path(&mut h, "other.txt");
    assert_eq!(h.state().file().unwrap().path, other);
    assert_eq!(h.state().document().turns[0].text, "A different talk.");
    let rec = dir.path().join("rec.wav");
    std::fs::write(&rec, b"RIFF").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::O);
    h.run();
    type_path(&mut h, &rec.display().to_string());
    assert_eq!(h.state().audio_path(), Some(rec.as_path()));
}

#[test]
fn the_export_path_is_typed_and_the_export_dialog_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(no_dialogs(), &import(dir.path()));
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    h.get_by_label("Browse…").click();
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::PathField(_))));
    let out = dir.path().join("talk-export.srt");
    type_path(&mut h, &out.display().to_string());
    assert_eq!(h.state().modal(), Some(&Modal::Export));
    assert_eq!(h.state().export_dialog().unwrap().path, out.display().to_string());
    // Escape in the field goes back to the export dialog too.
    h.get_by_label("Browse…").click();
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().modal(), Some(&Modal::Export));
}

/// Ctrl+S fails: the error names the file and `reason`, the document stays dirty, the file on
/// disk is what it was.
fn save_fails_with(h: &mut Harness<'static, App>, json: &Path, reason: &str) {
    let before = std::fs::read(json).unwrap();
    type_into_turn_1(h, " Not lost.");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(h);
    let errors = notes(h, Level::Error);
    let e = errors.last().expect("an error is shown");
    assert!(e.contains(&json.display().to_string()) && e.contains(reason), "{e}");
    assert!(h.state().history().is_dirty(), "still unsaved");
    assert!(h.state().title().starts_with('●'));
    assert_eq!(std::fs::read(json).unwrap(), before, "the file is as it was");
}

#[test]
fn a_read_only_folder_is_named_and_the_document_stays_dirty() {
    // Root ignores permissions: a read-only file system is the folder nobody can write.
    let Some(fs) = tmpfs::Tmpfs::mount("size=1m") else { return };
    let (json, mut h) = json_in(fs.path());
    assert!(fs.remount("remount,ro"), "remount read-only");
    save_fails_with(&mut h, &json, "read-only");
}

#[test]
fn a_full_disk_is_named_and_the_document_stays_dirty() {
    let Some(fs) = tmpfs::Tmpfs::mount("size=64k") else { return };
    let (json, mut h) = json_in(fs.path());
    // Fill what is left of the disk.
    let mut filler = std::fs::File::create(fs.path().join("filler")).unwrap();
    while std::io::Write::write_all(&mut filler, &[0u8; 4096]).is_ok() {}
    drop(filler);
    save_fails_with(&mut h, &json, "the disk is full");
}

/// A Turnfix JSON of the sample, opened in a headless editor.
fn json_in(dir: &Path) -> (PathBuf, Harness<'static, App>) {
    let txt = import(dir);
    let json = dir.join("talk.turnfix.json");
    let doc = turnfix::session::open(&txt).unwrap().doc;
    turnfix::session::save_json(&doc, &json).unwrap();
    std::fs::remove_file(&txt).unwrap();
    let h = open(AppOptions::headless(), &json);
    (json, h)
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let (json, mut h) = json_in(dir.path());
    type_into_turn_1(&mut h, " Mine.");
    std::fs::write(&json, "changed by someone else").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    assert!(matches!(h.state().modal(), Some(Modal::SaveConflict(_))), "{:?}", h.state().modal());
    h.get_by_label_contains("changed on disk");
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "changed by someone else", "not overwritten yet");
    // Cancel: nothing written, still dirty.
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().history().is_dirty());
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "changed by someone else");
    // Again, and Overwrite: saved, with the other version kept as the backup, and said so.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    h.get_by_label("Overwrite").click();
    settle(&mut h);
    assert!(std::fs::read_to_string(&json).unwrap().contains("Mine."));
    let bak = json.with_file_name("talk.turnfix.json.bak");
    assert_eq!(std::fs::read_to_string(&bak).unwrap(), "changed by someone else");
    assert!(!h.state().history().is_dirty());
    let info = notes(&h, Level::Info);
    assert!(info.last().unwrap().contains(&bak.display().to_string()), "{info:?}");
    // The next save needs no question: the file is what this save wrote.
    type_into_turn_1(&mut h, " More.");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    assert!(h.state().modal().is_none());
    assert!(std::fs::read_to_string(&json).unwrap().contains("More."));
    assert!(std::fs::read_to_string(&bak).unwrap().contains("Mine."), "the backup is the previous version");
}

#[test]
fn save_as_from_the_conflict_prompt_writes_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let (json, mut h) = json_in(dir.path());
    type_into_turn_1(&mut h, " Mine.");
    std::fs::write(&json, "changed").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    h.get_by_label("Save As…").click();
    settle(&mut h);
    // Headless Save As uses the default name, which is the changed file: asked again.
    assert!(matches!(h.state().modal(), Some(Modal::SaveConflict(_))));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "changed");
}

#[test]
fn a_file_replaced_by_a_folder_is_not_saved_and_the_reason_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let (json, mut h) = json_in(dir.path());
    type_into_turn_1(&mut h, " Kept.");
    std::fs::remove_file(&json).unwrap();
    std::fs::create_dir(&json).unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    settle(&mut h);
    let errors = notes(&h, Level::Error);
    let e = errors.last().expect("an error is shown");
    assert!(e.contains("talk.turnfix.json") && e.contains("folder is in the way"), "{e}");
    assert!(h.state().history().is_dirty());
}

#[test]
fn a_recording_outside_the_folder_is_shown_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    std::fs::create_dir_all(dir.path().join("audio")).unwrap();
    let rec = dir.path().join("audio/rec.wav");
    std::fs::write(&rec, b"RIFF").unwrap();
    let mut doc = turnfix::session::open(&import(dir.path())).unwrap().doc;
    let json = dir.path().join("notes/talk.turnfix.json");
    doc.audio = Some(turnfix::session::audio_link(&json, &rec, None));
    assert!(doc.audio.as_ref().unwrap().path.starts_with(".."));
    turnfix::session::save_json(&doc, &json).unwrap();

    let mut h = open(AppOptions::headless(), &json);
    assert!(matches!(h.state().modal(), Some(Modal::OutsideAudio(_))), "{:?}", h.state().modal());
    h.get_by_label_contains("links to a recording outside its folder");
    assert_eq!(h.state().audio_path(), None, "not opened before the answer");
    h.get_by_label("Don't open").click();
    h.run();
    assert_eq!(h.state().audio_path(), None);
    assert!(h.state().modal().is_none());

    let mut h = open(AppOptions::headless(), &json);
    h.get_by_label("Open").click();
    h.run_steps(2);
    assert_eq!(h.state().audio_path().map(|p| p.canonicalize().unwrap()), Some(rec.canonicalize().unwrap()));

    // A recording in the folder is opened without a question.
    let inside = dir.path().join("notes/rec.wav");
    std::fs::write(&inside, b"RIFF").unwrap();
    doc.audio = Some(turnfix::session::audio_link(&json, &inside, None));
    turnfix::session::save_json(&doc, &json).unwrap();
    let h = open(AppOptions::headless(), &json);
    assert!(h.state().modal().is_none());
    assert!(h.state().audio_path().is_some());
}

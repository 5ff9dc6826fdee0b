//! Never lose work, through the editor's UI (egui_kittest, no display): the first save of an
//! import, a failed save, autosave fed from the app, and the recovery prompt.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use turnfix::app::{App, AppOptions, Modal};
use turnfix::session::recovery;
use turnfix::ui::Level;

#[path = "common/editor.rs"]
mod editor;
use editor::harness_for;

const OTTER: &str = "Ann  0:00\nHello and welcome to the show.\n\nBob  0:05\nThanks for having me.\n";

struct Fixture {
    dir: tempfile::TempDir,
    /// The imported otter TXT.
    path: PathBuf,
    harness: Harness<'static, App>,
}

impl Fixture {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

fn options(data: Option<&Path>) -> AppOptions {
    AppOptions { data_dir: data.map(Path::to_path_buf), ..AppOptions::headless() }
}

/// An otter TXT at `<tmp>/<sub>/talk.txt`, opened in an editor autosaving under `<tmp>/data`.
fn import_in(sub: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(sub);
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("talk.txt");
    std::fs::write(&path, OTTER).unwrap();
    let harness = open_in(&dir.path().join("data"), &path);
    Fixture { dir, path, harness }
}

fn open_in(data: &Path, path: &Path) -> Harness<'static, App> {
    let mut app = App::new(&egui::Context::default(), options(Some(data)));
    app.open_sync(path).unwrap();
    let mut h = harness_for(app);
    h.run();
    h
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

/// Poll `cond` until it holds (the autosave thread works on its own), at most 10 s.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Type into turn 1 and end the editor as a crash would (its autosave is written, not removed).
fn crash_after_typing(f: Fixture, text: &str) -> (tempfile::TempDir, PathBuf) {
    let Fixture { dir, path, mut harness } = f;
    type_into_turn_1(&mut harness, text);
    let session = harness.state().autosaver().expect("autosave runs").dir().to_path_buf();
    harness.state().autosaver().unwrap().flush();
    drop(harness);
    eventually("the autosave thread to let go of its lock", || !recovery::is_live(&session));
    (dir, path)
}

#[test]
fn first_save_of_an_import_writes_beside_it_and_says_where() {
    let mut f = import_in("in");
    type_into_turn_1(&mut f.harness, " Welcome!");
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    // One frame starts the save (run() would wait on the task's spinner).
    f.harness.step();
    f.harness.state_mut().wait_for_jobs();
    f.harness.run();
    let saved = f.path.with_file_name("talk.turnfix.json");
    assert!(saved.is_file(), "no dialog: written beside the import");
    assert!(std::fs::read_to_string(&saved).unwrap().contains("Welcome!"));
    assert!(!f.harness.state().history().is_dirty());
    let info = notes(&f.harness, Level::Info);
    assert!(info.iter().any(|n| n.contains(&saved.display().to_string()) && n.contains("Save As")), "{info:?}");
    // The next save goes to the same file.
    assert_eq!(f.harness.state().file().unwrap().save_path.as_deref(), Some(saved.as_path()));
}

#[test]
fn a_failed_save_names_the_file_and_the_reason_and_stays_dirty() {
    let mut f = import_in("gone");
    type_into_turn_1(&mut f.harness, " Kept.");
    std::fs::remove_dir_all(f.path.parent().unwrap()).unwrap();
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    // One frame starts the save (run() would wait on the task's spinner).
    f.harness.step();
    f.harness.state_mut().wait_for_jobs();
    f.harness.run();
    let errors = notes(&f.harness, Level::Error);
    let e = errors.last().expect("an error is shown");
    assert!(e.contains("talk.turnfix.json") && e.contains("no longer exists"), "{e}");
    assert!(f.harness.state().history().is_dirty(), "nothing was saved");
    assert!(f.harness.state().title().starts_with('●'));
}

#[test]
fn every_edit_reaches_the_autosave_and_a_save_and_close_removes_it() {
    let mut f = import_in("in");
    type_into_turn_1(&mut f.harness, " Autosaved words.");
    let a = f.harness.state().autosaver().expect("autosave runs");
    a.flush();
    let dir = a.dir().to_path_buf();
    let journal = std::fs::read_to_string(dir.join(recovery::JOURNAL)).unwrap();
    assert!(journal.contains("Autosaved words."), "{journal}");
    assert!(dir.join(recovery::META).is_file() && dir.join(recovery::BASE).is_file());
    // Undo is recorded too.
    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    f.harness.run();
    f.harness.state().autosaver().unwrap().flush();
    let journal = std::fs::read_to_string(dir.join(recovery::JOURNAL)).unwrap();
    assert!(journal.contains("\"undo\""), "{journal}");

    f.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    f.harness.run();
    type_into_turn_1(&mut f.harness, " Saved.");
    f.harness.state_mut().save();
    f.harness.state_mut().wait_for_jobs();
    f.harness.state_mut().close();
    f.harness.run();
    eventually("the session to be removed", || !dir.exists());
    assert!(recovery::list(&f.data()).unwrap().0.is_empty());
}

#[test]
fn after_a_crash_reopening_offers_recovery_and_recovered_edits_undo() {
    let (tmp, path) = crash_after_typing(import_in("in"), " Typed before the crash.");
    let data = tmp.path().join("data");
    let mut h = open_in(&data, &path);
    assert!(matches!(h.state().modal(), Some(Modal::Recover(o)) if o.edits >= 1), "{:?}", h.state().modal());
    // The prompt says which file and how many edits (panics when no such label is shown).
    h.get_by_label_contains("talk.txt were not saved");
    h.get_by_label("Recover").click();
    // The replay runs on a task: one frame starts it, then its result is drawn.
    h.step();
    h.state_mut().wait_for_jobs();
    h.run();
    assert_eq!(h.state().document().turns[0].text, "Hello and welcome to the show. Typed before the crash.");
    assert!(h.state().history().is_dirty());
    assert!(h.state().modal().is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().document().turns[0].text, "Hello and welcome to the show.", "recovered edits undo");
}

#[test]
fn keep_for_later_offers_again_and_discard_removes_the_autosave() {
    let (tmp, path) = crash_after_typing(import_in("in"), " Maybe.");
    let data = tmp.path().join("data");
    let mut h = open_in(&data, &path);
    h.get_by_label("Keep for later").click();
    h.run();
    assert!(h.state().modal().is_none());
    assert_eq!(h.state().document().turns[0].text, "Hello and welcome to the show.", "not recovered");
    drop(h);

    // This time opened as File → Open does, on a task (which also looks for autosaves).
    let mut app = App::new(&egui::Context::default(), options(Some(&data)));
    app.open(path.clone());
    app.wait_for_jobs();
    let mut h = harness_for(app);
    h.run();
    assert!(matches!(h.state().modal(), Some(Modal::Recover(_))), "offered again");
    h.get_by_label("Discard").click();
    h.run();
    drop(h);
    assert!(recovery::list(&data).unwrap().0.is_empty(), "discarded");
    let h = open_in(&data, &path);
    assert!(h.state().modal().is_none(), "nothing is offered after a discard");
}

#[test]
fn after_a_normal_save_and_close_nothing_is_offered() {
    let mut f = import_in("in");
    type_into_turn_1(&mut f.harness, " Done.");
    f.harness.state_mut().save();
    f.harness.state_mut().wait_for_jobs();
    f.harness.state_mut().close();
    f.harness.run();
    let Fixture { dir, path, harness } = f;
    drop(harness);
    let h = open_in(&dir.path().join("data"), &path);
    assert!(h.state().modal().is_none(), "{:?}", h.state().modal());
}

#[test]
fn a_failing_autosave_is_told_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talk.txt");
    std::fs::write(&path, OTTER).unwrap();
    // The data folder cannot be made: a file is in its place.
    let data = dir.path().join("data");
    std::fs::write(&data, "not a folder").unwrap();
    let mut h = open_in(&data, &path);
    type_into_turn_1(&mut h, " Typed.");
    h.state().autosaver().unwrap().flush();
    h.run();
    type_into_turn_1(&mut h, " More.");
    h.state().autosaver().unwrap().flush();
    h.run();
    let told: Vec<String> =
        notes(&h, Level::Warning).into_iter().filter(|n| n.starts_with("Autosave is not working")).collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("data"), "{told:?}");
}

#[test]
fn at_start_the_search_and_the_replay_run_as_tasks_and_bring_the_document_back() {
    let (tmp, path) = crash_after_typing(import_in("in"), " Found at start.");
    let data = tmp.path().join("data");
    let mut app = App::new(&egui::Context::default(), options(Some(&data)));
    app.offer_recovery_at_start();
    assert!(app.modal().is_none(), "looked for on a task, not on the calling thread");
    app.wait_for_jobs();
    assert!(matches!(app.modal(), Some(Modal::Recover(o)) if o.transcript.ends_with("talk.txt")), "{:?}", app.modal());
    let mut h = harness_for(app);
    h.run();
    h.get_by_label("Recover").click();
    h.step();
    assert!(h.state().file().is_none(), "the transcript is read and replayed on the task");
    h.state_mut().wait_for_jobs();
    h.run();
    assert_eq!(h.state().file().map(|f| f.path.clone()), Some(std::path::absolute(&path).unwrap()));
    assert_eq!(h.state().document().turns[0].text, "Hello and welcome to the show. Found at start.");
    assert!(h.state().history().can_undo(), "recovered edits are history");
}

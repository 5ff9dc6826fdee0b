//! Autosave and crash recovery, on the same session code as the editor ([`Editing`] with an
//! [`Autosaver`]).
//!
//! * The kill test: a child process (this test binary re-run with `TURNFIX_KILL_CHILD` set)
//!   applies a scripted stream of edits while autosave runs, and is killed with SIGKILL at a
//!   random moment, [`KILLS`] times. Every edit older than 1 s must come back, and the recovered
//!   document must be byte for byte the replay of that many edits.
//! * Kill during save: [`SAVE_KILLS`] children saving in a loop are killed at random moments;
//!   the target must always be the old or the new version, never a mix or a stub.
//! * After a normal save and close, nothing is offered; discard removes the session; old and
//!   empty sessions are pruned; a live session is not offered.

#[path = "common/script.rs"]
mod script;

use script::{Rng, Script, document};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use turnfix::formats::json;
use turnfix::model::TurnId;
use turnfix::session::recovery::{self, Recoverable};
use turnfix::session::{Autosaver, Editing};

const KILLS: usize = 200;
const SAVE_KILLS: usize = 1000;

/// A count, unless overridden by the environment variable `var` (for a quick run).
fn count(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
/// Children run at once (the machine is shared; kills are mostly waiting).
const PARALLEL: usize = 8;
const TURNS: usize = 40;

/// A temporary folder for a kill run: in /dev/shm where there is one. A SIGKILL tests what the
/// kernel has of the files, the same on any file system; tmpfs keeps a busy disk's fsync times
/// out of the timing (the fsyncs are for power loss, which a kill does not test).
fn scratch() -> tempfile::TempDir {
    match Path::new("/dev/shm") {
        shm if shm.is_dir() => tempfile::tempdir_in(shm).unwrap_or_else(|_| tempfile::tempdir().unwrap()),
        _ => tempfile::tempdir().unwrap(),
    }
}

fn exe() -> PathBuf {
    std::env::current_exe().unwrap()
}

/// Re-run this test binary as a child running only the test `name`.
fn child(name: &str, env: &[(&str, String)]) -> Child {
    let mut c = Command::new(exe());
    c.args([name, "--exact", "--nocapture", "--test-threads=1"]).stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

/// Run `f(i)` for i in 0..n on `PARALLEL` threads.
fn parallel(n: usize, f: impl Fn(usize) + Sync) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    f(i);
                }
            });
        }
    });
}

/// The child side of the kill test: edit forever, printing each step's number once applied.
#[test]
fn kill_child() {
    let (Ok(root), Ok(seed)) = (std::env::var("TURNFIX_KILL_CHILD"), std::env::var("TURNFIX_KILL_SEED")) else {
        return;
    };
    let doc = document(TURNS);
    let saver = Autosaver::start(Path::new(&root), Path::new("/kill/Interview_otter_ai.txt"), None, doc.clone());
    let mut e = Editing::with_autosave(doc, Default::default(), saver);
    let mut script = Script::new(seed.parse().unwrap());
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        script.step(&mut e);
        writeln!(out, "step {i}").unwrap();
        out.flush().unwrap();
        std::thread::sleep(Duration::from_millis(3));
    }
}

/// One kill: returns (edits that had to come back, edits recovered).
fn one_kill(run: usize) -> (usize, usize) {
    let dir = scratch();
    let seed = 1000 + run as u64;
    let mut rng = Rng::new(seed);
    let mut c = child(
        "kill_child",
        &[("TURNFIX_KILL_CHILD", dir.path().display().to_string()), ("TURNFIX_KILL_SEED", seed.to_string())],
    );
    let stdout = c.stdout.take().unwrap();
    let seen: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The first shares its line with libtest's "test kill_child ... ".
                if line.contains("step ") {
                    seen.lock().unwrap().push(Instant::now());
                }
            }
        })
    };
    // Wait for the first edit, then a random 0.1-2.5 s.
    while seen.lock().unwrap().is_empty() {
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(100 + rng.below(2400)));
    let killed_at = Instant::now();
    c.kill().unwrap();
    c.wait().unwrap();
    reader.join().unwrap();
    let seen = seen.lock().unwrap();
    let printed = seen.len();
    let required = seen.iter().filter(|t| killed_at.duration_since(**t) > Duration::from_secs(1)).count();

    let (sessions, damaged) = recovery::list(dir.path()).unwrap();
    assert_eq!(damaged, 0, "run {run}");
    let recovered = match sessions.as_slice() {
        [] => {
            // Only possible when nothing had to come back and nothing changed the document yet.
            assert_eq!(required, 0, "run {run}: no session, but {required} edits were older than 1 s");
            return (0, 0);
        }
        [s] => recovery::recover(s).unwrap(),
        more => panic!("run {run}: {} sessions", more.len()),
    };
    assert_eq!(recovered.replayed, recovered.lines, "run {run}: every journal line replays");
    let got = json::to_string(&recovered.doc);

    // The recovered document is the replay of k steps, k at least `required` (the child may
    // have applied one more step than it printed). Recovered edits are ordinary history: undo
    // gives what undo gives in the replay. (Several k can give the same document, e.g. an edit
    // and its undo; one of them must match in both.)
    let recovered_undone = {
        let mut rec = Editing::new(recovered.doc);
        rec.history = recovered.history;
        let could = rec.history.can_undo();
        rec.undo();
        (could, json::to_string(&rec.doc))
    };
    let mut e = Editing::new(document(TURNS));
    let mut script = Script::new(seed);
    for _ in 0..required {
        script.step(&mut e);
    }
    let mut k = required;
    let mut doc_matched = false;
    loop {
        if json::to_string(&e.doc) == got {
            doc_matched = true;
            let mut replay = Editing::new(e.doc.clone());
            replay.history = e.history.clone();
            let could = replay.history.can_undo();
            replay.undo();
            if (could, json::to_string(&replay.doc)) == recovered_undone {
                break;
            }
        }
        assert!(
            k <= printed,
            "run {run}: recovered document {} a replay of {required}..={} steps{}",
            if doc_matched { "is" } else { "is no" },
            printed + 1,
            if doc_matched { ", but its undo differs" } else { "" }
        );
        script.step(&mut e);
        k += 1;
    }
    (required, k)
}

#[test]
fn kill_test_recovers_every_edit_older_than_a_second() {
    let totals = Mutex::new((0usize, 0usize, 0usize));
    let kills = count("TURNFIX_KILLS", KILLS);
    parallel(kills, |i| {
        let (req, got) = one_kill(i);
        let mut t = totals.lock().unwrap();
        t.0 += 1;
        t.1 += req;
        t.2 += got;
    });
    let t = totals.lock().unwrap();
    eprintln!("kill test: {} kills, {} edits had to come back, {} came back", t.0, t.1, t.2);
    assert_eq!(t.0, kills);
}

/// The child side of kill-during-save: save the two versions in turn, forever.
#[test]
fn save_child() {
    let Ok(target) = std::env::var("TURNFIX_SAVE_CHILD") else { return };
    let target = PathBuf::from(target);
    let versions = [version(0), version(1)];
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        turnfix::session::save_checked(&target, &versions[(i + 1) % 2], None, true).unwrap();
        if i == 0 {
            writeln!(out, "saving").unwrap();
            out.flush().unwrap();
        }
    }
}

/// A ~200 KB version of a document; the two versions differ throughout.
fn version(v: usize) -> Vec<u8> {
    let mut doc = document(400);
    for t in &mut doc.turns {
        t.text = format!("version {v}: {}", t.text);
    }
    json::to_string(&doc).into_bytes()
}

#[test]
fn kill_during_save_leaves_old_or_new_never_a_mix() {
    let versions = [version(0), version(1)];
    let outcomes = Mutex::new([0usize; 2]);
    let runs = count("TURNFIX_SAVE_KILLS", SAVE_KILLS);
    let started = Instant::now();
    parallel(runs, |i| {
        let dir = scratch();
        let target = dir.path().join("Interview.turnfix.json");
        std::fs::write(&target, &versions[0]).unwrap();
        let mut rng = Rng::new(i as u64 + 7);
        let mut c = child("save_child", &[("TURNFIX_SAVE_CHILD", target.display().to_string())]);
        let mut lines = BufReader::new(c.stdout.take().unwrap()).lines();
        while let Some(Ok(l)) = lines.next() {
            if l.ends_with("saving") {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(4000)));
        c.kill().unwrap();
        c.wait().unwrap();
        let got = std::fs::read(&target).unwrap();
        let which = versions.iter().position(|v| *v == got);
        assert!(which.is_some(), "run {i}: target is neither version ({} bytes)", got.len());
        outcomes.lock().unwrap()[which.unwrap()] += 1;
        let bak = dir.path().join("Interview.turnfix.json.bak");
        if let Ok(b) = std::fs::read(&bak) {
            assert!(versions.contains(&b), "run {i}: backup is neither version");
        }
    });
    let o = outcomes.lock().unwrap();
    eprintln!(
        "kill during save: {runs} kills in {:.1} s, target old version {} times, new {} times",
        started.elapsed().as_secs_f64(),
        o[0],
        o[1]
    );
    assert_eq!(o[0] + o[1], runs);
}

// ---------------------------------------------------------------------------------------------
// Session lifecycle
// ---------------------------------------------------------------------------------------------

fn edited_session(root: &Path, transcript: &Path, steps: usize) -> Editing {
    let doc = document(TURNS);
    let saver = Autosaver::start(root, transcript, None, doc.clone());
    let mut e = Editing::with_autosave(doc, Default::default(), saver);
    let mut s = Script::new(5);
    for _ in 0..steps {
        s.step(&mut e);
    }
    e.apply_typing(TurnId(1), "typed last".into()).unwrap();
    e.autosaver().unwrap().flush();
    e
}

fn only(root: &Path) -> Recoverable {
    let (list, _) = recovery::list(root).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    list.into_iter().next().unwrap()
}

#[test]
fn nothing_is_offered_after_a_normal_save_and_close() {
    let root = tempfile::tempdir().unwrap();
    let t = root.path().join("a.txt");
    let mut e = edited_session(root.path(), &t, 30);
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    assert!(dir.join(recovery::JOURNAL).is_file());
    let upto = e.autosaver().unwrap().seq();
    let out = root.path().join("a.turnfix.json");
    turnfix::session::save_json(&e.doc, &out).unwrap();
    e.autosaver_mut().unwrap().saved(&out, upto);
    e.take_autosaver().unwrap().close_and_wait();
    assert!(!dir.exists(), "the session folder is removed");
    assert!(recovery::list(root.path()).unwrap().0.is_empty());
}

#[test]
fn a_live_session_is_not_offered_and_a_dropped_one_is() {
    let root = tempfile::tempdir().unwrap();
    let t = root.path().join("a.txt");
    let mut e = edited_session(root.path(), &t, 10);
    assert!(recovery::list(root.path()).unwrap().0.is_empty(), "held by this process");
    let want = json::to_string(&e.doc);
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    drop(e.take_autosaver());
    // The thread releases the lock as it exits.
    let deadline = Instant::now() + Duration::from_secs(10);
    while recovery::is_live(&dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let s = only(root.path());
    assert_eq!(s.transcript, std::path::absolute(&t).unwrap().display().to_string());
    assert!(s.edits >= 1 && s.unsaved_edits == s.edits, "{s:?}");
    assert!(s.last_edit_ms.is_some());
    assert_eq!(recovery::for_transcript(root.path(), &t).unwrap().len(), 1);
    assert!(recovery::for_transcript(root.path(), &root.path().join("other.txt")).unwrap().is_empty());
    assert_eq!(json::to_string(&recovery::recover(&s).unwrap().doc), want);
    // "Keep for later" is doing nothing: it is still there.
    assert_eq!(only(root.path()).id, s.id);
    recovery::discard(&s).unwrap();
    assert!(recovery::list(root.path()).unwrap().0.is_empty());
    assert!(!s.dir.exists());
}

#[test]
fn resumed_session_appends_after_a_torn_tail_and_counts_unsaved_edits() {
    let root = tempfile::tempdir().unwrap();
    let t = root.path().join("a.txt");
    let mut e = edited_session(root.path(), &t, 20);
    let upto = e.autosaver().unwrap().seq();
    e.autosaver_mut().unwrap().saved(&root.path().join("a.turnfix.json"), upto);
    e.apply_typing(TurnId(2), "after the save".into()).unwrap();
    e.autosaver().unwrap().flush();
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    drop(e.take_autosaver());
    while recovery::is_live(&dir) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // A kill in the middle of a write leaves half a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join(recovery::JOURNAL))
        .unwrap()
        .write_all(b"{\"seq\":99,\"t\":1,\"op\":\"ty")
        .unwrap();
    let s = only(root.path());
    assert_eq!(s.unsaved_edits, 1, "{s:?}");
    assert!(s.torn_bytes > 0);
    let r = recovery::recover(&s).unwrap();
    assert_eq!(r.doc.turn(TurnId(2)).unwrap().text, "after the save");
    // Recover, keep editing in the same session, crash again: both parts come back.
    let mut e2 = Editing::with_autosave(r.doc, r.history, Autosaver::resume(&s).unwrap());
    assert!(matches!(Autosaver::resume(&s), Err(recovery::RecoveryError::Live { .. })));
    e2.apply_typing(TurnId(3), "after recovery".into()).unwrap();
    e2.undo();
    e2.undo();
    e2.autosaver().unwrap().flush();
    let want = json::to_string(&e2.doc);
    drop(e2.take_autosaver());
    while recovery::is_live(&dir) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let s = only(root.path());
    assert_eq!(s.torn_bytes, 0, "the torn tail was cut before appending");
    let r = recovery::recover(&s).unwrap();
    assert_eq!(r.replayed, r.lines);
    assert_eq!(json::to_string(&r.doc), want);
    assert_eq!(r.doc.turn(TurnId(2)).unwrap().text, document(TURNS).turns[1].text, "both undos replayed");
}

#[test]
fn old_and_empty_sessions_are_pruned() {
    let root = tempfile::tempdir().unwrap();
    let keep = edited_session(root.path(), &root.path().join("keep.txt"), 5);
    let mut old = edited_session(root.path(), &root.path().join("old.txt"), 5);
    let old_dir = old.autosaver().unwrap().dir().to_path_buf();
    drop(old.take_autosaver());
    while recovery::is_live(&old_dir) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let month_ago = std::time::SystemTime::now() - Duration::from_secs(31 * 24 * 3600);
    for f in [recovery::JOURNAL, recovery::META, recovery::LOCK] {
        std::fs::File::options().write(true).open(old_dir.join(f)).unwrap().set_modified(month_ago).unwrap();
    }
    assert_eq!(recovery::prune(root.path(), recovery::MAX_AGE).unwrap(), 1);
    assert!(!old_dir.exists());
    assert!(keep.autosaver().unwrap().dir().exists(), "a live session is never pruned");
}

/// The autosave write volume of steady typing in a 10,000-turn document: the journal bytes per
/// second of typing at 10 keystrokes a second, measured over 3 s (the one-off base snapshot
/// written at the first edit is counted separately and printed).
#[test]
fn steady_typing_in_10k_turns_writes_little() {
    let root = tempfile::tempdir().unwrap();
    let mut doc = document(10_000);
    for t in &mut doc.turns {
        t.text = t.text.repeat(6); // ~250 characters a turn
    }
    let saver = Autosaver::start(root.path(), &root.path().join("big.txt"), None, doc.clone());
    let mut e = Editing::with_autosave(doc, Default::default(), saver);
    let mut text = e.doc.turns[5000].text.clone();
    let id = e.doc.turns[5000].id;
    let keys = 30;
    for i in 0..keys {
        text.push(if i % 5 == 4 { ' ' } else { 'x' });
        e.apply_typing(id, text.clone()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    e.autosaver().unwrap().flush();
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    let journal = std::fs::metadata(dir.join(recovery::JOURNAL)).unwrap().len();
    let base = std::fs::metadata(dir.join(recovery::BASE)).unwrap().len();
    let per_second = journal as f64 / (keys as f64 / 10.0);
    eprintln!(
        "10k turns, typing 10 keys/s: journal {journal} bytes in 3 s = {per_second:.0} B/s; base snapshot {base} bytes once"
    );
    assert!(per_second <= 64.0 * 1024.0, "{per_second} B/s");
    // The journal is the typing, not the document: far below one snapshot per second.
    assert!(journal * 100 < base);
    e.take_autosaver().unwrap().close_and_wait();
}

/// `turnfix recover` from the command line (the binary), for when the window won't open:
/// `--list --json` shows the dropped session, `recover ID OUT` and `recover TRANSCRIPT OUT`
/// write its document.
#[test]
fn the_recover_command_lists_and_writes_a_dropped_session() {
    let root = tempfile::tempdir().unwrap();
    let t = root.path().join("talk.txt");
    let mut e = edited_session(root.path(), &t, 10);
    let want = json::to_string(&e.doc);
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    drop(e.take_autosaver());
    let deadline = Instant::now() + Duration::from_secs(10);
    while recovery::is_live(&dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let turnfix = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(env!("CARGO_BIN_EXE_turnfix"))
            .args(args)
            .env("TURNFIX_DATA_DIR", root.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "turnfix {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    let out = turnfix(&["recover".as_ref(), "--list".as_ref(), "--json".as_ref()]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let [s] = list.as_array().expect("a JSON array").as_slice() else { panic!("one session: {list:#}") };
    assert_eq!(s["transcript"].as_str(), Some(std::path::absolute(&t).unwrap().to_str().unwrap()));
    assert!(s["unsaved_edits"].as_u64().unwrap() >= 1, "{s:#}");
    assert!(s["last_edit_ms"].as_u64().is_some());

    let by_id = root.path().join("by-id.json");
    turnfix(&["recover".as_ref(), s["id"].as_str().unwrap().as_ref(), by_id.as_os_str()]);
    assert_eq!(std::fs::read_to_string(&by_id).unwrap(), want, "the document as it was before the drop");
    let by_path = root.path().join("by-path.json");
    turnfix(&["recover".as_ref(), t.as_os_str(), by_path.as_os_str()]);
    assert_eq!(std::fs::read_to_string(&by_path).unwrap(), want);
    // The text listing says the same.
    let out = turnfix(&["recover".as_ref(), "--list".as_ref()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(s["id"].as_str().unwrap()) && text.contains("talk.txt"), "{text}");
}

#[test]
fn an_oversized_session_meta_is_counted_damaged_not_read_whole() {
    let root = tempfile::tempdir().unwrap();
    let dir = dropped_session(root.path());
    assert_eq!(recovery::list(root.path()).unwrap().0.len(), 1, "a good session is listed");
    // The same meta, valid JSON still, padded past the bound with trailing spaces.
    let meta = dir.join("meta.json");
    let mut bytes = std::fs::read(&meta).unwrap();
    bytes.extend(std::iter::repeat_n(b' ', 1 << 20));
    std::fs::write(&meta, bytes).unwrap();
    let (list, damaged) = recovery::list(root.path()).unwrap();
    assert!(list.is_empty());
    assert_eq!(damaged, 1);
}

/// A dropped session, offered for recovery, with its directory.
fn dropped_session(root: &Path) -> PathBuf {
    let mut e = edited_session(root, &root.join("a.txt"), 3);
    let dir = e.autosaver().unwrap().dir().to_path_buf();
    drop(e.take_autosaver());
    let deadline = Instant::now() + Duration::from_secs(10);
    while recovery::is_live(&dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    dir
}

#[test]
fn an_oversized_base_is_refused_naming_the_file() {
    let root = tempfile::tempdir().unwrap();
    let dir = dropped_session(root.path());
    let s = only(root.path());
    assert!(recovery::recover(&s).is_ok(), "the session recovers before");
    // A sparse file one byte over the bound: refused from its size, nothing is read.
    let base = dir.join("base.json");
    std::fs::OpenOptions::new().write(true).open(&base).unwrap().set_len(recovery::MAX_BASE_BYTES + 1).unwrap();
    let err = recovery::recover(&s).unwrap_err().to_string();
    assert!(err.contains(&base.display().to_string()), "names the file: {err}");
    assert!(err.contains("too large (256 MB; the limit is 256 MB)"), "{err}");
}

#[test]
fn an_oversized_journal_is_refused_naming_the_file() {
    let root = tempfile::tempdir().unwrap();
    let dir = dropped_session(root.path());
    let s = only(root.path());
    let journal = dir.join("journal.jsonl");
    let f = std::fs::OpenOptions::new().write(true).open(&journal).unwrap();
    f.set_len(turnfix::session::journal::MAX_JOURNAL_BYTES + (1 << 20)).unwrap();
    let err = recovery::recover(&s).unwrap_err().to_string();
    assert!(err.contains(&journal.display().to_string()), "names the file: {err}");
    assert!(err.contains("the journal is too large (513 MB; the limit is 512 MB)"), "{err}");
    // Listed as damaged, not read.
    let (list, damaged) = recovery::list(root.path()).unwrap();
    assert!(list.is_empty());
    assert_eq!(damaged, 1);
}

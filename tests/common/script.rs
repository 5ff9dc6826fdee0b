//! A scripted stream of edits for the autosave tests: typing runs, speaker changes, splits,
//! merges, undo and redo, decided by a seeded generator and the document's state, so that the
//! same seed applied to the same document always gives the same edits.

#![allow(dead_code)]

use turnfix::edit::{self, Scope};
use turnfix::model::{Transcript, TranscriptBuilder, TurnId};
use turnfix::session::Editing;

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A document of `n` turns by three speakers.
pub fn document(n: usize) -> Transcript {
    let mut b = TranscriptBuilder::new();
    let names = ["Ann Lee", "Bob", "Chloé 🎤"];
    for i in 0..n {
        b.push(Some(names[i % 3]), Some(i as u64 * 4_000), None, &format!("Turn {i} says something worth correcting."));
    }
    b.finish()
}

/// The script's state: which turn is being typed into.
pub struct Script {
    rng: Rng,
    typing: Option<TurnId>,
}

impl Script {
    pub fn new(seed: u64) -> Script {
        Script { rng: Rng::new(seed), typing: None }
    }

    /// Apply the next step to `e`. Steps that do not apply (merge at the end...) change nothing.
    pub fn step(&mut self, e: &mut Editing) {
        let r = self.rng.below(100);
        let n = e.doc.turns.len() as u64;
        let pick = self.rng.below(n.max(1)) as usize;
        let ch = b"abcdefgh ijklmnop qrstuvwxyz, ."[self.rng.below(31) as usize] as char;
        if n == 0 {
            return;
        }
        match r {
            0..=69 => {
                let turn = match self.typing.filter(|t| e.doc.turn(*t).is_some()) {
                    Some(t) => t,
                    None => {
                        let t = e.doc.turns[pick].id;
                        self.typing = Some(t);
                        t
                    }
                };
                let mut text = e.doc.turn(turn).map(|t| t.text.clone()).unwrap_or_default();
                if ch == '.' && !text.is_empty() {
                    text.pop();
                } else {
                    text.push(if ch == ',' { 'é' } else { ch });
                }
                let _ = e.apply_typing(turn, text);
            }
            70..=74 => {
                e.seal();
                self.typing = None;
            }
            75..=81 => {
                let turn = e.doc.turns[pick].id;
                let to = e.doc.speakers[self.rng.below(e.doc.speakers.len() as u64) as usize].id;
                let scope = [Scope::Turn, Scope::FollowingRun, Scope::AllOfSpeaker][self.rng.below(3) as usize];
                if let Ok(edit) = edit::set_speaker(&e.doc, turn, scope, to) {
                    let _ = e.apply(edit);
                }
                self.typing = None;
            }
            82..=85 => {
                let t = &e.doc.turns[pick];
                let mut at = t.text.len() / 2;
                while !t.text.is_char_boundary(at) {
                    at -= 1;
                }
                if let Ok(edit) = edit::split_turn(&e.doc, t.id, at) {
                    let _ = e.apply(edit);
                }
                self.typing = None;
            }
            86..=89 => {
                if let Ok(edit) = edit::merge_with_next(&e.doc, e.doc.turns[pick].id) {
                    let _ = e.apply(edit);
                }
                self.typing = None;
            }
            90..=96 => {
                e.undo();
                self.typing = None;
            }
            _ => {
                e.redo();
                self.typing = None;
            }
        }
    }
}

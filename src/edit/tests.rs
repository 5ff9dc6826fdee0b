use super::*;
use crate::formats::json;
use crate::model::TranscriptBuilder;
use proptest::prelude::*;

fn doc() -> Transcript {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello there. How are you?");
    b.push(Some("Bob"), Some(4_000), None, "Fine, thanks");
    b.push(Some("Bob"), Some(6_000), None, "and you");
    b.push(Some("Ann"), Some(10_000), Some(12_000), "Good.");
    b.push(Some("Bob"), Some(13_000), None, "Great");
    b.finish()
}

fn ids(d: &Transcript) -> Vec<u64> {
    d.turns.iter().map(|t| t.id.0).collect()
}

#[test]
fn set_text_inverts() {
    let mut d = doc();
    let before = d.clone();
    let inv = Edit::SetText { turn: TurnId(2), text: "Fine".into() }.apply(&mut d).unwrap();
    assert_eq!(d.turns[1].text, "Fine");
    inv.apply(&mut d).unwrap();
    assert_eq!(d, before);
}

#[test]
fn reassign_scopes() {
    let d0 = doc();
    let ann = d0.speaker_by_name("Ann").unwrap();
    let bob = d0.speaker_by_name("Bob").unwrap();
    let speakers = |d: &Transcript| d.turns.iter().map(|t| d.speaker_name(t.speaker).to_string()).collect::<Vec<_>>();

    let mut d = d0.clone();
    set_speaker(&d, TurnId(2), Scope::Turn, ann).unwrap().apply(&mut d).unwrap();
    assert_eq!(speakers(&d), ["Ann", "Ann", "Bob", "Ann", "Bob"]);

    let mut d = d0.clone();
    // From turn 3 on, past Ann's turn 4, to Bob's turn 5; turn 2 before it stays Bob's.
    set_speaker(&d, TurnId(3), Scope::FollowingRun, ann).unwrap().apply(&mut d).unwrap();
    assert_eq!(speakers(&d), ["Ann", "Bob", "Ann", "Ann", "Ann"]);

    let mut d = d0.clone();
    set_speaker(&d, TurnId(2), Scope::AllOfSpeaker, ann).unwrap().apply(&mut d).unwrap();
    assert_eq!(speakers(&d), ["Ann"; 5]);

    let mut d = d0.clone();
    let inv = set_speaker_of(&[TurnId(1), TurnId(4)], bob, "x").apply(&mut d).unwrap();
    assert_eq!(speakers(&d), ["Bob"; 5]);
    inv.apply(&mut d).unwrap();
    assert_eq!(d, d0);
}

#[test]
fn split_estimates_start_and_merge_rejoins() {
    let mut d = doc();
    let before = d.clone();
    // "Hello there. " is 13 chars of 25; the turn lasts 4000 ms.
    let inv = split_turn(&d, TurnId(1), 13).unwrap().apply(&mut d).unwrap();
    assert_eq!(d.turns.len(), 6);
    assert_eq!(d.turns[0].text, "Hello there.");
    assert_eq!(d.turns[1].text, "How are you?");
    assert_eq!(d.turns[1].start_ms, 4_000 * 13 / 25);
    assert_eq!(d.turns[1].id, TurnId(6), "a fresh id");
    assert_eq!(d.turns[1].split_from, Some(TurnId(1)));
    assert!(d.turns[1].original.is_none());
    inv.apply(&mut d).unwrap();
    assert_eq!(d, before);

    let mut d = doc();
    merge_with_next(&d, TurnId(2)).unwrap().apply(&mut d).unwrap();
    assert_eq!(d.turns.len(), 4);
    assert_eq!(d.turns[1].text, "Fine, thanks and you");
    assert_eq!(d.turns[1].merged, vec![TurnId(3)]);
    assert_eq!(merge_with_next(&d, TurnId(5)), Err(EditError::NothingToMerge));
}

#[test]
fn a_split_start_is_estimated_until_the_user_sets_it() {
    let mut d = doc();
    split_turn(&d, TurnId(1), 13).unwrap().apply(&mut d).unwrap();
    assert!(d.turns[1].start_estimated, "the new turn's start is an estimate");
    assert!(!d.turns[0].start_estimated);
    let saved = json::to_string(&d);
    assert!(saved.contains("\"start_estimated\": true") || saved.contains("\"start_estimated\":true"), "{saved}");
    assert_eq!(saved.matches("start_estimated").count(), 1, "omitted when false");
    assert!(json::from_str(&saved, "t.json").unwrap().0.turns[1].start_estimated);
    let before = d.clone();
    let inv = retime(&d, TurnId(6), 2_500, None).unwrap().apply(&mut d).unwrap();
    assert_eq!(d.turns[1].start_ms, 2_500);
    assert!(!d.turns[1].start_estimated, "set by the user");
    inv.apply(&mut d).unwrap();
    assert_eq!(d, before, "the inverse restores the estimate");
}

#[test]
fn split_keeps_end_on_the_second_part() {
    let mut d = doc();
    split_turn(&d, TurnId(4), 2).unwrap().apply(&mut d).unwrap();
    assert_eq!(d.turns[3].text, "Go");
    assert_eq!(d.turns[4].text, "od.");
    assert_eq!(d.turns[3].end_ms, Some(10_800));
    assert_eq!(d.turns[4].start_ms, 10_800);
    assert_eq!(d.turns[4].end_ms, Some(12_000));
}

#[test]
fn split_rejects_bad_offsets() {
    let mut b = TranscriptBuilder::new();
    b.push(Some("A"), Some(0), None, "é");
    let d = b.finish();
    assert_eq!(split_turn(&d, TurnId(1), 1), Err(EditError::BadOffset(1)));
    assert_eq!(split_turn(&d, TurnId(1), 9), Err(EditError::BadOffset(9)));
}

#[test]
fn speakers_rename_merge_add_remove() {
    let mut d = doc();
    let d0 = d.clone();
    let ann = d.speaker_by_name("Ann").unwrap();
    let bob = d.speaker_by_name("Bob").unwrap();
    let mut h = History::new();
    h.apply(&mut d, Edit::RenameSpeaker { speaker: ann, name: "Anna".into() }).unwrap();
    assert_eq!(d.speaker_name(ann), "Anna");
    assert_eq!(
        Edit::RenameSpeaker { speaker: ann, name: "Bob".into() }.apply(&mut d.clone()),
        Err(EditError::DuplicateSpeaker("Bob".into()))
    );
    let (add, carol) = add_speaker(&d, "Carol").unwrap();
    h.apply(&mut d, add).unwrap();
    assert_eq!(d.speakers.len(), 3);
    assert!(add_speaker(&d, "Carol").is_err());
    let e = merge_speakers(&d, bob, ann).unwrap();
    h.apply(&mut d, e).unwrap();
    assert_eq!(d.speakers.len(), 2);
    assert!(d.turns.iter().all(|t| t.speaker == ann));
    assert_eq!(Edit::RemoveSpeaker { speaker: ann }.apply(&mut d.clone()), Err(EditError::SpeakerInUse(ann)));
    h.apply(&mut d, Edit::RemoveSpeaker { speaker: carol }).unwrap();
    h.apply(&mut d, Edit::SetSpeakerColor { speaker: ann, color: Color([1, 2, 3]) }).unwrap();
    while h.undo(&mut d).is_some() {}
    assert_eq!(d, d0);
}

#[test]
fn insert_delete_and_retime() {
    let mut d = doc();
    let d0 = d.clone();
    let ann = d.speaker_by_name("Ann").unwrap();
    let mut h = History::new();
    let (e, id) = insert_turn(&d, Some(1), ann, 5_000, "inserted").unwrap();
    h.apply(&mut d, e).unwrap();
    assert_eq!(d.turns[2].id, id);
    assert_eq!(ids(&d), [1, 2, 6, 3, 4, 5]);
    h.apply(&mut d, Edit::DeleteTurn { turn: TurnId(3) }).unwrap();
    assert!(matches!(retime(&d, TurnId(4), 1_000, None), Err(EditError::OutOfOrder { .. })));
    assert!(matches!(retime(&d, TurnId(4), 10_500, Some(10_000)), Err(EditError::EndBeforeStart { .. })));
    let e = retime(&d, TurnId(4), 10_500, Some(11_000)).unwrap();
    h.apply(&mut d, e).unwrap();
    assert_eq!(d.turns[3].start_ms, 10_500);
    while h.undo(&mut d).is_some() {}
    assert_eq!(d, d0);
    while h.redo(&mut d).is_some() {}
    assert_eq!(ids(&d), [1, 2, 6, 4, 5]);
}

#[test]
fn failed_batch_leaves_document_unchanged() {
    let mut d = doc();
    let d0 = d.clone();
    let bad = Edit::Batch {
        label: "x".into(),
        edits: vec![Edit::SetText { turn: TurnId(1), text: "changed".into() }, Edit::DeleteTurn { turn: TurnId(99) }],
    };
    assert_eq!(bad.apply(&mut d), Err(EditError::NoTurn(TurnId(99))));
    assert_eq!(d, d0);
}

#[test]
fn typing_coalesces_and_dirty_tracks_revisions() {
    let mut d = doc();
    let mut h = History::new();
    assert!(!h.is_dirty());
    for s in ["F", "Fi", "Fin", "Fine"] {
        h.apply_typing(&mut d, TurnId(2), s.into()).unwrap();
    }
    assert_eq!(h.undo_len(), 1, "typing is one undo step");
    assert!(h.is_dirty());
    h.mark_saved();
    assert!(!h.is_dirty());
    h.seal();
    h.apply_typing(&mut d, TurnId(2), "Fine!".into()).unwrap();
    assert_eq!(h.undo_len(), 2, "a sealed run starts a new step");
    h.undo(&mut d);
    assert_eq!(d.turns[1].text, "Fine");
    assert!(!h.is_dirty(), "back at the saved revision");
    h.undo(&mut d);
    assert_eq!(d.turns[1].text, "Fine, thanks");
    assert!(h.is_dirty());
    h.redo(&mut d);
    assert!(!h.is_dirty());
    // Typing in another turn starts another step.
    h.apply_typing(&mut d, TurnId(3), "x".into()).unwrap();
    h.apply_typing(&mut d, TurnId(1), "y".into()).unwrap();
    assert_eq!(h.undo_len(), 3);
}

#[test]
fn replace_all_is_one_step() {
    let mut d = doc();
    let mut h = History::new();
    let changes =
        d.turns.iter().filter(|t| t.text.contains("you")).map(|t| (t.id, t.text.replace("you", "ye"))).collect();
    h.apply(&mut d, set_texts(changes, "Replace all")).unwrap();
    assert_eq!(d.turns[0].text, "Hello there. How are ye?");
    assert_eq!(d.turns[2].text, "and ye");
    assert_eq!(h.undo_label(), Some("Replace all"));
    h.undo(&mut d);
    assert_eq!(d, doc());
}

// ---------------------------------------------------------------------------------------------
// Property test: any random sequence of edits, followed by as many undos, gives back the
// original, and the saved bytes are identical.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Text(usize, String),
    Type(usize, String),
    Speaker(usize, usize, u8),
    Split(usize, usize),
    Merge(usize),
    Insert(usize, usize, String),
    Delete(usize),
    Retime(usize, u64),
    Rename(usize, String),
    Add(String),
    MergeSpeakers(usize, usize),
    RemoveSpeaker(usize),
    Color(usize, [u8; 3]),
    Title(String),
    Aside(String),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    let text = "[a-zé ✓.]{0,12}";
    prop_oneof![
        (any::<usize>(), text).prop_map(|(i, s)| Op::Text(i, s)),
        (any::<usize>(), text).prop_map(|(i, s)| Op::Type(i, s)),
        (any::<usize>(), any::<usize>(), 0u8..3).prop_map(|(i, s, k)| Op::Speaker(i, s, k)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, o)| Op::Split(i, o)),
        any::<usize>().prop_map(Op::Merge),
        (any::<usize>(), any::<usize>(), text).prop_map(|(i, s, t)| Op::Insert(i, s, t)),
        any::<usize>().prop_map(Op::Delete),
        (any::<usize>(), 0u64..20_000).prop_map(|(i, ms)| Op::Retime(i, ms)),
        (any::<usize>(), "[A-Z][a-z]{0,5}").prop_map(|(i, s)| Op::Rename(i, s)),
        "[A-Z][a-z]{0,5}".prop_map(Op::Add),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::MergeSpeakers(a, b)),
        any::<usize>().prop_map(Op::RemoveSpeaker),
        (any::<usize>(), any::<[u8; 3]>()).prop_map(|(i, c)| Op::Color(i, c)),
        text.prop_map(Op::Title),
        text.prop_map(Op::Aside),
        Just(Op::Undo),
        Just(Op::Redo),
    ]
}

/// Turn an abstract op into an edit valid (or deliberately maybe invalid) for the document.
fn to_edit(d: &Transcript, op: &Op) -> Option<Result<Edit, EditError>> {
    let turn = |i: usize| (!d.turns.is_empty()).then(|| d.turns[i % d.turns.len()].id);
    let speaker = |i: usize| (!d.speakers.is_empty()).then(|| d.speakers[i % d.speakers.len()].id);
    Some(match op {
        Op::Text(i, s) => Ok(Edit::SetText { turn: turn(*i)?, text: s.clone() }),
        Op::Speaker(i, s, k) => {
            let scope = [Scope::Turn, Scope::FollowingRun, Scope::AllOfSpeaker][*k as usize];
            set_speaker(d, turn(*i)?, scope, speaker(*s)?)
        }
        Op::Split(i, o) => {
            let t = d.turn(turn(*i)?)?;
            let bounds: Vec<usize> = t.text.char_indices().map(|(b, _)| b).chain([t.text.len()]).collect();
            split_turn(d, t.id, bounds[o % bounds.len()])
        }
        Op::Merge(i) => merge_with_next(d, turn(*i)?),
        Op::Insert(i, s, text) => {
            let after = if d.turns.is_empty() { None } else { Some(i % d.turns.len()) };
            let start = after.map_or(0, |a| d.turns[a].start_ms);
            insert_turn(d, after, speaker(*s)?, start, text).map(|(e, _)| e)
        }
        Op::Delete(i) => Ok(Edit::DeleteTurn { turn: turn(*i)? }),
        Op::Retime(i, ms) => retime(d, turn(*i)?, *ms, None),
        Op::Rename(i, s) => Ok(Edit::RenameSpeaker { speaker: speaker(*i)?, name: s.clone() }),
        Op::Add(s) => add_speaker(d, s).map(|(e, _)| e),
        Op::MergeSpeakers(a, b) => merge_speakers(d, speaker(*a)?, speaker(*b)?),
        Op::RemoveSpeaker(i) => Ok(Edit::RemoveSpeaker { speaker: speaker(*i)? }),
        Op::Color(i, c) => Ok(Edit::SetSpeakerColor { speaker: speaker(*i)?, color: Color(*c) }),
        Op::Title(s) => {
            let mut m = d.metadata.clone();
            m.title = (!s.is_empty()).then(|| s.clone());
            m.keywords.push(s.clone());
            Ok(Edit::SetMetadata { metadata: Box::new(m) })
        }
        Op::Aside(s) => {
            let mut a = d.aside.clone();
            a.push(crate::model::Aside { line: a.len(), text: s.clone() });
            Ok(Edit::SetAside { aside: a })
        }
        Op::Type(..) | Op::Undo | Op::Redo => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn edits_then_undos_restore_the_original(ops in proptest::collection::vec(op(), 0..40)) {
        let original = doc();
        let saved = json::to_string(&original);
        let mut d = original.clone();
        let mut h = History::new();
        for op in &ops {
            match op {
                Op::Undo => { h.undo(&mut d); }
                Op::Redo => { h.redo(&mut d); }
                Op::Type(i, s) => {
                    if !d.turns.is_empty() {
                        let id = d.turns[i % d.turns.len()].id;
                        h.apply_typing(&mut d, id, s.clone()).unwrap();
                    }
                }
                _ => {
                    if let Some(Ok(e)) = to_edit(&d, op) {
                        let before = d.clone();
                        if h.apply(&mut d, e).is_err() {
                            prop_assert_eq!(&d, &before, "a failed edit leaves the document unchanged");
                        }
                    }
                }
            }
        }
        while h.undo(&mut d).is_some() {}
        prop_assert_eq!(&d, &original);
        prop_assert_eq!(json::to_string(&d), saved);
        prop_assert!(!h.is_dirty());
    }
}

#[test]
fn metadata_and_aside_edits_undo_exactly() {
    let mut b = crate::model::TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello.");
    let mut d = b.finish();
    d.metadata.summary = Some("A summery.".into());
    d.aside.push(crate::model::Aside { line: 9, text: "Page 1 of 3".into() });
    let before = d.clone();
    let mut h = History::new();
    let mut m = d.metadata.clone();
    m.summary = Some("A summary.".into());
    m.keywords = vec!["repair".into()];
    h.apply(&mut d, Edit::SetMetadata { metadata: Box::new(m.clone()) }).unwrap();
    h.apply(&mut d, Edit::SetAside { aside: Vec::new() }).unwrap();
    assert_eq!((d.metadata.clone(), d.aside.len()), (m, 0));
    assert!(h.is_dirty());
    h.undo(&mut d);
    h.undo(&mut d);
    assert_eq!(d, before, "both undo to the document as it was");
    assert!(!h.is_dirty());
}

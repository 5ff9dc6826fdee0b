use super::*;
use crate::model::{SpeakerId, TranscriptBuilder};

fn doc(turns: &[(&str, u64, &str)]) -> Transcript {
    let mut b = TranscriptBuilder::new();
    for (s, t, x) in turns {
        b.push(Some(s), Some(*t), None, x);
    }
    b.finish()
}

fn of_kind(doc: &Transcript, k: Kind) -> Vec<Finding> {
    check(doc, &Context::default()).into_iter().filter(|f| f.kind == k || f.also.contains(&k)).collect()
}

fn sid(d: &Transcript, name: &str) -> SpeakerId {
    d.speaker_by_name(name).unwrap()
}

#[test]
fn thanks_points_back_at_the_previous_turn() {
    let d = doc(&[
        ("Doug Saunders", 0, "What did it take for you to leave Russia?"),
        ("Metta Spencer", 5_000, "We decided in March, and then we left the country within two days of it."),
        ("Doug Saunders", 20_000, "Thank you, Andre. That is a remarkable story."),
        ("Andre Kamenshikov", 25_000, "It was."),
    ]);
    let f = of_kind(&d, Kind::SpeakerHandoff);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].turn, 1);
    assert_eq!(f[0].suggestion, Some(Suggestion::SetSpeaker { speaker: sid(&d, "Andre Kamenshikov") }));
    assert_eq!(f[0].evidence["words"], "Andre");
    assert_eq!(f[0].to_json(&d)["suggestion"]["speaker"], "Andre Kamenshikov");
}

#[test]
fn a_question_to_someone_hands_over_to_them() {
    let d = doc(&[
        ("Doug Saunders", 0, "We should hear more. Konstantin, what did it take for you to leave?"),
        ("Metta Spencer", 5_000, "We made a decision to leave in March."),
        ("Doug Saunders", 9_000, "And then?"),
    ]);
    let f = of_kind(&d, Kind::SpeakerHandoff);
    assert_eq!(f.len(), 0, "Konstantin is not a speaker here: {f:?}");
    let d = doc(&[
        ("Doug Saunders", 0, "We should hear more. Konstantin, what did it take for you to leave?"),
        ("Metta Spencer", 5_000, "We made a decision to leave in March."),
        ("Doug Saunders", 9_000, "And then?"),
        ("Konstantin Samoilov", 12_000, "Then we left."),
    ]);
    let f = of_kind(&d, Kind::SpeakerHandoff);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].turn, f[0].suggestion.clone()),
        (1, Some(Suggestion::SetSpeaker { speaker: sid(&d, "Konstantin Samoilov") }))
    );
    // An interjection before the person answers is not flagged.
    let d = doc(&[
        ("Metta Spencer", 0, "And here in Toronto is Doug. Good morning, Doug."),
        ("Alexey Prokhorenko", 5_000, "It's evening, it's evening."),
        ("Doug Saunders", 9_000, "Good morning, Metta."),
    ]);
    assert!(of_kind(&d, Kind::SpeakerHandoff).is_empty());
}

#[test]
fn own_name_and_self_introduction() {
    let d = doc(&[
        ("Metta Spencer", 0, "Hi, I'm Metta Spencer. Welcome to the show."),
        ("Konstantin Samoilov", 5_000, "Thank you very much, Konstantin. It is a pleasure."),
        ("Doug Saunders", 9_000, "Hi, I’m Metta Spencer, and this is the second part."),
    ]);
    let sa = of_kind(&d, Kind::SelfAddress);
    assert_eq!(sa.len(), 1, "{sa:?}");
    assert_eq!(sa[0].turn, 1);
    assert_eq!(sa[0].suggestion, Some(Suggestion::SetSpeaker { speaker: sid(&d, "Metta Spencer") }));
    let si = of_kind(&d, Kind::SelfIntroduction);
    assert_eq!(si.len(), 1, "{si:?}");
    assert_eq!(si[0].turn, 2);
    assert_eq!(si[0].suggestion, Some(Suggestion::SetSpeaker { speaker: sid(&d, "Metta Spencer") }));
}

#[test]
fn split_sentences_and_runs() {
    let d = doc(&[
        ("A", 0, "I went to the market and"),
        ("A", 3_000, "bought some bread."),
        ("B", 6_000, "So what we found is that"),
        ("C", 9_000, "the results were clear."),
        ("C", 12_000, "Another thing."),
    ]);
    let f = check(&d, &Context::default());
    let split: Vec<&Finding> = f.iter().filter(|f| f.kind == Kind::SplitSentence).collect();
    assert_eq!(split.len(), 2, "{f:?}");
    assert!(split.iter().any(|f| f.turn == 0 && f.suggestion == Some(Suggestion::MergeNext)));
    assert!(
        split.iter().any(|f| f.turn == 3 && f.suggestion == Some(Suggestion::SetSpeaker { speaker: sid(&d, "B") }))
    );
    let runs: Vec<&Finding> = f.iter().filter(|f| f.kind == Kind::SameSpeakerRun).collect();
    assert_eq!(runs.len(), 1, "the split pair is reported once, as a split: {runs:?}");
    assert_eq!(runs[0].turn, 3);
    assert_eq!(runs[0].to_json(&d)["suggestion"], serde_json::json!({"edit": "merge-next"}));
    // The fix is an ordinary edit that merges.
    let mut d2 = d.clone();
    runs[0].fix(&d).unwrap().unwrap().apply(&mut d2).unwrap();
    assert_eq!(d2.turns.len(), 4);
    assert_eq!(d2.turns[3].text, "the results were clear. Another thing.");
}

#[test]
fn fragments_merge_into_a_neighbour() {
    let mut t: Vec<(String, u64, String)> = (0..14)
        .map(|i| {
            (
                if i % 2 == 0 { "Ann" } else { "Bob" }.to_string(),
                i * 10_000,
                format!("Turn number {i} says something long enough."),
            )
        })
        .collect();
    t.insert(5, ("Speaker 3".into(), 48_000, "Yeah.".into()));
    let v: Vec<(&str, u64, &str)> = t.iter().map(|(a, b, c)| (a.as_str(), *b, c.as_str())).collect();
    let d = doc(&v);
    let f = of_kind(&d, Kind::SpeakerFragment);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].turn, 5);
    let Some(Suggestion::MergeSpeaker { from, .. }) = f[0].suggestion else { panic!("{f:?}") };
    assert_eq!(from, sid(&d, "Speaker 3"));
    let mut d2 = d.clone();
    f[0].fix(&d).unwrap().unwrap().apply(&mut d2).unwrap();
    assert!(d2.speaker_by_name("Speaker 3").is_none());
}

#[test]
fn timing_checks() {
    let d = doc(&[
        ("A", 0, "one two three four five six seven eight nine ten eleven twelve"),
        ("B", 10_000, "one two three four five six seven eight nine ten eleven twelve"),
        ("A", 20_000, "one two three four five six seven eight nine ten eleven twelve"),
        ("B", 30_000, "one two three four five six seven eight nine ten eleven twelve"),
        ("A", 40_000, "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"),
        ("B", 41_000, "Fine."),
        ("A", 39_000, "Back in time."),
        ("B", 39_000, "Same time."),
        ("A", 90_000, "After the end."),
    ]);
    let f = check(&d, &Context { audio_ms: Some(60_000), voice: None });
    let turns = |k: Kind| f.iter().filter(|x| x.kind == k).map(|x| x.turn).collect::<Vec<_>>();
    assert_eq!(turns(Kind::SpeakingRate), [4]);
    let mut order = turns(Kind::TimeOrder);
    order.sort();
    assert_eq!(order, [6, 7]);
    assert_eq!(turns(Kind::PastAudioEnd), [8]);
    assert!(f.windows(2).all(|w| w[0].score >= w[1].score), "ranked by score");
    assert!(check(&d, &Context::default()).iter().all(|x| x.kind != Kind::PastAudioEnd));
}

#[test]
fn content_checks() {
    let long = "This is a long turn that somebody said, and it goes on for quite a while indeed.";
    let d = doc(&[
        ("A", 0, long),
        ("B", 1_000, "  "),
        ("A", 2_000, "We were in [inaudible] and then (inaudible] again."),
        ("B", 3_000, "Transcribed by https://otter.ai"),
        ("A", 4_000, long),
    ]);
    let f = check(&d, &Context::default());
    let kinds: Vec<(usize, Kind)> = f.iter().map(|f| (f.turn, f.kind)).collect();
    assert!(kinds.contains(&(1, Kind::EmptyTurn)), "{kinds:?}");
    assert!(kinds.contains(&(2, Kind::Inaudible)));
    assert!(kinds.contains(&(3, Kind::NotSpeech)));
    assert!(kinds.contains(&(4, Kind::NotSpeech)));
    let inaudible = f.iter().find(|f| f.kind == Kind::Inaudible).unwrap();
    assert_eq!(inaudible.evidence["words"], serde_json::json!(["[inaudible]", "(inaudible]"]));
}

#[test]
fn name_spelling_replaces_everywhere_in_one_step() {
    let mut d = doc(&[
        ("Metta Spencer", 0, "Welcome Andre Kamenshikov, and hello to Konstantin."),
        ("Andre Kamenshikov", 5_000, "A woman came from Mariupal, from Ukraine. Not close to Eli Yashin at all."),
        ("Metta Spencer", 9_000, "Thank you, Andre. Mariupal was terrible, says Metta Spenser."),
    ]);
    d.metadata.keywords = vec!["Konstantin".into()];
    let f = of_kind(&d, Kind::NameSpelling);
    let pairs: Vec<(String, String)> = f
        .iter()
        .map(|f| match &f.suggestion {
            Some(Suggestion::ReplaceName { from, to }) => (from.clone(), to.clone()),
            s => panic!("{s:?}"),
        })
        .collect();
    assert!(pairs.contains(&("Mariupal".into(), "Mariupol".into())), "{pairs:?}");
    assert!(pairs.contains(&("Eli Yashin".into(), "Ilya Yashin".into())), "{pairs:?}");
    assert!(pairs.contains(&("Spenser".into(), "Spencer".into())), "{pairs:?}");
    assert!(!pairs.iter().any(|p| p.0 == "Konstantin" || p.0 == "Ukraine"), "{pairs:?}");
    let m = f.iter().find(|f| f.evidence["from"] == "Mariupal").unwrap();
    assert_eq!(m.evidence["turns"], 2);
    let preview = spelling::preview(&d, "Mariupal", "Mariupol");
    assert_eq!(preview.iter().map(|l| l.turn).collect::<Vec<_>>(), [1, 2]);
    let mut h = crate::edit::History::new();
    let before = d.clone();
    h.apply(&mut d, m.fix(&before).unwrap().unwrap()).unwrap();
    assert!(d.turns.iter().all(|t| !t.text.contains("Mariupal")));
    assert!(d.turns[2].text.starts_with("Thank you, Andre. Mariupol was"));
    h.undo(&mut d).unwrap();
    assert_eq!(d, before, "one undo step restores every turn");
}

#[test]
fn dismissals_and_reviewed_turns() {
    let mut d = doc(&[("A", 0, "Hello there."), ("A", 1_000, "Again, me."), ("B", 2_000, "Fine.")]);
    let f = check(&d, &Context::default());
    let run = f.iter().find(|f| f.kind == Kind::SameSpeakerRun).unwrap().clone();
    dismiss(&d, &run).unwrap().apply(&mut d).unwrap();
    assert!(check(&d, &Context::default()).iter().all(|f| f.kind != Kind::SameSpeakerRun));
    assert_eq!(check_all(&d, &Context::default()).iter().filter(|f| f.kind == Kind::SameSpeakerRun).count(), 1);
    let inv = set_reviewed(&d, d.turns[2].id, true).unwrap().apply(&mut d).unwrap();
    assert_eq!(review_progress(&d), (1, 0));
    assert_eq!(next_unreviewed(&d, 1), Some(0));
    inv.apply(&mut d).unwrap();
    assert!(!d.turns[2].reviewed);
}

#[test]
fn dismissals_and_review_survive_a_json_reload() {
    let mut d = doc(&[("A", 0, "Hello there."), ("A", 1_000, "Again, me.")]);
    let plain = crate::formats::json::to_string(&d);
    assert!(!plain.contains("reviewed") && !plain.contains("dismissed"), "omitted when empty");
    d.turns[0].reviewed = true;
    d.turns[0].dismissed.push("same-speaker-run".into());
    let s = crate::formats::json::to_string(&d);
    let (back, _) = crate::formats::json::from_str(&s, "x.json").unwrap();
    assert_eq!(back, d);
    assert!(check(&back, &Context::default()).iter().all(|f| f.kind != Kind::SameSpeakerRun));
}

fn voiced(d: &Transcript, emb: &[[f32; 2]]) -> VoiceEvidence {
    VoiceEvidence { turns: d.turns.iter().zip(emb).map(|(t, e)| TurnVoice::embedded(t.id, e.to_vec())).collect() }
}

#[test]
fn voice_mismatch_combines_with_text_evidence() {
    let d = doc(&[
        ("Ann", 0, "What did you think of it, Bob?"),
        ("Cy", 4_000, "I liked it a lot."),
        ("Ann", 8_000, "Good."),
        ("Bob", 12_000, "Really good."),
        ("Cy", 16_000, "Agreed."),
        ("Cy", 20_000, "Agreed again."),
    ]);
    // Ann ~ x axis, Bob ~ y axis, Cy ~ (-1, 0); turn 1 sounds like Bob.
    let ev = voiced(&d, &[[1.0, 0.0], [0.1, 1.0], [1.0, 0.1], [0.0, 1.0], [-1.0, 0.0], [-1.0, 0.1]]);
    let f = check(&d, &Context { audio_ms: None, voice: Some(&ev) });
    let at1: Vec<&Finding> = f.iter().filter(|f| f.turn == 1 && f.kind.is_speaker_kind()).collect();
    assert_eq!(at1.len(), 1, "text and voice give one finding: {f:?}");
    let one = at1[0];
    let kinds = [vec![one.kind], one.also.clone()].concat();
    assert!(kinds.contains(&Kind::VoiceMismatch) && kinds.contains(&Kind::SpeakerHandoff), "{one:?}");
    assert_eq!(one.suggestion, Some(Suggestion::SetSpeaker { speaker: sid(&d, "Bob") }));
    assert!(one.score > 0.8, "agreeing evidence adds up: {}", one.score);
    assert!(f[0].turn == 1, "the combined finding ranks first: {:?}", f[0]);
}

#[test]
fn a_speaker_with_one_other_voiced_turn_is_too_thin_a_reference() {
    let d = doc(&[("Ann", 0, "a"), ("Bob", 1_000, "b"), ("Ann", 2_000, "c"), ("Bob", 3_000, "d"), ("Bob", 4_000, "e")]);
    // Turn 2 (Ann) sounds like Bob, but Ann's only other voiced turn is turn 0: no finding.
    let mut ev = voiced(&d, &[[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0], [0.1, 1.0]]);
    let voice_at = |ev: &VoiceEvidence, i: usize| {
        check(&d, &Context { audio_ms: None, voice: Some(ev) })
            .iter()
            .any(|f| f.turn == i && (f.kind == Kind::VoiceMismatch || f.also.contains(&Kind::VoiceMismatch)))
    };
    assert!(!voice_at(&ev, 2));
    // Bob has two other voiced turns for each of his: turn 4, made to sound like Ann, is found.
    ev.turns[4].embedding = Some(vec![1.0, 0.0]);
    assert!(voice_at(&ev, 4));
}

fn voice_flags(d: &Transcript, ev: &VoiceEvidence, i: usize) -> bool {
    check(d, &Context { audio_ms: None, voice: Some(ev) })
        .iter()
        .any(|f| f.turn == i && (f.kind == Kind::VoiceMismatch || f.also.contains(&Kind::VoiceMismatch)))
}

/// Ann's voice along x, Bob's along y, four seconds a turn; turn 4 (Ann) gets `e`, turn 5
/// starts `gap` ms after it.
fn ann_and_bob(text4: &str, gap: u64) -> Transcript {
    let mut turns = vec![("Ann", 0, "a"), ("Bob", 4_000, "b"), ("Ann", 8_000, "c"), ("Bob", 12_000, "d")];
    turns.push(("Ann", 16_000, text4));
    for (k, who) in ["Bob", "Ann", "Bob", "Ann"].into_iter().enumerate() {
        turns.push((who, 16_000 + gap + 4_000 * k as u64, "e"));
    }
    doc(&turns)
}

const ANN_BOB: [[f32; 2]; 9] =
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]];

#[test]
fn voice_says_nothing_about_a_turn_without_audio_of_its_own() {
    // Turn 4 (Ann) sounds like Bob: found when it has words and a window of its own.
    let d = ann_and_bob("some words", 4_000);
    assert!(voice_flags(&d, &voiced(&d, &ANN_BOB), 4));
    // An empty turn at the same second as the next: its words are none, so the speech of
    // that second is the other turn's (`audio::voice::share` gives it none).
    let d = ann_and_bob("", 0);
    assert!(!voice_flags(&d, &voiced(&d, &ANN_BOB), 4));
    // An empty turn alone at its time: the speech in its window is its own, untranscribed.
    let d = ann_and_bob("", 4_000);
    assert!(voice_flags(&d, &voiced(&d, &ANN_BOB), 4));
    // Words at the same second as the next turn: the analysis gave each its part of it.
    let d = ann_and_bob("some words", 0);
    assert!(voice_flags(&d, &voiced(&d, &ANN_BOB), 4));
}

#[test]
fn turns_sharing_a_second_are_judged_on_their_part_of_it() {
    // Turns 4 and 5 share the two seconds from 16 s: one second each, so turn 4's margin is a
    // 1 s turn's (0.071), not the 2 s one (0.05) a turn without a length gets.
    let d = doc(&[
        ("Ann", 0, "a"),
        ("Bob", 4_000, "b"),
        ("Ann", 8_000, "c"),
        ("Bob", 12_000, "d"),
        ("Ann", 16_000, "some words"),
        ("Bob", 16_000, "e"),
        ("Ann", 18_000, "e"),
        ("Bob", 22_000, "e"),
        ("Ann", 26_000, "e"),
    ]);
    // Unit vectors `d` more like Bob (y) than like Ann (x).
    let apart = |d: f32| {
        let x = (-d + (2.0 - d * d).sqrt()) / 2.0;
        [x, x + d]
    };
    let mut emb = ANN_BOB;
    emb[4] = apart(0.06);
    assert!(!voice_flags(&d, &voiced(&d, &emb), 4));
    emb[4] = apart(0.08);
    assert!(voice_flags(&d, &voiced(&d, &emb), 4));
}

#[test]
fn a_short_turn_must_stand_further_from_its_speaker() {
    // Turn 4 is a little more like Bob (0.727) than like Ann (0.687): 0.04 apart, past the
    // margin of an 8 s turn (0.025), short of a 1 s turn's (0.071).
    let mut emb = ANN_BOB;
    emb[4] = [0.6865, 0.7272];
    let long = ann_and_bob("some words", 8_000);
    assert!(voice_flags(&long, &voiced(&long, &emb), 4));
    let short = ann_and_bob("some words", 1_000);
    assert!(!voice_flags(&short, &voiced(&short, &emb), 4));
}

#[test]
fn a_voice_heard_for_under_a_second_and_a_half_is_no_reference() {
    // Cy speaks twice, 0.5 s each; turn 4 (Ann) sounds like Cy, not Ann.
    let cy_at = |gap: u64| {
        let mut t = vec![("Cy", 0, "yes"), ("Cy", gap, "yes")];
        for (k, who) in ["Ann", "Bob", "Ann", "Bob", "Ann", "Ann", "Bob"].into_iter().enumerate() {
            t.push((who, 2 * gap + 4_000 * k as u64, "words"));
        }
        doc(&t)
    };
    let emb =
        [[1.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]];
    let thin = cy_at(500);
    assert!(!voice_flags(&thin, &voiced(&thin, &emb), 6), "a second of Cy is no reference");
    let heard = cy_at(2_000);
    assert!(voice_flags(&heard, &voiced(&heard, &emb), 6), "four seconds of Cy are");
}

#[test]
fn two_voices_suggest_a_split() {
    let d = doc(&[("Ann", 0, "first half of it then second half"), ("Bob", 10_000, "ok")]);
    let mut ev = voiced(&d, &[[1.0, 0.0], [0.0, 1.0]]);
    ev.turns[0].change = Some(VoiceChange { at_ms: 5_000, score: 0.9 });
    let f = check(&d, &Context { audio_ms: None, voice: Some(&ev) });
    let tv = f.iter().find(|f| f.kind == Kind::TwoVoices).unwrap();
    assert_eq!(tv.to_json(&d)["suggestion"], serde_json::json!({"edit": "split", "at_ms": 5000}));
    let mut d2 = d.clone();
    tv.fix(&d).unwrap().unwrap().apply(&mut d2).unwrap();
    assert_eq!(d2.turns.len(), 3);
}

#[test]
fn rematch_uses_confirmed_turns_and_never_changes_them() {
    let mut d = doc(&[
        ("Ann", 0, "a"),
        ("Bob", 1_000, "b"),
        ("Ann", 2_000, "c"),
        ("Bob", 3_000, "d"),
        ("Ann", 4_000, "e"),
        ("Bob", 5_000, "f"),
    ]);
    // Turns 2 and 3 sound like the other speaker; turn 5 too, but the user reviewed it.
    let ev = voiced(&d, &[[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.1], [1.0, 0.0]]);
    d.turns[0].reviewed = true;
    d.turns[1].reviewed = true;
    d.turns[5].reviewed = true;
    let lines = rematch(&d, &ev, voice::REMATCH_MARGIN);
    assert_eq!(lines.iter().map(|l| l.turn).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(lines[0].to, sid(&d, "Bob"));
    let before = d.clone();
    let inv = rematch_edit(&lines).apply(&mut d).unwrap();
    assert_eq!(d.turns[2].speaker, sid(&d, "Bob"));
    assert_eq!(d.turns[3].speaker, sid(&d, "Ann"));
    assert_eq!(d.turns[5].speaker, sid(&d, "Bob"), "reviewed turns never change");
    inv.apply(&mut d).unwrap();
    assert_eq!(d, before, "one undoable step");
}

/// The schema in docs/ lists exactly the kinds a dismissal may name.
#[test]
fn schema_lists_every_kind() {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../docs/turnfix.schema.json")).unwrap();
    let listed: Vec<&str> = schema["$defs"]["turn"]["properties"]["dismissed"]["items"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
    assert_eq!(listed, kinds);
    assert!(Kind::ALL.iter().all(|k| Kind::from_id(k.id()) == Some(*k)));
    assert_eq!(Kind::ALL.iter().filter(|k| k.is_speaker_kind()).count(), 6);
}

#[test]
fn a_finding_s_json_keeps_its_fields_in_order_with_also_last_in_the_evidence() {
    let d = doc(&[("Ann", 0, "Hello there."), ("Bob", 5_000, "Hi.")]);
    let f = Finding::new(&d, 1, Kind::VoiceMismatch, 0.87654, "sounds like Ann".into())
        .with("similarity", 0.5)
        .suggest(Suggestion::SetSpeaker { speaker: sid(&d, "Ann") });
    let f = Finding { also: vec![Kind::SpeakerHandoff], ..f };
    let text = serde_json::to_string(&f.json(&d)).unwrap();
    assert_eq!(
        text,
        r#"{"turn":1,"turn_id":2,"kind":"voice-mismatch","message":"sounds like Ann","score":0.877,"evidence":{"similarity":0.5,"also":["speaker-handoff"]},"suggestion":{"edit":"set-speaker","speaker":"Ann"}}"#
    );
    assert_eq!(f.to_json(&d), serde_json::from_str::<serde_json::Value>(&text).unwrap());
    let plain = Finding::new(&d, 0, Kind::EmptyTurn, 0.5, "empty".into());
    let plain = serde_json::to_string(&plain.json(&d)).unwrap();
    assert!(plain.ends_with(r#""evidence":{},"suggestion":null}"#), "{plain}");
}

//! Unit tests for the otter text readers, on small hand-made inputs.

use super::*;

fn ok(text: &str) -> (Transcript, Vec<Warning>) {
    read(text).unwrap_or_else(|e| panic!("read failed: {e}"))
}

fn names(d: &Transcript) -> Vec<&str> {
    d.turns.iter().map(|t| d.speaker_name(t.speaker)).collect()
}

fn starts(d: &Transcript) -> Vec<Ms> {
    d.turns.iter().map(|t| t.start_ms).collect()
}

fn texts(d: &Transcript) -> Vec<&str> {
    d.turns.iter().map(|t| t.text.as_str()).collect()
}

fn has_warning(w: &[Warning], line: usize, needle: &str) -> bool {
    w.iter().any(|w| w.line == line && w.message.contains(needle))
}

#[test]
fn raw_export_with_footer() {
    let text = "Unknown Speaker  0:00  \nJob location, yes,\n\nSpeaker 1  0:03  \nso, okay, yeah.\n\nSpeaker 1  0:09  \nSecond segment.\n\nTranscribed by https://otter.ai\n";
    assert_eq!(classify(text), Format::OtterTxt);
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Unknown Speaker", "Speaker 1", "Speaker 1"], "same-speaker segments stay separate");
    assert_eq!(starts(&d), [0, 3_000, 9_000]);
    assert_eq!(texts(&d), ["Job location, yes,", "so, okay, yeah.", "Second segment."]);
    assert_eq!(d.speakers.len(), 2);
    assert_eq!(d.metadata.disclaimer.as_deref(), Some("Transcribed by https://otter.ai"));
    assert!(d.aside.is_empty());
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(d.turns[1].original.as_ref().unwrap().speaker.as_deref(), Some("Speaker 1"));
}

#[test]
fn minutes_switch_to_hours() {
    let text = "Ann  59:39  \nA.\n\nBob  1:00:46  \nB.\n\nAnn  1:41:46  \nC.\n";
    let (d, _) = ok(text);
    assert_eq!(starts(&d), [3_579_000, 3_646_000, 6_106_000]);
}

#[test]
fn no_timestamps_names_only() {
    // `Name  ` alone (two trailing spaces); one hand-edited header lost its spaces.
    let text = "Jonas Rosland  \nHi everyone and welcome.\n\nJon Lawitts  \nYeah, so I guess I'll go first.\n\nJonas Rosland\nSo, when did you start?\n\nJon Lawitts  \nJanuary 2020.\n\nTranscribed by https://otter.ai\n";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Jonas Rosland", "Jon Lawitts", "Jonas Rosland", "Jon Lawitts"]);
    assert_eq!(starts(&d), [0, 0, 0, 0]);
    assert!(d.turns[0].original.as_ref().unwrap().start_ms.is_none(), "no time in the source");
    assert!(has_warning(&w, 7, "two trailing spaces"), "{w:?}");
}

#[test]
fn a_name_only_line_needs_text_after_it() {
    // A markdown hard break (two trailing spaces) in a preamble-like line is not a header when
    // the file has timed headers.
    let text = "Some notes here  \nmore notes\n\nAnn  0:01  \nHello.\n";
    let (d, _) = ok(text);
    assert_eq!(names(&d), ["Ann"]);
    assert_eq!(d.metadata.description.as_deref(), Some("Some notes here\nmore notes"));
}

#[test]
fn no_names_and_empty_name() {
    let text = "0:01  \nFirst.\n\n 0:43  \nSecond.\n\nunknown speaker  0:46  \nThird.\n";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Unknown Speaker", "Unknown Speaker", "unknown speaker"]);
    assert_eq!(starts(&d), [1_000, 43_000, 46_000]);
    assert!(d.turns[0].original.as_ref().unwrap().speaker.is_none());
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn whitespace_variants_nbsp_and_no_final_newline() {
    // No trailing spaces, a tab, a no-break space before the gap, one trailing space; no final LF.
    let text =
        "Ann  0:00\nOne.\n\nBob\t0:05 \nTwo.  \n\nCé Lin\u{a0} 0:09\nThree\u{a0}and more.\n\nAnn  0:12  \nlast words";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Ann", "Bob", "Cé Lin", "Ann"]);
    assert_eq!(starts(&d), [0, 5_000, 9_000, 12_000]);
    assert_eq!(texts(&d), ["One.", "Two.", "Three\u{a0}and more.", "last words"]);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn multi_line_text_keeps_its_lines() {
    let text = "Ann  0:00  \nFirst line\nsecond line\n\nA new paragraph.\n\nBob  0:10  \nOk.\n\nTranscribed by https://otter.ai\n";
    let (d, _) = ok(text);
    assert_eq!(d.turns[0].text, "First line\nsecond line\n\nA new paragraph.");
    assert_eq!(d.turns[1].text, "Ok.");
}

#[test]
fn empty_turns_are_kept_with_a_warning() {
    let text = "Ann  0:00  \nHello.\n\nBob  0:02  \n\n\nAnn  0:03  \nAgain.\n";
    let (d, w) = ok(text);
    assert_eq!(texts(&d), ["Hello.", "", "Again."]);
    assert!(has_warning(&w, 4, "empty turn"), "{w:?}");
}

const WEB: &str = "Episode 1 Talking\n\nTwo people talk about things at length, and this is the page's description.\n\nAnn Lee\n\nBob Roy\n\n\nweather, rivers, Ann, mountains\n\n\nAnn Lee, Bob Roy\n\n\nIn this discussion, two people talk.\n\nThey agree on most things.\n\n\nThe following transcript has been machine generated using otter.ai. Please watch the video.\n\nAnn Lee\u{a0} 00:00\n\nHello and welcome.\n\nBob Roy\u{a0} 00:04\n\n\nAnn Lee\u{a0} 00:07\n\nSo, rivers.\n\nBob Roy\u{a0} 1:00:01\n\nThank you.\n\n\n\n\nSelect the Videos from Right\n\nWe produce several conversations each week.\n";

#[test]
fn web_page_copy() {
    assert_eq!(classify(WEB), Format::WebPage);
    let (d, w) = ok(WEB);
    assert_eq!(names(&d), ["Ann Lee", "Bob Roy", "Ann Lee", "Bob Roy"]);
    assert_eq!(starts(&d), [0, 4_000, 7_000, 3_601_000]);
    assert_eq!(texts(&d), ["Hello and welcome.", "", "So, rivers.", "Thank you."]);
    let m = &d.metadata;
    assert_eq!(m.title.as_deref(), Some("Episode 1 Talking"));
    assert!(m.description.as_deref().unwrap().starts_with("Two people talk"));
    assert_eq!(m.keywords, ["weather", "rivers", "Ann", "mountains"]);
    assert_eq!(m.speakers_listed, ["Ann Lee", "Bob Roy"]);
    assert_eq!(m.summary.as_deref(), Some("In this discussion, two people talk.\n\nThey agree on most things."));
    assert!(m.disclaimer.as_deref().unwrap().contains("machine generated"));
    assert_eq!(m.preamble.as_deref(), Some("Ann Lee\n\nBob Roy"), "the guest list stays in the preamble");
    assert_eq!(d.aside.len(), 1);
    assert_eq!(d.aside[0].line, 41);
    assert!(d.aside[0].text.starts_with("Select the Videos from Right\n\nWe produce"));
    assert!(has_warning(&w, 41, "set aside"), "{w:?}");
    assert!(has_warning(&w, 27, "empty turn"), "{w:?}");
}

#[test]
fn last_turn_keeps_speech_but_not_furniture() {
    // Not a web page: a second paragraph that reads like speech stays, a notes line goes aside.
    let text = "Ann  0:00  \nHello.\n\nBob  0:05  \nOkay, thank you.\n\ngoing once, twice. Thanks everyone.\n\nNext Meeting Scheduled: 19th feb, 21:00 UTC\n";
    let (d, w) = ok(text);
    assert_eq!(d.turns[1].text, "Okay, thank you.\n\ngoing once, twice. Thanks everyone.");
    assert_eq!(d.aside.len(), 1);
    assert_eq!(d.aside[0].text, "Next Meeting Scheduled: 19th feb, 21:00 UTC");
    assert!(has_warning(&w, 9, "set aside"));
}

#[test]
fn bold_and_heading_names() {
    let text = "**Ali**  0:00  \nHi.\n\n****Rachel Nabors****  0:20  \nHello.\n\nUnknown Speaker  0:31  \nPlain.\n\n### Kelly  1:05  \nHeading.\n";
    assert_eq!(classify(text), Format::Markdown);
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Ali", "Rachel Nabors", "Unknown Speaker", "Kelly"]);
    assert_eq!(starts(&d), [0, 20_000, 31_000, 65_000]);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn bracketed_times() {
    let text = "**Lindsey** [00:00]\n2019 has been the year.\n\n**Ali** [0:23]\nI'm Ali.\n\n**Lindsey** [22:45][loud laugh]\n\n**Ali** [01:01:09][laughs] Cool.\n\n**Kelly**: [36:20]\nMore keywords!\n\n**Lindsey** [01:06:29]\nbye!\n";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Lindsey", "Ali", "Lindsey", "Ali", "Kelly", "Lindsey"]);
    assert_eq!(starts(&d), [0, 23_000, 1_365_000, 3_669_000, 2_180_000, 3_989_000]);
    assert_eq!(d.turns[2].text, "[loud laugh]");
    assert_eq!(d.turns[3].text, "[laughs] Cool.");
    assert!(has_warning(&w, 11, "malformed"), "{w:?}");
    assert!(has_warning(&w, 11, "time goes back"), "{w:?}");
}

#[test]
fn malformed_bold_colon_without_time() {
    let text = "**Ann** [00:01]\nHello.\n\n**Bob**:\nHi there.\n";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Ann", "Bob"]);
    assert_eq!(starts(&d), [1_000, 1_000], "no time: the previous start is used");
    assert!(has_warning(&w, 4, "malformed"));
}

#[test]
fn linked_times_and_tab_indented_text() {
    let text = "Speaker 4  [21:44](https://vimeo.com/1?ts=1304000)\nHello.\n\nDerick Rethans  1:24\n\tIndented text.\n\tMore of it.\n";
    let (d, _) = ok(text);
    assert_eq!(names(&d), ["Speaker 4", "Derick Rethans"]);
    assert_eq!(starts(&d), [1_304_000, 84_000]);
    assert_eq!(d.turns[1].text, "Indented text.\nMore of it.");
}

#[test]
fn yaml_front_matter() {
    let text = "---\ntitle: \"Episode 3\"\ndate: 2020-01-02\ntags: [a, b]\nlayout: post\n---\n\n### Ann  0:00  \nHello.\n\n### Bob  0:04  \nHi.\n";
    assert_eq!(classify(text), Format::Markdown);
    let (d, _) = ok(text);
    assert_eq!(d.metadata.title.as_deref(), Some("Episode 3"));
    assert_eq!(d.metadata.date.as_deref(), Some("2020-01-02"));
    assert_eq!(d.metadata.keywords, ["a", "b"]);
    assert_eq!(d.metadata.preamble.as_deref(), Some("layout: post"));
    assert_eq!(names(&d), ["Ann", "Bob"]);
}

#[test]
fn markdown_preamble_and_headings_between_turns() {
    let text = "# Transcript of an interview\n\n## Details\n\nInterview took place on November 19, 2020.\n\n## Transcript\n\nAnn  0:00  \nHello.\n\n___\n\n### 1. Zebra Update -\nBob  10:00  \nUpdate.\n\n-- TIMER RESET --\n\nAnn  0:00  \nAgain.\n\nTranscribed by https://otter.ai\n";
    let (d, w) = ok(text);
    assert_eq!(d.metadata.title.as_deref(), Some("Transcript of an interview"));
    assert_eq!(d.metadata.preamble.as_deref(), Some("## Details\n\nInterview took place on November 19, 2020."));
    assert_eq!(texts(&d), ["Hello.", "Update.", "Again."]);
    assert!(has_warning(&w, 14, "### 1. Zebra Update"), "{w:?}");
    assert!(has_warning(&w, 18, "TIMER RESET"), "{w:?}");
    assert!(has_warning(&w, 20, "time goes back"), "{w:?}");
}

#[test]
fn markdown_from_docx() {
    let text = "Meeting 3\n\nFri, Feb 20, 2026 8:30AM • 1:15:50\n\n## SUMMARY KEYWORDS\n\nAI literacy, policy\n\n## SPEAKERS\n\nAnn Lee, Bob Roy\n\n# SUMMARY\n\nThey met.\n\n## Action Items\n\n-   [ ] Do it\n\n# OUTLINE\n\n## Topic\n\n-   Ann Lee explains.\n\n# TRANSCRIPT\n\n<https://otter.ai/u/abc?view=summary>\n\n**Ann Lee** 00:00\n\nHello.\n\n**Bob Roy** 07:30\n\nI think\n\n10:33\n\nI would say this.\n\n**Ann Lee** 1:00:02\n\nBye.\n";
    assert_eq!(classify(text), Format::Markdown);
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Ann Lee", "Bob Roy", "Bob Roy", "Ann Lee"]);
    assert_eq!(starts(&d), [0, 450_000, 633_000, 3_602_000]);
    assert_eq!(texts(&d), ["Hello.", "I think", "I would say this.", "Bye."]);
    let m = &d.metadata;
    assert_eq!(m.title.as_deref(), Some("Meeting 3"));
    assert_eq!(m.date.as_deref(), Some("Fri, Feb 20, 2026 8:30AM • 1:15:50"));
    assert_eq!(m.keywords, ["AI literacy", "policy"]);
    assert_eq!(m.speakers_listed, ["Ann Lee", "Bob Roy"]);
    assert_eq!(m.summary.as_deref(), Some("They met.\n\n## Action Items\n\n-   [ ] Do it"));
    assert_eq!(m.outline.as_deref(), Some("## Topic\n\n-   Ann Lee explains."));
    assert_eq!(m.preamble.as_deref(), Some("<https://otter.ai/u/abc?view=summary>"));
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn duplicated_transcript_goes_aside() {
    let text = "**Ali**  0:00  \nOne.\n\n**Unknown Speaker**  0:23  \nTwo.\n\nTranscribed by https://otter.ai\n**Ali**  0:00  \nOne, again.\n\n**Unknown Speaker**  0:23  \nTwo.\n\nTranscribed by https://otter.ai\n";
    let (d, w) = ok(text);
    assert_eq!(texts(&d), ["One.", "Two."]);
    assert_eq!(d.aside.len(), 1);
    assert_eq!(d.aside[0].line, 8);
    assert!(d.aside[0].text.starts_with("**Ali**  0:00"));
    assert!(has_warning(&w, 8, "starts again"), "{w:?}");
}

#[test]
fn hybrid_colon_headers_are_read_with_a_warning() {
    let text = "Pili: 00:00:50  \n\nwelcome everyone\n\nstr4d  9:21  \n\nI mean, yes.\n\nMarek: 00: 22:38  \n\nOk.\n";
    let (d, w) = ok(text);
    assert_eq!(names(&d), ["Pili", "str4d", "Marek"]);
    assert_eq!(starts(&d), [50_000, 561_000, 1_358_000]);
    assert_eq!(texts(&d), ["welcome everyone", "I mean, yes.", "Ok."]);
    assert!(w.iter().any(|w| w.message.contains("two header styles")), "{w:?}");
}

#[test]
fn look_alikes_are_read() {
    // Word/Teams: three spaces, zero-padded, no trailing spaces.
    let (d, _) = ok("Speaker 1   00:02\nHello.\n\nSpeaker 2   00:05\nHi.\n");
    assert_eq!(names(&d), ["Speaker 1", "Speaker 2"]);
    // Chinese ASR: one space.
    let (d, _) = ok("发言人1 00:00\n你好。\n\n发言人2 00:03\n你好。\n");
    assert_eq!(names(&d), ["发言人1", "发言人2"]);
    assert_eq!(starts(&d), [0, 3_000]);
    // YouTube copy: times alone, no speaker.
    let (d, _) = ok("0:00\nfirst words  \n\n0:07\nmore words\n");
    assert_eq!(starts(&d), [0, 7_000]);
    assert_eq!(names(&d), ["Unknown Speaker", "Unknown Speaker"]);
}

#[test]
fn a_text_line_ending_in_a_time_is_not_a_header() {
    let (d, _) = ok("Ann  0:00  \nLet us meet at 5:30\n\nBob  0:04  \nOk, see you at 10:00\n");
    assert_eq!(texts(&d), ["Let us meet at 5:30", "Ok, see you at 10:00"]);
}

#[test]
fn nothing_usable_is_an_error() {
    assert!(read("").is_err());
    assert!(read("Just some prose.\n\nAnd more prose.\n").is_err());
    // Names and times off: paragraphs, recognised by otter's footer.
    let (d, w) = ok("First paragraph.\n\nSecond one.\n\nTranscribed by https://otter.ai\n");
    assert_eq!(texts(&d), ["First paragraph.", "Second one."]);
    assert!(has_warning(&w, 0, "each paragraph"));
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "\u{a0}\u{a0}  \n\u{a0}",
        "**  \n**",
        "**a**:",
        "# \n## \n---\n---",
        "[",
        "a [1:00",
        "**x** [99:99:99]",
        "x  :  \n",
        "é  1:0é  \nü",
        "  \t\u{a0} 0:00\u{a0}\u{a0}  \n\n\n",
        "Ann  0:00  \n---\n",
        "Ann  0:00  \nTranscribed by https://otter.ai\nTranscribed by https://otter.ai",
        "\u{a0}",
        "1:2:3:4  \nx",
        "x\u{a0}",
        "Ann  999:00  \nx\n",
    ];
    for s in odd {
        let _ = classify(s);
        let _ = read(s);
    }
}

mod prop {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn read_never_panics(lines in prop::collection::vec("[ \\t\u{a0}*#\\[\\]():a-zé0-9_-]{0,12}", 0..12)) {
            let text = lines.join("\n");
            let _ = classify(&text);
            let _ = read(&text);
        }
    }
}

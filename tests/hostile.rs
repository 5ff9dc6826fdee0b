//! Hostile and broken transcripts and paths: each gives a clear message naming the file and the
//! problem, or a sensible document; never a panic or a hang. Big inputs are generated in a
//! temporary folder. The bounds are written down in docs/reliability.md.

use std::io::Write;
use std::path::Path;
use turnfix::formats::{self, Format, MAX_TRANSCRIPT_BYTES, read_bytes, read_path};
use turnfix::model::{AudioLink, Extra, TranscriptBuilder};
use turnfix::session;

/// Read `path` with detection and with every format forced: Ok, or an error naming the file.
fn read_all_ways(path: &Path) -> Vec<Result<formats::Import, String>> {
    std::iter::once(None)
        .chain(Format::ALL.map(Some))
        .map(|forced| {
            read_path(path, forced).map_err(|e| {
                let msg = e.to_string();
                assert!(msg.starts_with(&path.display().to_string()), "error does not name the file: {msg}");
                msg
            })
        })
        .collect()
}

#[test]
fn empty_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.txt");
    std::fs::write(&p, "").unwrap();
    for r in read_all_ways(&p) {
        assert!(r.unwrap_err().ends_with("the file is empty"));
    }
}

#[test]
fn binary_garbage_is_refused_or_read_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x1234_5678_9abc_def1;
    for (i, len) in [1usize, 7, 4096, 1 << 16, 1 << 20].into_iter().enumerate() {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let p = dir.path().join(format!("garbage{i}.bin"));
        std::fs::write(&p, &bytes).unwrap();
        read_all_ways(&p);
        // With a zip signature in front, it goes to the DOCX reader.
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend(&bytes);
        std::fs::write(&p, &zipish).unwrap();
        let e = read_path(&p, None).unwrap_err().to_string();
        assert!(e.contains("not a DOCX file"), "{e}");
    }
}

#[test]
fn a_200_mb_text_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let block = "Ann Lee  0:00  \nHello there, this is a long transcript line.\n\n".repeat(1000);
    let mut written = 0u64;
    while written < 200 << 20 {
        f.write_all(block.as_bytes()).unwrap();
        written += block.len() as u64;
    }
    f.flush().unwrap();
    drop(f);
    assert!(std::fs::metadata(&p).unwrap().len() > MAX_TRANSCRIPT_BYTES);
    let e = read_path(&p, None).unwrap_err().to_string();
    assert!(e.starts_with(&p.display().to_string()) && e.contains("too large"), "{e}");
    let e = session::open_stamped(&p).unwrap_err().to_string();
    assert!(e.contains("too large"), "{e}");
}

#[test]
fn ten_megabyte_lines_are_read_in_every_format() {
    let big = "word ".repeat(2 << 20); // 10 MB, one line
    let cases = [
        ("long.txt", format!("Ann Lee  0:00  \n{big}\n\nBob  0:05  \nShort.\n")),
        (
            "long.srt",
            format!("1\n00:00:00,000 --> 00:00:04,500\nAnn: {big}\n\n2\n00:00:05,000 --> 00:00:06,000\nBob: Hi\n"),
        ),
        (
            "long.vtt",
            format!("WEBVTT\n\n00:00.000 --> 00:04.500\n<v Ann>{big}\n\n00:05.000 --> 00:06.000\n<v Bob>Hi\n"),
        ),
        ("noise.txt", big.replace(' ', "\u{1F600}")),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &text).unwrap();
        match read_path(&p, None) {
            Ok(import) => {
                let longest = import.doc.turns.iter().map(|t| t.text.len()).max().unwrap_or(0);
                // (The trailing space is trimmed.)
                assert!(longest >= (10 << 20) - 1 || name == "noise.txt", "{name}: the long line was cut ({longest})");
            }
            Err(e) => assert!(e.to_string().starts_with(&p.display().to_string()), "{e}"),
        }
    }
}

#[test]
fn utf16_with_a_bom_is_read() {
    let text = "Ann Lee  0:00  \r\nCafé, naïve — ok 😀\r\n\r\nBob  0:05  \r\nHi.\r\n";
    let le: Vec<u8> = b"\xFF\xFE".iter().copied().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let be: Vec<u8> = b"\xFE\xFF".iter().copied().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    for bytes in [le, be] {
        let import = read_bytes(&bytes, "notepad.txt", None).unwrap();
        assert_eq!(import.format, Format::OtterTxt);
        assert_eq!(import.doc.turns.len(), 2);
        assert_eq!(import.doc.turns[0].text, "Café, naïve — ok 😀");
        assert_eq!(import.doc.speaker_name(import.doc.turns[1].speaker), "Bob");
        assert!(import.warnings.iter().all(|w| !w.message.contains("Windows-1252")), "{:?}", import.warnings);
    }
}

fn json_with(edit: impl Fn(&mut serde_json::Value)) -> String {
    let mut b = TranscriptBuilder::new();
    b.push(Some("Ann"), Some(0), None, "Hello");
    b.push(Some("Bob"), Some(5_000), Some(6_000), "Hi");
    let mut v: serde_json::Value = serde_json::from_str(&formats::json::to_string(&b.finish())).unwrap();
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn broken_json_documents_say_what_is_wrong() {
    let cases: Vec<(&str, String, &str)> = vec![
        ("newer.json", json_with(|v| v["version"] = 9.into()), "newer Turnfix"),
        ("no-turns.json", json_with(|v| drop(v.as_object_mut().unwrap().remove("turns"))), "missing field `turns`"),
        ("no-text.json", json_with(|v| drop(v["turns"][0].as_object_mut().unwrap().remove("text"))), "missing field"),
        ("typed.json", json_with(|v| v["turns"][0]["start_ms"] = "soon".into()), "invalid type"),
        ("speakers.json", json_with(|v| v["speakers"] = 3.into()), "invalid type"),
        ("dup.json", json_with(|v| v["turns"][1]["id"] = 1.into()), "turn id 1 appears twice"),
        ("negative.json", json_with(|v| v["turns"][0]["start_ms"] = (-5).into()), "invalid value"),
        ("absurd.json", json_with(|v| v["turns"][1]["end_ms"] = u64::MAX.into()), "absurd time"),
        ("absurd2.json", json_with(|v| v["turns"][1]["start_ms"] = 99_000_000_000u64.into()), "absurd time"),
        ("float.json", json_with(|v| v["turns"][0]["start_ms"] = 1.5.into()), "invalid type"),
        ("colour.json", json_with(|v| v["speakers"][0]["color"] = "red".into()), "invalid colour"),
    ];
    for (name, text, want) in cases {
        let e = read_bytes(text.as_bytes(), name, None).map(|_| ()).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{name}: ")), "{e}");
        assert!(e.contains(want), "{name}: wanted {want:?} in {e}");
    }
}

#[test]
fn absurd_times_in_subtitles_do_not_panic() {
    let srt =
        "1\n99999999999:00:00,000 --> 99999999999:00:01,000\nAnn: Hi\n\n2\n00:00:00,000 --> 00:00:01,000\nBob: Yo\n";
    let vtt = "WEBVTT\n\n99999999999:00.000 --> 99999999999:04.500\n<v Ann>Hi\n";
    let txt = "Ann  99999999999:00:00  \nHi\n\nBob  0:05  \nYo\n";
    for (name, text) in [("a.srt", srt), ("a.vtt", vtt), ("a.txt", txt)] {
        if let Ok(import) = read_bytes(text.as_bytes(), name, None) {
            // Whatever was read can be edited: split and talk time do not overflow.
            let doc = import.doc;
            let _ = doc.talk_time();
            let t = &doc.turns[0];
            let _ = turnfix::edit::split_turn(&doc, t.id, t.text.len() / 2);
        }
    }
}

/// A DOCX whose document.xml inflates to 210 MB, honest about its size or lying about it.
#[test]
fn docx_zip_bomb_is_refused_with_bounded_work() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        z.start_file("word/document.xml", opts).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..210 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let honest = buf.into_inner();
    assert!(honest.len() < 2 << 20, "the bomb is small: {} bytes", honest.len());
    let e = read_bytes(&honest, "bomb.docx", None).map(|_| ()).unwrap_err().to_string();
    assert!(e.starts_with("bomb.docx: ") && e.contains("too large"), "{e}");
    // The same archive claiming 1 KB uncompressed in both headers.
    let mut lying = honest.clone();
    patch_sizes(&mut lying, 1024);
    let e = read_bytes(&lying, "liar.docx", None).map(|_| ()).unwrap_err().to_string();
    assert!(e.starts_with("liar.docx: "), "{e}");
}

/// Set the uncompressed size in every local and central header of a zip.
fn patch_sizes(z: &mut [u8], size: u32) {
    let sig = |z: &[u8], i: usize, s: u32| z.get(i..i + 4) == Some(&s.to_le_bytes()[..]);
    for i in 0..z.len().saturating_sub(46) {
        if sig(z, i, 0x0403_4b50) {
            z[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if sig(z, i, 0x0201_4b50) {
            z[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
    }
}

#[test]
fn non_ascii_and_emoji_paths_open_save_and_autosave() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("Réunions 2024 🎤 日本");
    std::fs::create_dir(&dir).unwrap();
    let p = dir.join("Entretien avec Zoë 😀_otter_ai.txt");
    std::fs::write(&p, "Zoë  0:00  \nBonjour 😀\n\nBob  0:05  \nHi.\n").unwrap();
    let (import, stamp) = session::open_stamped(&p).unwrap();
    assert_eq!(import.doc.source.as_ref().unwrap().file, "Entretien avec Zoë 😀_otter_ai.txt");
    let out = session::default_save_path(&p);
    assert_eq!(out, dir.join("Entretien avec Zoë 😀.turnfix.json"));
    session::check_unchanged(&p, Some(&stamp)).unwrap();
    let bytes = formats::json::to_string(&import.doc);
    session::save_checked(&out, bytes.as_bytes(), None, false).unwrap();
    assert_eq!(read_path(&out, None).unwrap().doc.turns, import.doc.turns);
    // The autosave of such a file is listed under its name.
    let data = root.path().join("data ✓");
    let mut e = session::Editing::with_autosave(
        import.doc.clone(),
        Default::default(),
        session::Autosaver::start(&data, &p, None, import.doc),
    );
    e.apply_typing(e.doc.turns[0].id, "Bonjour à tous 😀".into()).unwrap();
    e.autosaver().unwrap().flush();
    let dir_s = e.autosaver().unwrap().dir().to_path_buf();
    drop(e.take_autosaver());
    while session::recovery::is_live(&dir_s) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let found = session::recovery::for_transcript(&data, &p).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].transcript.ends_with("Entretien avec Zoë 😀_otter_ai.txt"));
    let r = session::recovery::recover(&found[0]).unwrap();
    assert_eq!(r.doc.turns[0].text, "Bonjour à tous 😀");
}

#[test]
fn audio_outside_the_json_folder_is_reported_before_opening() {
    let root = tempfile::tempdir().unwrap();
    let json = root.path().join("project/a.turnfix.json");
    let link = |p: &str| AudioLink { path: p.into(), size: None, duration_ms: None, extra: Extra::new() };
    let inside = ["a.mp3", "audio/a.mp3", "audio/../a.mp3", "./a 🎤.m4a"];
    for p in inside {
        assert_eq!(session::audio_outside_folder(&json, &link(p)), None, "{p}");
    }
    let outside = ["../a.mp3", "audio/../../a.mp3", "/etc/passwd", "../../../../../../home/x/.ssh/id_rsa"];
    for p in outside {
        let got = session::audio_outside_folder(&json, &link(p)).unwrap_or_else(|| panic!("{p} is outside"));
        assert!(!got.starts_with(root.path().join("project")), "{p}: {}", got.display());
        assert!(got.components().all(|c| c != std::path::Component::ParentDir), "shown resolved: {}", got.display());
    }
}

//! Turnfix's own corrected-JSON format (see docs/json-format.md and docs/turnfix.schema.json).

use super::{ParseError, ReadError, Warning};
use crate::model::{Aside, AudioLink, Extra, Metadata, Source, Speaker, Transcript, Turn};
use serde::{Deserialize, Serialize};

/// The format version this build writes and reads.
pub const VERSION: u64 = 1;
pub const FORMAT_TAG: &str = "turnfix";

#[derive(Serialize)]
struct FileRef<'a> {
    format: &'a str,
    version: u64,
    metadata: &'a Metadata,
    source: &'a Option<Source>,
    audio: &'a Option<AudioLink>,
    speakers: &'a [Speaker],
    turns: &'a [Turn],
    aside: &'a [Aside],
    #[serde(flatten)]
    extra: &'a Extra,
}

#[derive(Deserialize)]
struct FileOwned {
    format: String,
    version: u64,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    source: Option<Source>,
    #[serde(default)]
    audio: Option<AudioLink>,
    speakers: Vec<Speaker>,
    turns: Vec<Turn>,
    #[serde(default)]
    aside: Vec<Aside>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

/// True when the bytes look like a Turnfix JSON document.
pub fn sniff(text: &str) -> bool {
    let t = text.trim_start();
    let mut end = t.len().min(200);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t.starts_with('{') && t[..end].contains("\"turnfix\"")
}

/// Serialize to the canonical form: pretty-printed with two-space indent and a final newline.
pub fn to_string(doc: &Transcript) -> String {
    let file = FileRef {
        format: FORMAT_TAG,
        version: VERSION,
        metadata: &doc.metadata,
        source: &doc.source,
        audio: &doc.audio,
        speakers: &doc.speakers,
        turns: &doc.turns,
        aside: &doc.aside,
        extra: &doc.extra,
    };
    // Size the buffer once: the texts (twice, with the originals) plus the fields per turn.
    let estimate = doc.turns.iter().map(|t| t.text.len() * 2 + 320).sum::<usize>() + 4096;
    let mut buf = Vec::with_capacity(estimate);
    serde_json::to_writer_pretty(&mut buf, &file).expect("a transcript always serializes");
    buf.push(b'\n');
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Parse a Turnfix JSON document. `file` names the file in error messages.
pub fn from_str(text: &str, file: &str) -> Result<(Transcript, Vec<Warning>), ReadError> {
    let unusable = |reason: ParseError| ReadError::Unusable { file: file.to_string(), reason };
    let parsed: Result<FileOwned, _> = serde_json::from_str(text);
    let f = match parsed {
        Ok(f) => f,
        Err(e) => {
            // Say something more useful than a serde error when the header explains it.
            if let Ok(h) = serde_json::from_str::<Header>(text) {
                if h.format.as_deref() != Some(FORMAT_TAG) {
                    return Err(unusable(ParseError::NotTurnfix(format!("{:?}", h.format))));
                }
                if let Some(v) = h.version.as_ref().and_then(|v| v.as_u64())
                    && v > VERSION
                {
                    return Err(unusable(ParseError::NewerVersion(v)));
                }
            }
            let (line, column) = (e.line(), e.column());
            return Err(unusable(ParseError::InvalidJson { line, column, message: e.to_string() }));
        }
    };
    if f.format != FORMAT_TAG {
        return Err(unusable(ParseError::NotTurnfix(format!("{:?}", f.format))));
    }
    if f.version > VERSION {
        return Err(unusable(ParseError::NewerVersion(f.version)));
    }
    if f.version == 0 {
        return Err(unusable(ParseError::VersionZero));
    }
    let doc = Transcript {
        metadata: f.metadata,
        source: f.source,
        audio: f.audio,
        speakers: f.speakers,
        turns: f.turns,
        aside: f.aside,
        extra: f.extra,
    };
    let warnings = validate(&doc);
    if let Some(w) = warnings.iter().find(|w| w.message.starts_with("fatal:")) {
        return Err(unusable(ParseError::Inconsistent(w.message.trim_start_matches("fatal: ").to_string())));
    }
    Ok((doc, warnings))
}

/// Consistency checks: every turn's speaker exists and ids are unique.
fn validate(doc: &Transcript) -> Vec<Warning> {
    let mut w = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in &doc.turns {
        if !seen.insert(t.id) {
            w.push(Warning::new(0, format!("fatal: turn id {} appears twice", t.id.0)));
        }
        if doc.speaker(t.speaker).is_none() {
            w.push(Warning::new(
                0,
                format!("fatal: turn {} names speaker {}, which is not in \"speakers\"", t.id.0, t.speaker.0),
            ));
        }
    }
    // Times past this are no recording's: refused, so that no arithmetic on them overflows.
    const MAX_MS: u64 = 1000 * 3_600_000;
    if let Some(t) = doc.turns.iter().find(|t| t.start_ms > MAX_MS || t.end_ms.is_some_and(|e| e > MAX_MS)) {
        w.push(Warning::new(0, format!("fatal: turn {} has an absurd time (over 1000 hours)", t.id.0)));
    }
    let mut sp = std::collections::HashSet::new();
    for s in &doc.speakers {
        if !sp.insert(s.id) {
            w.push(Warning::new(0, format!("fatal: speaker id {} appears twice", s.id.0)));
        }
    }
    if doc.turns.windows(2).any(|p| p[1].start_ms < p[0].start_ms) {
        w.push(Warning::new(0, "turn starts are not in order".to_string()));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TranscriptBuilder;

    fn sample() -> Transcript {
        let mut b = TranscriptBuilder::new();
        b.metadata_mut().title = Some("Panel".into());
        b.push(Some("Ann"), Some(0), None, "Hello \"there\"\nnew line");
        b.push(Some("Bob"), Some(2500), Some(4000), "Hi, ünïcödé ✓");
        b.aside(9, "Select the Videos from Right");
        b.finish()
    }

    #[test]
    fn round_trip_is_exact() {
        let doc = sample();
        let s = to_string(&doc);
        let (back, warnings) = from_str(&s, "x.json").unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back, doc);
        assert_eq!(to_string(&back), s);
        assert!(s.starts_with("{\n  \"format\": \"turnfix\",\n  \"version\": 1,"));
        assert!(s.ends_with("}\n"));
    }

    #[test]
    fn unknown_fields_survive_save() {
        let s = to_string(&sample());
        let with_extra = s
            .replacen("\"version\": 1,", "\"version\": 1,\n  \"zz_future\": {\"a\": [1, 2]},", 1)
            .replacen("\"text\": \"Hi", "\"mood\": \"happy\",\n      \"text\": \"Hi", 1);
        let (doc, _) = from_str(&with_extra, "x.json").unwrap();
        assert_eq!(doc.extra["zz_future"]["a"][1], 2);
        assert_eq!(doc.turns[1].extra["mood"], "happy");
        let saved = to_string(&doc);
        assert!(saved.contains("\"zz_future\""));
        assert!(saved.contains("\"mood\": \"happy\""));
        let (again, _) = from_str(&saved, "x.json").unwrap();
        assert_eq!(to_string(&again), saved, "second save is byte-identical");
    }

    /// The schema in docs/ and the writer agree on the required fields and their order.
    #[test]
    fn written_files_have_what_the_schema_requires() {
        let schema: serde_json::Value = serde_json::from_str(include_str!("../../docs/turnfix.schema.json")).unwrap();
        let mut doc = sample();
        doc.source = Some(Source {
            file: "a.txt".into(),
            format: "otter-txt".into(),
            sha256: "0".repeat(64),
            turns: 2,
            extra: Extra::new(),
        });
        doc.audio = Some(AudioLink { path: "a.mp3".into(), size: Some(3), duration_ms: None, extra: Extra::new() });
        let written: serde_json::Value = serde_json::from_str(&to_string(&doc)).unwrap();
        let required = |v: &serde_json::Value| -> Vec<String> {
            v["required"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
        };
        let keys = |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(&written), required(&schema), "top-level fields, in order");
        let has_all = |obj: &serde_json::Value, def: &serde_json::Value| {
            for k in required(def) {
                assert!(obj.get(&k).is_some(), "missing {k} in {obj}");
            }
        };
        has_all(&written["source"], &schema["properties"]["source"]["oneOf"][1]);
        has_all(&written["audio"], &schema["properties"]["audio"]["oneOf"][1]);
        for s in written["speakers"].as_array().unwrap() {
            has_all(s, &schema["$defs"]["speaker"]);
        }
        for t in written["turns"].as_array().unwrap() {
            has_all(t, &schema["$defs"]["turn"]);
            has_all(&t["original"], &schema["$defs"]["original"]);
        }
        assert_eq!(schema["properties"]["version"]["const"], VERSION);
    }

    #[test]
    fn newer_version_is_refused_clearly() {
        let s = to_string(&sample()).replacen("\"version\": 1", "\"version\": 7", 1);
        let err = from_str(&s, "later.json").unwrap_err().to_string();
        assert!(err.contains("later.json"), "{err}");
        assert!(err.contains("newer Turnfix") && err.contains('7'), "{err}");
        // Even when the rest no longer fits this version's shape.
        let err = from_str("{\"format\":\"turnfix\",\"version\":2,\"turns\":5}", "y.json").unwrap_err().to_string();
        assert!(err.contains("newer Turnfix"), "{err}");
    }

    #[test]
    fn sniff_cuts_at_a_char_boundary() {
        let mut s = String::from("{\"format\": \"turnfix\", \"x\": \"");
        while s.len() < 199 {
            s.push('a');
        }
        s.push('é'); // straddles byte 200
        assert!(sniff(&s));
        assert!(!sniff(&s.replace("turnfix", "other")));
    }

    #[test]
    fn broken_documents_name_the_problem() {
        let err = from_str("{\"format\":\"turnfix\",\"version\":1,", "a.json").unwrap_err().to_string();
        assert!(err.starts_with("a.json: invalid Turnfix JSON at line 1"), "{err}");
        let s = to_string(&sample()).replacen("\"speaker\": 2", "\"speaker\": 9", 1);
        let err = from_str(&s, "b.json").unwrap_err().to_string();
        assert!(err.contains("speaker 9"), "{err}");
        let err = from_str("{\"format\":\"other\",\"version\":1}", "c.json").unwrap_err().to_string();
        assert!(err.contains("not a Turnfix document"), "{err}");
    }
}

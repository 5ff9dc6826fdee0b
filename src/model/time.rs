//! Clock times as transcripts write them.

use super::Ms;

/// Parse `S`, `M:SS`, `MM:SS`, `H:MM:SS`, `HH:MM:SS`, optionally with `.mmm` or `,mmm`.
/// Returns None for anything else (including minutes or seconds of 60 and above after the first
/// field).
pub fn parse_clock(s: &str) -> Option<Ms> {
    let s = s.trim();
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = main.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let nums: Vec<u64> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    if nums.len() > 1 && nums[1..].iter().any(|&n| n >= 60) {
        return None;
    }
    let secs = nums.iter().fold(0u64, |acc, &n| acc * 60 + n);
    let ms = match frac {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 3 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            f.parse::<u64>().ok()? * 10u64.pow(3 - f.len() as u32)
        }
    };
    Some(secs * 1000 + ms)
}

/// otter's TXT time: `M:SS` below one hour (minutes not padded), `H:MM:SS` above.
pub fn format_otter_time(ms: Ms) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// Zero-padded `HH:MM:SS`.
pub fn format_clock(ms: Ms) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_otter_widths() {
        assert_eq!(parse_clock("0:05"), Some(5_000));
        assert_eq!(parse_clock("59:39"), Some(3_579_000));
        assert_eq!(parse_clock("1:00:46"), Some(3_646_000));
        assert_eq!(parse_clock("01:06:29"), Some(3_989_000));
        assert_eq!(parse_clock("00:00:01,250"), Some(1_250));
        assert_eq!(parse_clock("00:00:01.5"), Some(1_500));
        assert_eq!(parse_clock("1:61"), None);
        assert_eq!(parse_clock("a:00"), None);
        assert_eq!(parse_clock(""), None);
        assert_eq!(parse_clock("1:2:3:4"), None);
    }

    #[test]
    fn formats_like_otter() {
        assert_eq!(format_otter_time(5_000), "0:05");
        assert_eq!(format_otter_time(3_579_999), "59:39");
        assert_eq!(format_otter_time(3_646_000), "1:00:46");
        assert_eq!(format_clock(3_646_000), "01:00:46");
    }
}

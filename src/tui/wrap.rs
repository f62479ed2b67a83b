//! Word wrapping by display width: CJK characters and emoji take two
//! columns, combining marks none. Words longer than a line are broken
//! between grapheme clusters, never inside one.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Wraps `text` to lines of at most `max` columns. Newlines end lines;
/// runs of spaces at a break are dropped. Control characters are shown as
/// nothing (they must never reach the terminal).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in words(para) {
            let is_space = word.chars().all(char::is_whitespace);
            // Widths are measured on the joined text, not summed: a mark
            // can join the previous word's cluster and change its width.
            if joined_width(&line, &word) <= max {
                if !(is_space && !line.is_empty() && width(&line) == 0) {
                    line.push_str(&word);
                }
                continue;
            }
            if is_space {
                // A break at a space: end the line and drop the space.
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                continue;
            }
            if !line.is_empty() && width(&word) <= max {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line.push_str(&word);
                continue;
            }
            // Longer than a whole line: break between graphemes, and
            // inside a cluster only when the cluster alone is too wide
            // (a base followed by many spacing marks).
            for g in word.graphemes(true) {
                let units: Vec<&str> = if width(g) > max {
                    g.char_indices()
                        .map(|(i, c)| &g[i..i + c.len_utf8()])
                        .collect()
                } else {
                    vec![g]
                };
                for u in units {
                    if !line.is_empty() && joined_width(&line, u) > max {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push_str(u);
                }
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The units a line may break between: runs of spaces, and words with
/// the punctuation around them ("burning." or "\"Hello," stay whole).
/// Wide characters (CJK) are units of their own, as those scripts break
/// between any two characters. Control characters and bidirectional
/// overrides are dropped ([`crate::text_safety::is_terminal_control`]).
fn words(para: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut joinable = false;
    for seg in para.split_word_bounds() {
        let seg: String = seg
            .chars()
            .filter(|&c| !crate::text_safety::is_terminal_control(c))
            .collect();
        if seg.is_empty() {
            continue;
        }
        let space = seg.chars().all(char::is_whitespace);
        let wide = width(&seg) > seg.chars().count();
        match out.last_mut() {
            Some(last) if joinable && !space && !wide => last.push_str(&seg),
            _ => out.push(seg),
        }
        joinable = !space && !wide;
    }
    out
}

fn joined_width(line: &str, word: &str) -> usize {
    let mut s = String::with_capacity(line.len() + word.len());
    s.push_str(line);
    s.push_str(word);
    width(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(
            wrap("the cat sat on the mat", 10),
            vec!["the cat", "sat on the", "mat"]
        );
    }

    #[test]
    fn cjk_counts_two_columns() {
        let lines = wrap("物語物語物語", 5);
        assert_eq!(lines, vec!["物語", "物語", "物語"]);
        assert!(lines.iter().all(|l| width(l) <= 5));
    }

    #[test]
    fn emoji_and_combining_marks_stay_whole() {
        let text = "👩‍🚀👩‍🚀👩‍🚀 e\u{301}e\u{301}e\u{301}";
        for max in 1..8 {
            for line in wrap(text, max) {
                assert!(width(&line) <= max.max(2), "{line:?} at {max}");
            }
        }
        assert_eq!(wrap("e\u{301}e\u{301}", 1), vec!["e\u{301}", "e\u{301}"]);
    }

    #[test]
    fn newlines_and_control_characters() {
        assert_eq!(wrap("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(wrap("a\x1b[31mb", 10), vec!["a[31mb"]);
        assert_eq!(wrap("a\u{202e}b\u{2066}c\u{9b}d", 10), vec!["abcd"]);
    }

    #[test]
    fn clusters_wider_than_a_line_are_split() {
        // A space followed by three spacing marks is one grapheme four
        // columns wide (found by the property test).
        let text = " \u{0B4B}\u{0C41}\u{09CB}";
        for line in wrap(text, 2) {
            assert!(width(&line) <= 2, "{line:?}");
        }
    }

    #[test]
    fn punctuation_stays_with_its_word() {
        assert_eq!(
            wrap("a candle is burning.", 19),
            vec!["a candle is", "burning."]
        );
        assert_eq!(
            wrap("he said \"Hello, you\"", 12),
            vec!["he said", "\"Hello, you\""]
        );
    }

    #[test]
    fn long_words_are_broken() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}

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
        let mut line_w = 0;
        for word in para.split_word_bounds() {
            let word: String = word.chars().filter(|c| !c.is_control()).collect();
            if word.is_empty() {
                continue;
            }
            let w = width(&word);
            let is_space = word.chars().all(char::is_whitespace);
            if line_w + w <= max {
                if !(is_space && line_w == 0 && !line.is_empty()) {
                    line.push_str(&word);
                    line_w += w;
                }
                continue;
            }
            if is_space {
                // A break at a space: end the line and drop the space.
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line_w = 0;
                continue;
            }
            if line_w > 0 && w <= max {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line.push_str(&word);
                line_w = w;
                continue;
            }
            // Longer than a whole line: break between graphemes.
            for g in word.graphemes(true) {
                let gw = width(g);
                if line_w + gw > max && line_w > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0;
                }
                line.push_str(g);
                line_w += gw;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
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
    }

    #[test]
    fn long_words_are_broken() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}

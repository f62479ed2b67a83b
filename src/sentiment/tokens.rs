//! The classifier's tokens: a Han character is a token (Chinese has no
//! spaces, and a character is a word or a word's half), a run of letters,
//! digits and inner apostrophes is a lower-case word, any other visible
//! character (punctuation, emoji) is a token of its own.

use super::lang::is_han;

/// Joiners and presentation selectors: invisible, they would only split
/// an emoji into tokens of their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{fe0e}' | '\u{fe0f}' | '\u{feff}'
    ) || c.is_control()
}

/// The first `limit` tokens of `text`. Digits read as `0`: a price or a
/// year says little of sentiment, and one token for all keeps the
/// vocabulary for words.
pub fn tokens(text: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            // An apostrophe that ends a word (dogs') is quotation, not a clitic.
            while word.ends_with('\'') {
                word.pop();
            }
            if !word.is_empty() {
                out.push(std::mem::take(word));
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if out.len() >= limit {
            break;
        }
        if is_han(c) {
            flush(&mut word, &mut out);
            if out.len() < limit {
                out.push(c.to_string());
            }
        } else if c.is_alphanumeric() {
            if c.is_numeric() {
                word.push('0');
            } else {
                word.extend(c.to_lowercase());
            }
        } else if (c == '\'' || c == '\u{2019}') && !word.is_empty() {
            word.push('\'');
        } else if c.is_whitespace() || is_invisible(c) {
            flush(&mut word, &mut out);
        } else {
            flush(&mut word, &mut out);
            if out.len() < limit {
                out.push(c.to_string());
            }
        }
    }
    if out.len() < limit {
        flush(&mut word, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<String> {
        tokens(text, 100)
    }

    #[test]
    fn words_punctuation_and_han() {
        assert_eq!(
            t("I don't LIKE it!!"),
            ["i", "don't", "like", "it", "!", "!"]
        );
        assert_eq!(t("很好，推荐"), ["很", "好", "，", "推", "荐"]);
        assert_eq!(
            t("买了iPhone 12很满意"),
            ["买", "了", "iphone", "00", "很", "满", "意"]
        );
        assert_eq!(t("dogs' toys ’twas"), ["dogs", "toys", "’", "twas"]);
        assert_eq!(t("great 👍🏽\u{200d}"), ["great", "👍", "🏽"]);
        assert!(t("").is_empty() && t(" \t\n\u{200b}").is_empty());
    }

    #[test]
    fn the_limit_is_kept() {
        assert_eq!(tokens("a b c d", 2), ["a", "b"]);
        assert_eq!(tokens("很好很好", 3).len(), 3);
        assert_eq!(tokens("abc", 0).len(), 0);
        let long = "word ".repeat(100_000);
        assert_eq!(tokens(&long, 256).len(), 256);
    }
}

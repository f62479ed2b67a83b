//! Song lyric drafting: pronunciation, rhyme schemes, the song model and candidate line selection.
//!
//! # Rhyme rules
//!
//! Pronunciations come from the embedded CMU Pronouncing Dictionary
//! (`assets/cmudict/cmudict.dict`), parsed once on first use. Words are
//! normalised first: lowercase, curly apostrophes folded to `'`, punctuation
//! dropped except inner apostrophes and hyphens. Numbers and punctuation-only
//! tokens count 0 syllables and have no rhyme key.
//!
//! * Syllables: the number of stress-marked vowel phones in the word's first
//!   pronunciation ("fire" = F AY1 ER0 = 2).
//! * Rhyme key: the phones from the last primary-stressed vowel (else the last
//!   secondary-stressed, else the last vowel) to the end, stress digits
//!   dropped ("light" -> `AY T`). Keys of alternate pronunciations are kept,
//!   and two known words rhyme when any of their keys match.
//! * Two words rhyme when their keys match and they are not the same word.
//!   A line's rhyme is its last word's.
//! * Function words (articles, prepositions, conjunctions, auxiliary verbs;
//!   [`lexicon::FUNCTION_WORDS`]) rhyme with nothing, and a generated line
//!   never ends on one.
//!
//! # Fallback for unknown words
//!
//! Words missing from the dictionary (hyphenated compounds are first split
//! into known parts) get a guess:
//!
//! * Syllables: vowel groups (`y` is a vowel except word-initially before a
//!   vowel), minus a silent final e, -es and -ed (kept after sibilants and
//!   t/d), and silent e in -ely/-eful/-ement/-eness/-eless; consonant + le
//!   keeps its syllable. At least 1 for any word with letters.
//! * Rhyme key: the last vowel group plus the letters after it, after
//!   ck/c->k, ph->f, igh->ie, vowel+consonant+silent e -> vowel+e+consonant
//!   and consonant+y -> ee. Such keys report [`RhymeKey::is_guessed`], and
//!   whenever either side is guessed, words are compared by spelling keys.
//!   A line whose end word is a guess is marked as such (`~` in the editor,
//!   `guess` in `--annotate`).
//!
//! # Song structure
//!
//! A repeated section (usually the chorus) is a [`Section`] whose
//! `repeat_of` names the earlier section it repeats; it shares that
//! section's lines, and export writes it out in full. See [`song`].

pub mod choose;
pub mod file;
pub mod job;
pub mod lexicon;
pub mod pronounce;
pub mod scheme;
pub mod song;
pub mod write;
pub mod zh;

pub use choose::{
    choose_fluent, choose_line, clean_candidate, Choice, LineContext, Score, SoftPenalties,
};
pub use file::{load_song, save_song, song_path, SongFileError};
pub use job::LyricsTask;
pub use lexicon::{is_archaic, is_function_word, Lexicon};
pub use pronounce::{
    line_rhyme_key, line_syllables, normalize_word, rhyme_key, rhymes, syllables, Pronouncer,
    RhymeKey,
};
pub use scheme::{
    check, AccidentalRhyme, GroupId, LineReport, RhymeScheme, SchemeError, SchemeReport,
};
pub use song::{
    Direction, Lang, Line, Section, SectionKind, Song, SongEditor, SongError, UNDO_LIMIT,
};

//! Lyrics with the shipped model: generated sections meet their rhyme
//! scheme over a fixed set of seeds, locked lines survive regeneration,
//! songs save and load.

use fabula::cli::lyrics::song_skeleton;
use fabula::lm::InferenceModel;
use fabula::lyrics::pronounce::last_word;
use fabula::lyrics::write::{write_section, write_section_until, WriteSettings};
use fabula::lyrics::{
    check, choose_line, is_function_word, LineContext, Pronouncer, RhymeScheme, Song,
};

fn shipped_lyrics_model() -> InferenceModel {
    let stem = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/lyrics");
    InferenceModel::load(&stem).expect("the shipped lyrics model")
}

fn settings() -> WriteSettings {
    WriteSettings {
        batch: 16,
        max_batches: 12,
        temperature: 0.8,
    }
}

#[test]
fn generated_sections_meet_their_rhyme_scheme() {
    let model = shipped_lyrics_model();
    let (mut required, mut met) = (0, 0);
    for scheme in ["AABB", "ABAB"] {
        for seed in 1..=3u64 {
            let scheme = RhymeScheme::parse(scheme).unwrap();
            let mut song = song_skeleton("", &["verse".into()], &scheme, Some(8)).unwrap();
            write_section(&model, &mut song, 0, 4, &settings(), seed).unwrap();
            let texts = song.sections[0].texts();
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "{texts:?}");
            let report = check(&texts, &scheme);
            for line in &report.lines {
                if let Some(ok) = line.rhymes_with_partner {
                    required += 1;
                    met += usize::from(ok);
                }
            }
        }
    }
    // 12 required rhymes over the seed set, every one met by construction.
    assert_eq!(required, 12);
    assert_eq!(met, required, "only {met} of {required} rhymes met");
}

/// Counts over written sections, checked against the CMU dictionary.
#[derive(Default, Debug)]
struct Tally {
    pairs: usize,
    rhymed: usize,
    lines: usize,
    within_one: usize,
    function_ends: Vec<String>,
    misses: Vec<String>,
}

impl Tally {
    /// Checks one section's lines: each line of a rhyme group rhymes with
    /// the group's previous line (distinct words, both in the dictionary,
    /// sharing the rhyme of any pronunciation), syllables, end words.
    fn add(&mut self, texts: &[&str], scheme: &RhymeScheme, target: usize) {
        let p = Pronouncer::builtin();
        for (i, t) in texts.iter().enumerate() {
            self.lines += 1;
            self.within_one += usize::from(p.line_syllables(t).abs_diff(target) <= 1);
            let end = last_word(t).unwrap_or_default();
            if is_function_word(&end) {
                self.function_ends.push(t.to_string());
            }
            let group = scheme.group_id(i);
            let partner = (0..i)
                .rev()
                .find(|&j| group.is_some() && scheme.group_id(j) == group);
            if let Some(j) = partner {
                self.pairs += 1;
                let other = last_word(texts[j]).unwrap_or_default();
                let keys = |w: &str| -> Vec<String> {
                    p.rhyme_key(w)
                        .map(|k| k.all_phones().to_vec())
                        .unwrap_or_default()
                };
                let (a, b) = (keys(&end), keys(&other));
                let ok = end != other
                    && p.contains(&end)
                    && p.contains(&other)
                    && !is_function_word(&end)
                    && !is_function_word(&other)
                    && a.iter().any(|k| b.contains(k));
                if ok {
                    self.rhymed += 1;
                } else {
                    self.misses.push(format!("{:?} / {:?}", texts[j], t));
                }
            }
        }
    }
}

/// The check: ten seeds each of AABB and ABAB, eight lines of eight
/// syllables. Every required pair rhymes (distinct words, CMU), at least
/// 90 % of lines are within one syllable, no line ends on a function word.
#[test]
fn rhyme_and_syllable_guarantees_over_many_seeds() {
    let model = shipped_lyrics_model();
    let mut tally = Tally::default();
    let start = std::time::Instant::now();
    for scheme in ["AABB", "ABAB"] {
        for seed in 1..=10u64 {
            let scheme = RhymeScheme::parse(scheme).unwrap();
            let mut song = song_skeleton("", &["verse".into()], &scheme, Some(8)).unwrap();
            write_section(&model, &mut song, 0, 8, &settings(), seed).unwrap();
            let texts = song.sections[0].texts();
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "{texts:?}");
            tally.add(&texts, &scheme, 8);
        }
    }
    eprintln!("{tally:?} in {:.1} s", start.elapsed().as_secs_f64());
    assert_eq!(tally.pairs, 80);
    assert_eq!(tally.rhymed, tally.pairs, "misses: {:?}", tally.misses);
    assert!(
        tally.within_one * 10 >= tally.lines * 9,
        "{} of {} lines within one syllable",
        tally.within_one,
        tally.lines
    );
    assert!(tally.function_ends.is_empty(), "{:?}", tally.function_ends);
}

/// A verse-chorus song: the chorus is written once and repeated, the song
/// gets a title from its hook, and every section keeps the guarantees.
#[test]
fn verse_chorus_song_keeps_the_guarantees() {
    let model = shipped_lyrics_model();
    let scheme = RhymeScheme::parse("ABAB").unwrap();
    let structure: Vec<String> = "verse,chorus,verse,chorus,bridge,chorus"
        .split(',')
        .map(String::from)
        .collect();
    let mut song = song_skeleton("", &structure, &scheme, Some(8)).unwrap();
    for s in 0..song.sections.len() {
        if song.sections[s].repeat_of.is_none() {
            write_section(&model, &mut song, s, 4, &settings(), 3 + s as u64).unwrap();
        }
    }
    let headers = song.headers();
    assert_eq!(
        headers,
        ["Verse 1", "Chorus", "Verse 2", "Chorus", "Bridge", "Chorus"]
    );
    let chorus = song.content(1).unwrap().texts();
    for i in [3, 5] {
        assert_eq!(song.content(i).unwrap().texts(), chorus);
    }
    let mut tally = Tally::default();
    for s in [0, 1, 2, 4] {
        tally.add(&song.content(s).unwrap().texts(), &scheme, 8);
    }
    assert_eq!(tally.pairs, 8);
    assert_eq!(tally.rhymed, tally.pairs, "misses: {:?}", tally.misses);
    assert!(tally.function_ends.is_empty(), "{:?}", tally.function_ends);
    assert!(tally.within_one * 10 >= tally.lines * 9, "{tally:?}");
    let title = song.hook_title().unwrap();
    let tail = |t: &str| t.chars().skip(1).collect::<String>();
    assert!(
        tail(chorus[0]).starts_with(&tail(&title)) && title.len() > 1,
        "{title:?} / {chorus:?}"
    );
}

/// The function-word rule: articles, prepositions, conjunctions and
/// auxiliaries rhyme with nothing and are never a line's end.
#[test]
fn function_words_rhyme_with_nothing() {
    let p = Pronouncer::builtin();
    assert!(
        !p.rhymes("a", "the"),
        "a/the share a sound but are no rhyme"
    );
    assert!(!p.rhymes("the", "a"));
    assert!(!p.rhymes("see", "be"));
    assert!(p.rhymes("see", "free"));
    assert!(
        !p.rhymes("night", "night"),
        "a word never rhymes with itself"
    );
    let scheme = RhymeScheme::parse("AABB").unwrap();
    let report = check(
        &["I took the road to see the", "and then I went to a"],
        &scheme,
    );
    assert_eq!(report.lines[1].rhymes_with_partner, Some(false));
    assert!(report.lines[0].function_end && report.lines[1].function_end);
    let ctx = LineContext::for_line(&["I walked into the night"], &scheme, 1, Some(8));
    let c = choose_line(
        &[
            "and all the stars were shining in the".to_string(),
            "and all the stars were shining bright".to_string(),
        ],
        &ctx,
    )
    .unwrap();
    assert_eq!(c.index, 1);
}

/// Words missing from the dictionary are reported as guesses, and
/// `--annotate` says so.
#[test]
fn guessed_end_words_are_marked() {
    let scheme = RhymeScheme::parse("AABB").unwrap();
    let report = check(
        &["we walked along the road", "and found it blorptastic"],
        &scheme,
    );
    assert!(!report.lines[0].guessed);
    assert!(report.lines[1].guessed);
    // A locked line with an unknown end word survives --print and is marked.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.json");
    let mut song = song_skeleton("Guess", &["verse".into()], &scheme, Some(8)).unwrap();
    song.push_line(0, "we found the thing so blorptastic")
        .unwrap();
    song.toggle_lock(0, 0).unwrap();
    fabula::lyrics::save_song(&path, &song).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fabula"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["lyrics", "--print", "--annotate", "--lines", "2", "--open"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text.lines().find(|l| l.contains("blorptastic")).unwrap();
    assert!(line.ends_with("guess"), "{text}");
}

#[test]
fn locked_lines_survive_regeneration() {
    let model = shipped_lyrics_model();
    let scheme = RhymeScheme::parse("AABB").unwrap();
    let mut song = song_skeleton("", &["verse".into()], &scheme, Some(8)).unwrap();
    write_section(&model, &mut song, 0, 4, &settings(), 1).unwrap();
    song.set_text(0, 1, "I walked along the sea at night")
        .unwrap();
    song.toggle_lock(0, 1).unwrap();
    let before: Vec<String> = song.sections[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    write_section(&model, &mut song, 0, 4, &settings(), 99).unwrap();
    let after: Vec<String> = song.sections[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert_eq!(after[1], "I walked along the sea at night");
    assert_ne!(before, after, "unlocked lines were rewritten");
}

#[test]
fn songs_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.json");
    let scheme = RhymeScheme::parse("ABAB").unwrap();
    let mut song: Song = song_skeleton(
        "Night Road",
        &[
            "verse".into(),
            "chorus".into(),
            "verse".into(),
            "chorus".into(),
        ],
        &scheme,
        Some(7),
    )
    .unwrap();
    song.push_line(0, "the road runs on").unwrap();
    song.push_line(1, "sing it low").unwrap();
    fabula::lyrics::save_song(&path, &song).unwrap();
    let back = fabula::lyrics::load_song(&path).unwrap();
    assert_eq!(back, song);
    assert_eq!(back.export_plain_text().matches("[Chorus]").count(), 2);
    std::fs::write(&path, "{\"format\": \"fabula-song\"").unwrap();
    let err = fabula::lyrics::load_song(&path).unwrap_err().to_string();
    assert!(err.contains("song.json") && err.contains("line 1"), "{err}");
}

#[test]
fn a_stopped_section_writes_no_more_lines() {
    let model = shipped_lyrics_model();
    let scheme = RhymeScheme::parse("AABB").unwrap();
    let mut song = song_skeleton("", &["verse".into()], &scheme, Some(8)).unwrap();
    // Stop once two lines are written (the editor's Esc mid-section).
    let asked = std::cell::Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 2
    };
    let written = write_section_until(&model, &mut song, 0, 4, &settings(), 1, &stop).unwrap();
    assert_eq!(written.len(), 2);
    let texts = song.sections[0].texts();
    assert_eq!(texts.len(), 4);
    assert!(texts[..2].iter().all(|t| !t.trim().is_empty()), "{texts:?}");
    assert!(texts[2..].iter().all(|t| t.trim().is_empty()), "{texts:?}");
}

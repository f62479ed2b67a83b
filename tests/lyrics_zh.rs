//! Chinese lyrics with the shipped model: every form's line lengths, rhymes
//! and (for regulated verse) 平仄 hold over many seeds; the command line
//! prints poems and names the forms when one is unknown.

mod common;

use std::collections::HashSet;

use fabula::lm::InferenceModel;
use fabula::lyrics::zh::{check, compose, ComposeSettings, FormKind, FormTable, PinyinTable};

fn shipped_model() -> InferenceModel {
    let stem = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/lyrics-zh");
    InferenceModel::load(&stem).expect("the shipped Chinese lyrics model")
}

const FORMS: [&str; 10] = [
    "五言绝句",
    "七言绝句",
    "五言律诗",
    "七言律诗",
    "浣溪沙",
    "如梦令",
    "水调歌头",
    "菩萨蛮",
    "卜算子",
    "满江红",
];

#[test]
fn forms_rhymes_and_tones_hold_over_many_seeds() {
    let model = shipped_model();
    let table = PinyinTable::shipped();
    let settings = ComposeSettings::default();
    for name in FORMS {
        let form = FormTable::shipped().find(name).unwrap();
        let mut poems = HashSet::new();
        for seed in 1..=12u64 {
            let poem = compose(&model, form, table, &settings, seed).unwrap();
            assert_eq!(poem.lines.len(), form.lines.len(), "{name} seed {seed}");
            for (line, spec) in poem.lines.iter().zip(&form.lines) {
                assert_eq!(
                    line.chars().count(),
                    spec.chars,
                    "{name} seed {seed}: {line}"
                );
                assert!(
                    line.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{name} seed {seed}: {line}"
                );
            }
            // Rhymes by construction: the lines of each rhyme (one, or one per
            // rhyme of a tune that changes rhyme) end in the same group by
            // their usual reading, and no rhyme character repeats.
            let ends: Vec<char> = poem
                .lines
                .iter()
                .zip(&form.lines)
                .filter(|(_, s)| s.rhymes)
                .map(|(l, _)| l.chars().last().unwrap())
                .collect();
            for set in form.rhyme_sets() {
                let groups: HashSet<_> = set
                    .iter()
                    .map(|&i| poem.lines[i - 1].chars().last().unwrap())
                    .map(|c| table.primary(c).and_then(|r| r.group()))
                    .collect();
                assert_eq!(
                    groups.len(),
                    1,
                    "{name} seed {seed}: {set:?} {:?}",
                    poem.lines
                );
                assert!(!groups.contains(&None), "{name} seed {seed}: {ends:?}");
            }
            assert_eq!(
                ends.iter().collect::<HashSet<_>>().len(),
                ends.len(),
                "{name} seed {seed}: a rhyme character repeats: {ends:?}"
            );
            let report = check(form, &poem.lines, table);
            assert!(
                report.lengths_ok() && report.rhymes_ok(),
                "{name} seed {seed}: {report:?}"
            );
            if form.kind == FormKind::Shi {
                assert_eq!(report.tone_misses(), 0, "{name} seed {seed}: {report:?}");
            }
            // The body has the form's punctuation: a line break after each 。.
            let body = poem.body(form);
            let puncts: Vec<char> = body.chars().filter(|c| "，。".contains(*c)).collect();
            let want: Vec<char> = form.lines.iter().map(|l| l.punct).collect();
            assert_eq!(puncts, want, "{name} seed {seed}");
            assert_eq!(
                body.matches('\n').count(),
                want.iter().filter(|&&c| c == '。').count()
            );
            poems.insert(poem.lines);
        }
        assert!(
            poems.len() >= 10,
            "{name}: only {} different poems",
            poems.len()
        );
    }
}

#[test]
fn tunes_that_change_rhyme_rhyme_in_each_part() {
    let forms = FormTable::shipped();
    let sets = |name: &str| forms.find(name).unwrap().rhyme_sets();
    assert_eq!(
        sets("菩萨蛮"),
        [vec![1, 2], vec![3, 4], vec![5, 6], vec![7, 8]]
    );
    assert_eq!(sets("清平乐"), [vec![1, 2, 3, 4], vec![5, 6, 8]]);
    assert_eq!(
        sets("虞美人"),
        [vec![1, 2], vec![3, 5], vec![6, 7], vec![8, 10]]
    );
    assert_eq!(sets("浣溪沙"), [vec![1, 2, 3, 5, 6]]);
    let model = shipped_model();
    let table = PinyinTable::shipped();
    let settings = ComposeSettings::default();
    for name in ["菩萨蛮", "清平乐", "减字木兰花", "虞美人", "定风波"] {
        let form = forms.find(name).unwrap();
        let mut changed = 0;
        for seed in 1..=8u64 {
            let poem = compose(&model, form, table, &settings, seed).unwrap();
            let report = check(form, &poem.lines, table);
            assert!(
                report.lengths_ok() && report.rhymes_ok(),
                "{name} seed {seed}: {report:?}"
            );
            assert_eq!(report.set_rhymes.len(), form.rhyme_sets().len());
            // Each rhyme chooses its own group: most poems change rhyme.
            let distinct: HashSet<_> = report.set_rhymes.iter().collect();
            changed += usize::from(distinct.len() > 1);
        }
        assert!(changed >= 6, "{name}: {changed} of 8 poems change rhyme");
    }
}

#[test]
fn the_same_seed_gives_the_same_poem() {
    let model = shipped_model();
    let form = FormTable::shipped().find("七言律诗").unwrap();
    let s = ComposeSettings::default();
    let a = compose(&model, form, PinyinTable::shipped(), &s, 7).unwrap();
    let b = compose(&model, form, PinyinTable::shipped(), &s, 7).unwrap();
    assert_eq!(a, b);
}

#[test]
fn free_tones_still_keep_lengths_and_rhymes() {
    let model = shipped_model();
    let table = PinyinTable::shipped();
    let form = FormTable::shipped().find("五言律诗").unwrap();
    let settings = ComposeSettings {
        enforce_tones: false,
        ..ComposeSettings::default()
    };
    for seed in 1..=6 {
        let poem = compose(&model, form, table, &settings, seed).unwrap();
        let report = check(form, &poem.lines, table);
        assert!(report.lengths_ok() && report.rhymes_ok(), "{report:?}");
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = common::fabula().args(args).output().expect("run fabula");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_prints_a_poem_and_annotates_it() {
    let (code, out, err) = run(&[
        "lyrics",
        "--lang",
        "zh",
        "--form",
        "七言绝句",
        "--print",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "七言绝句");
    assert_eq!(lines[1], "");
    assert_eq!(lines.len(), 4, "{out}");
    for l in &lines[2..] {
        assert_eq!(l.chars().count(), 16, "{l}");
        assert_eq!(l.chars().nth(7), Some('，'));
        assert!(l.ends_with('。'));
    }
    let (code, ann, err) = run(&[
        "lyrics",
        "--lang",
        "zh",
        "--form",
        "七言绝句",
        "--print",
        "--seed",
        "3",
        "--annotate",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(ann.contains("押韵") && ann.contains(" 7字"), "{ann}");
    assert!(
        ann.contains("characters ok, rhymes ok, 平仄 mismatches 0"),
        "{ann}"
    );
    // The annotated poem is the printed one.
    for l in &lines[2..] {
        let (a, b) = l.split_once('，').unwrap();
        assert!(ann.contains(&format!("{a}，")) && ann.contains(b), "{ann}");
    }
}

#[test]
fn cli_unknown_form_lists_the_forms() {
    let (code, out, err) = run(&["lyrics", "--lang", "zh", "--form", "十四行诗", "--print"]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert!(err.contains("unknown form \"十四行诗\""), "{err}");
    for name in [
        "五言绝句",
        "七言绝句",
        "五言律诗",
        "七言律诗",
        "浣溪沙",
        "如梦令",
        "水调歌头",
    ] {
        assert!(err.contains(name), "{err}");
    }
    let (code, _, err) = run(&["lyrics", "--lang", "zh", "--print"]);
    assert_ne!(code, 0);
    assert!(err.contains("--form") && err.contains("浣溪沙"), "{err}");
    let (code, _, err) = run(&["lyrics", "--lang", "fr", "--print"]);
    assert_ne!(code, 0);
    assert!(err.contains("--lang must be en or zh"), "{err}");
    let (code, _, err) = run(&["lyrics", "--form", "浣溪沙", "--print"]);
    assert_ne!(code, 0);
    assert!(err.contains("--lang zh"), "{err}");
    // The editor needs a terminal (and says what to use without one).
    let (code, _, err) = run(&["lyrics", "--lang", "zh", "--form", "浣溪沙"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("needs a terminal") && err.contains("--print"),
        "{err}"
    );
    // A near miss names the forms it is near.
    let (code, _, err) = run(&["lyrics", "--lang", "zh", "--form", "七言绝"]);
    assert_ne!(code, 0);
    assert!(err.contains("(did you mean 七言绝句, 七言律诗"), "{err}");
}

#[test]
fn kept_lines_stay_and_bind_the_drafted_ones() {
    let model = shipped_model();
    let table = PinyinTable::shipped();
    let settings = ComposeSettings::default();
    for name in ["七言绝句", "五言律诗", "浣溪沙", "卜算子"] {
        let form = FormTable::shipped().find(name).unwrap();
        let last = form.lines.len() - 1;
        for seed in 1..=6u64 {
            // Keep the last line of one poem (it rhymes) and draft the rest
            // around it with another seed: the rhyme and 平仄 must follow it.
            let donor = compose(&model, form, table, &settings, seed + 100).unwrap();
            let mut keep = vec![None; form.lines.len()];
            keep[last] = Some(donor.lines[last].clone());
            let poem =
                fabula::lyrics::zh::compose_around(&model, form, table, &settings, seed, &keep)
                    .unwrap();
            assert_eq!(poem.lines[last], donor.lines[last], "{name} {seed}");
            let report = check(form, &poem.lines, table);
            assert!(
                report.lengths_ok() && report.rhymes_ok(),
                "{name} seed {seed}: {report:?}"
            );
            if form.kind == FormKind::Shi {
                assert_eq!(report.tone_misses(), 0, "{name} seed {seed}: {report:?}");
            }
            // The kept rhyme character is not used again at a line end.
            let end = donor.lines[last].chars().last().unwrap();
            let ends = poem.lines[..last]
                .iter()
                .zip(&form.lines)
                .filter(|(_, s)| s.rhymes)
                .filter(|(l, _)| l.ends_with(end))
                .count();
            assert_eq!(ends, 0, "{name} seed {seed}: {:?}", poem.lines);
        }
    }
    // With nothing kept it is the plain draft.
    let form = FormTable::shipped().find("七言绝句").unwrap();
    assert_eq!(
        fabula::lyrics::zh::compose_around(&model, form, table, &settings, 3, &[]).unwrap(),
        compose(&model, form, table, &settings, 3).unwrap()
    );
}

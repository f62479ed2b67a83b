//! The one key table. Every key a mode answers is a row here with what it
//! does and what the help says: key dispatch, the help screen and the
//! status line's hints are all read from it, so none can name a key the
//! others do not know.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use crate::lyrics::Direction;

/// The screens of the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Story,
    /// A story read, not played (`fabula review`).
    Review,
    Lyrics,
}

/// What has the keys inside a mode: it decides what a letter does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The chat input; `empty` when nothing is typed yet.
    Chat {
        empty: bool,
    },
    Story,
    Review,
    /// Moving among a song's lines.
    Lines,
    /// Typing a song's line or title.
    Editing,
}

/// Where a key of a binding works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    Anywhere,
    Chat,
    /// In the chat while nothing is typed (`?` is then help, not a letter).
    ChatEmpty,
    /// In the story or the review pane, where letters are commands.
    Panes,
    StoryPane,
    ReviewPane,
    Lines,
    Editing,
}

impl Where {
    fn holds(self, focus: Focus) -> bool {
        match self {
            Where::Anywhere => true,
            Where::Chat => matches!(focus, Focus::Chat { .. }),
            Where::ChatEmpty => focus == Focus::Chat { empty: true },
            Where::Panes => matches!(focus, Focus::Story | Focus::Review),
            Where::StoryPane => focus == Focus::Story,
            Where::ReviewPane => focus == Focus::Review,
            Where::Lines => focus == Focus::Lines,
            Where::Editing => focus == Focus::Editing,
        }
    }

    /// Keys that need a pane's focus are shown in parentheses.
    fn in_pane(self) -> bool {
        matches!(self, Where::Panes | Where::StoryPane | Where::ReviewPane)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A key alone (Shift is part of the character: `G`, `K`).
    Plain(KeyCode),
    Ctrl(KeyCode),
    Alt(KeyCode),
    /// 1 to 9.
    Digit,
    /// Any character typed.
    Text,
}

const fn plain(c: char) -> Key {
    Key::Plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key::Ctrl(KeyCode::Char(c))
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let char_eq = |a: KeyCode, b: KeyCode| match (a, b) {
            (KeyCode::Char(a), KeyCode::Char(b)) => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        };
        match self {
            Key::Plain(code) => !ctrl && !alt && key.code == code,
            Key::Ctrl(code) => ctrl && !alt && char_eq(key.code, code),
            Key::Alt(code) => alt && !ctrl && key.code == code,
            Key::Digit => !ctrl && !alt && matches!(key.code, KeyCode::Char('1'..='9')),
            Key::Text => !ctrl && !alt && matches!(key.code, KeyCode::Char(_)),
        }
    }

    /// The key as the help and the status line name it.
    pub fn name(self) -> String {
        fn code(c: KeyCode) -> String {
            match c {
                KeyCode::Char(' ') => "Space".into(),
                KeyCode::Char(c) => c.to_string(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            }
        }
        match self {
            Key::Plain(c) => code(c),
            Key::Ctrl(KeyCode::Char(c)) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Ctrl(c) => format!("Ctrl-{}", code(c)),
            Key::Alt(c) => format!("Alt-{}", code(c)),
            Key::Digit => "1-9".into(),
            Key::Text => "type".into(),
        }
    }
}

/// One row of the table: keys, where each works, what they do.
pub struct Binding {
    pub modes: &'static [Mode],
    pub keys: &'static [(Key, Where)],
    /// The action, from the key pressed (a digit picks its choice, a
    /// character types itself, ← and → go opposite ways).
    pub action: fn(KeyCode) -> Action,
    pub help: &'static str,
    /// The word the status line shows beside the first key, for the few
    /// keys it reminds of.
    pub hint: Option<&'static str>,
}

impl Binding {
    /// The keys as the help lists them: those that need a pane's focus in
    /// parentheses, each name once.
    pub fn label(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for &(key, _) in self.keys {
            let name = key.name();
            // A key that also works outside the panes is shown plain.
            let only_in_panes = self.keys.iter().all(|&(k, at)| k != key || at.in_pane());
            let shown = if only_in_panes {
                format!("({name})")
            } else {
                name
            };
            if !names.contains(&shown) {
                names.push(shown);
            }
        }
        names.join(" ")
    }
}

const STORY: &[Mode] = &[Mode::Story];
const REVIEW: &[Mode] = &[Mode::Review];
const READING: &[Mode] = &[Mode::Story, Mode::Review];
const LYRICS: &[Mode] = &[Mode::Lyrics];

fn code_char(code: KeyCode) -> char {
    match code {
        KeyCode::Char(c) => c,
        _ => '\0',
    }
}

fn backward(code: KeyCode) -> bool {
    matches!(
        code,
        KeyCode::Left | KeyCode::Up | KeyCode::BackTab | KeyCode::PageUp
    ) || matches!(code, KeyCode::Char('[' | 'k' | 'K' | '-'))
}

fn step(code: KeyCode) -> isize {
    if backward(code) {
        -1
    } else {
        1
    }
}

pub static BINDINGS: &[Binding] = &[
    // The story and the review.
    Binding {
        modes: READING,
        keys: &[
            (plain('?'), Where::ChatEmpty),
            (plain('?'), Where::Panes),
            (Key::Plain(KeyCode::F(1)), Where::Anywhere),
        ],
        action: |_| Action::ToggleHelp,
        help: "this help",
        hint: Some("help"),
    },
    Binding {
        modes: STORY,
        keys: &[(Key::Digit, Where::Panes)],
        action: |c| Action::Choose((code_char(c) as usize).saturating_sub('1' as usize)),
        help: "pick a suggested choice (or an opening); in the chat, its number and Enter",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(Key::Text, Where::Chat)],
        action: |c| Action::Char(code_char(c)),
        help: "type what you do, or the first paragraph of your own story",
        hint: None,
    },
    Binding {
        modes: REVIEW,
        keys: &[
            (ctrl('c'), Where::Anywhere),
            (ctrl('q'), Where::Anywhere),
            // Nothing is typed in a review, so q quits in the chat too.
            (plain('q'), Where::Anywhere),
        ],
        action: |_| Action::Quit,
        help: "quit",
        hint: Some("quit"),
    },
    // The lyrics editor, while typing a line or the title.
    Binding {
        modes: REVIEW,
        keys: &[(Key::Text, Where::Chat)],
        action: |c| Action::Char(code_char(c)),
        help: "nothing is typed in a review (it says so)",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[(Key::Plain(KeyCode::Backspace), Where::Chat)],
        action: |_| Action::Backspace,
        help: "delete the last character typed",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(Key::Plain(KeyCode::Enter), Where::Chat)],
        action: |_| Action::Submit,
        help: "send what you typed (a number alone picks that choice)",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::Tab), Where::Anywhere),
            (Key::Plain(KeyCode::BackTab), Where::Anywhere),
        ],
        action: |c| {
            if backward(c) {
                Action::FocusPrev
            } else {
                Action::FocusNext
            }
        },
        help: "move between chat, story and review",
        hint: Some("pane"),
    },
    Binding {
        modes: STORY,
        keys: &[(Key::Plain(KeyCode::Esc), Where::Anywhere)],
        action: |_| Action::Cancel,
        help: "stop the narrator (keeps the text) / close help / clear input",
        hint: Some("stop"),
    },
    Binding {
        modes: REVIEW,
        keys: &[(Key::Plain(KeyCode::Esc), Where::Anywhere)],
        action: |_| Action::Cancel,
        help: "close help",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(ctrl('r'), Where::Anywhere), (plain('r'), Where::Panes)],
        action: |_| Action::Retry,
        help: "retry: a new version of the last passage (a new seed)",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(ctrl('w'), Where::Anywhere), (plain('w'), Where::Panes)],
        action: |_| Action::Rewrite,
        help: "re-write the selected passage: its seed, the next temperature (0.5, 0.8, 1.0, 1.2)",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[
            (ctrl('z'), Where::Anywhere),
            (ctrl('u'), Where::Anywhere),
            (plain('u'), Where::Panes),
        ],
        action: |_| Action::Undo,
        help: "undo: back to before your last action",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Alt(KeyCode::Left), Where::Anywhere),
            (Key::Alt(KeyCode::Right), Where::Anywhere),
            (Key::Ctrl(KeyCode::Left), Where::Anywhere),
            (Key::Ctrl(KeyCode::Right), Where::Anywhere),
            (plain('['), Where::Panes),
            (plain(']'), Where::Panes),
            (Key::Plain(KeyCode::Left), Where::Panes),
            (Key::Plain(KeyCode::Right), Where::Panes),
        ],
        action: |c| Action::Sibling(step(c)),
        help: "previous / next alternative of the selected turn",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::Up), Where::Chat),
            (Key::Plain(KeyCode::Down), Where::Chat),
            (Key::Plain(KeyCode::Up), Where::StoryPane),
            (Key::Plain(KeyCode::Down), Where::StoryPane),
            (plain('k'), Where::StoryPane),
            (plain('j'), Where::StoryPane),
        ],
        action: |c| Action::Scroll(step(c)),
        help: "scroll the story by a line (or with the mouse wheel)",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::PageUp), Where::Anywhere),
            (Key::Plain(KeyCode::PageDown), Where::Anywhere),
        ],
        action: |c| Action::Scroll(step(c) * 10),
        help: "scroll the story, or move in the review list, by ten",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::Home), Where::Panes),
            (plain('g'), Where::Panes),
        ],
        action: |_| Action::Scroll(-1_000_000),
        help: "to the start of the story (or of the review list)",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::End), Where::Chat),
            (Key::Plain(KeyCode::End), Where::Panes),
            (plain('G'), Where::Panes),
        ],
        action: |_| Action::ScrollToEnd,
        help: "to the end of the story",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[
            (Key::Plain(KeyCode::Up), Where::ReviewPane),
            (Key::Plain(KeyCode::Down), Where::ReviewPane),
            (plain('k'), Where::ReviewPane),
            (plain('j'), Where::ReviewPane),
        ],
        action: |c| Action::Select(step(c)),
        help: "select a turn in the review list",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(Key::Plain(KeyCode::Enter), Where::ReviewPane)],
        action: |_| Action::JumpToSelected,
        help: "go back to the selected turn (branch from there)",
        hint: None,
    },
    Binding {
        modes: REVIEW,
        keys: &[(Key::Plain(KeyCode::Enter), Where::ReviewPane)],
        action: |_| Action::JumpToSelected,
        help: "show the story at the selected turn (later turns stay listed)",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[(ctrl('b'), Where::Anywhere), (plain('b'), Where::Panes)],
        action: |_| Action::ToggleBranches,
        help: "show / hide the other branches on the sentiment arc",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(ctrl('p'), Where::Anywhere), (plain('p'), Where::Panes)],
        action: |_| Action::TalkTo,
        help: "talk to a character: puts \"ask NAME about \" (or \"NAME, \" before your words) in the input and lists the story's characters; again for the next. Typed: /talk lists them, /talk N WORDS speaks to one",
        // Not in the status hints: they would no longer fit 80 columns.
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[(ctrl('t'), Where::Anywhere), (plain('m'), Where::Panes)],
        action: |_| Action::CycleMood,
        help: "cycle the mood to steer toward: hopeful, tense, dark, off",
        hint: None,
    },
    Binding {
        modes: READING,
        keys: &[(ctrl('e'), Where::Anywhere)],
        action: |_| Action::Export,
        help: "export the current branch as Markdown and text",
        hint: None,
    },
    Binding {
        modes: STORY,
        keys: &[
            (ctrl('c'), Where::Anywhere),
            (ctrl('q'), Where::Anywhere),
            (plain('q'), Where::Panes),
        ],
        action: |_| Action::Quit,
        help: "save and quit",
        hint: Some("quit"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(Key::Plain(KeyCode::Enter), Where::Editing)],
        action: |_| Action::Submit,
        help: "while typing: keep the line (or title)",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(Key::Plain(KeyCode::Esc), Where::Editing)],
        action: |_| Action::Cancel,
        help: "while typing: drop what was typed",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(Key::Plain(KeyCode::Backspace), Where::Editing)],
        action: |_| Action::Backspace,
        help: "while typing: delete the last character",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(Key::Text, Where::Editing)],
        action: |c| Action::Char(code_char(c)),
        help: "while typing: the line's text",
        hint: None,
    },
    // The lyrics editor, moving among lines.
    Binding {
        modes: LYRICS,
        keys: &[(plain('n'), Where::Lines)],
        action: |_| Action::WriteNextLine,
        help: "write the next line",
        hint: Some("next line"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('g'), Where::Lines)],
        action: |_| Action::WriteSection,
        help: "write the whole section (keeps locked lines)",
        hint: Some("section"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('r'), Where::Lines)],
        action: |_| Action::RewriteLine,
        help: "rewrite the selected line",
        hint: Some("rewrite"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('l'), Where::Lines)],
        action: |_| Action::ToggleLock,
        help: "lock / unlock the line (locked lines are never rewritten)",
        hint: Some("lock"),
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (plain('e'), Where::Lines),
            (Key::Plain(KeyCode::Enter), Where::Lines),
        ],
        action: |_| Action::EditLine,
        help: "edit the line",
        hint: Some("edit"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('i'), Where::Lines)],
        action: |_| Action::InsertLine,
        help: "insert a line below and type it",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('d'), Where::Lines)],
        action: |_| Action::DeleteLine,
        help: "delete the line",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('K'), Where::Lines), (plain('J'), Where::Lines)],
        action: |c| {
            Action::MoveLine(if backward(c) {
                Direction::Up
            } else {
                Direction::Down
            })
        },
        help: "move the line up / down",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (Key::Plain(KeyCode::Up), Where::Lines),
            (Key::Plain(KeyCode::Down), Where::Lines),
            (plain('k'), Where::Lines),
            (plain('j'), Where::Lines),
        ],
        action: |c| Action::Select(step(c)),
        help: "previous / next line",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (Key::Plain(KeyCode::BackTab), Where::Lines),
            (Key::Plain(KeyCode::Tab), Where::Lines),
            (Key::Plain(KeyCode::Left), Where::Lines),
            (Key::Plain(KeyCode::Right), Where::Lines),
        ],
        action: |c| Action::SelectSection(step(c)),
        help: "previous / next section",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('s'), Where::Lines)],
        action: |_| Action::CycleScheme,
        help: "next rhyme scheme: AABB, ABAB, ABCB, AAAA, free",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (plain('+'), Where::Lines),
            (plain('='), Where::Lines),
            (plain('-'), Where::Lines),
        ],
        action: |c| Action::Syllables(if backward(c) { -1 } else { 1 }),
        help: "one syllable more / fewer per line",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('a'), Where::Lines)],
        action: |_| Action::AddSection,
        help: "add a section (a verse, or the chorus again after a verse)",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('u'), Where::Lines), (ctrl('z'), Where::Lines)],
        action: |_| Action::Undo,
        help: "undo",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(ctrl('r'), Where::Lines)],
        action: |_| Action::Redo,
        help: "redo",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('t'), Where::Lines)],
        action: |_| Action::Title,
        help: "title the song (a new song's file is named after it)",
        hint: Some("title"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(plain('x'), Where::Lines)],
        action: |_| Action::Export,
        help: "export the song as plain text",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (plain('?'), Where::Lines),
            (Key::Plain(KeyCode::F(1)), Where::Lines),
        ],
        action: |_| Action::ToggleHelp,
        help: "this help",
        hint: Some("help"),
    },
    Binding {
        modes: LYRICS,
        keys: &[(Key::Plain(KeyCode::Esc), Where::Lines)],
        action: |_| Action::Cancel,
        help: "stop writing / close help",
        hint: None,
    },
    Binding {
        modes: LYRICS,
        keys: &[
            (ctrl('c'), Where::Anywhere),
            (ctrl('q'), Where::Anywhere),
            (plain('q'), Where::Lines),
        ],
        action: |_| Action::Quit,
        help: "save and quit (what is being typed is kept)",
        hint: Some("quit"),
    },
];

/// The bindings of `mode`, in the order the help lists them.
pub fn bindings(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.modes.contains(&mode))
}

/// The binding a key press finds in `mode` with `focus`: the first row
/// with a key that matches there.
pub fn binding_for(mode: Mode, focus: Focus, key: &KeyEvent) -> Option<&'static Binding> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    bindings(mode).find(|b| {
        b.keys
            .iter()
            .any(|&(k, at)| at.holds(focus) && k.matches(key))
    })
}

/// What a key press does in `mode` with `focus`.
pub fn action_for(mode: Mode, focus: Focus, key: KeyEvent) -> Option<Action> {
    binding_for(mode, focus, &key).map(|b| (b.action)(key.code))
}

/// The status line's reminders for `mode`: "? help  Tab pane ...".
pub fn hints(mode: Mode) -> String {
    bindings(mode)
        .filter_map(|b| Some(format!("{} {}", b.keys.first()?.0.name(), b.hint?)))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The help's first line: what the parentheses mean.
pub fn legend(mode: Mode) -> &'static str {
    match mode {
        Mode::Story | Mode::Review => {
            "Keys in (parentheses) work when the story or review pane has focus (Tab)."
        }
        Mode::Lyrics => "Letters are commands; e, i and t open a line or the title for typing.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::render::help::help_lines;
    use ratatui::style::Style;

    const MODES: [Mode; 3] = [Mode::Story, Mode::Review, Mode::Lyrics];

    fn foci(mode: Mode) -> Vec<Focus> {
        match mode {
            Mode::Story | Mode::Review => vec![
                Focus::Chat { empty: true },
                Focus::Chat { empty: false },
                Focus::Story,
                Focus::Review,
            ],
            Mode::Lyrics => vec![Focus::Lines, Focus::Editing],
        }
    }

    /// Every key a terminal can send that a test might think of: each
    /// character and named key, alone, with Ctrl and with Alt.
    fn every_key() -> Vec<KeyEvent> {
        let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
        codes.push(KeyCode::Char('é'));
        codes.extend([
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
        ]);
        codes.extend((1..=12).map(KeyCode::F));
        let mut keys = Vec::new();
        for code in codes {
            for mods in [KeyModifiers::NONE, KeyModifiers::CONTROL, KeyModifiers::ALT] {
                keys.push(KeyEvent::new(code, mods));
            }
        }
        keys
    }

    fn help_text(mode: Mode) -> String {
        help_lines(mode, 86, Style::default())
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect()
    }

    /// A key press that `key` names.
    fn press(key: Key) -> KeyEvent {
        match key {
            Key::Plain(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Key::Ctrl(code) => KeyEvent::new(code, KeyModifiers::CONTROL),
            Key::Alt(code) => KeyEvent::new(code, KeyModifiers::ALT),
            Key::Digit => KeyEvent::new(KeyCode::Char('5'), KeyModifiers::NONE),
            Key::Text => KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
        }
    }

    #[test]
    fn every_key_dispatched_is_in_the_help() {
        for mode in MODES {
            let help = help_text(mode);
            for focus in foci(mode) {
                for key in every_key() {
                    // Dispatch as the shell does it; what it answers must
                    // come from a row of the table, which the help lists.
                    if action_for(mode, focus, key).is_none() {
                        continue;
                    }
                    let b = binding_for(mode, focus, &key).unwrap_or_else(|| {
                        panic!(
                            "{mode:?} {focus:?}: {key:?} is dispatched but in no row of the table"
                        )
                    });
                    let (named, _) = b
                        .keys
                        .iter()
                        .find(|(k, at)| at.holds(focus) && k.matches(&key))
                        .unwrap();
                    assert!(
                        help.contains(&named.name()),
                        "{mode:?} {focus:?}: {key:?} does \"{}\" but the help names no {}:\n{help}",
                        b.help,
                        named.name()
                    );
                    let first_words: String = b
                        .help
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ");
                    assert!(help.contains(&first_words), "{mode:?}: {:?}", b.help);
                }
            }
        }
    }

    /// Each key the help lists does what its row says, in every place the
    /// row says it works: no earlier row takes it.
    #[test]
    fn every_key_in_the_help_is_dispatched_to_its_row() {
        for mode in MODES {
            for b in bindings(mode) {
                for &(key, at) in b.keys {
                    let places: Vec<Focus> =
                        foci(mode).into_iter().filter(|&f| at.holds(f)).collect();
                    assert!(!places.is_empty(), "{mode:?}: {key:?} works nowhere");
                    for focus in places {
                        let found = binding_for(mode, focus, &press(key));
                        assert!(
                            found.is_some_and(|f| std::ptr::eq(f, b)),
                            "{mode:?} {focus:?}: {} should {:?} but does {:?}",
                            key.name(),
                            b.help,
                            found.map(|f| f.help)
                        );
                    }
                }
            }
        }
    }

    /// Ctrl-M is Enter in most terminals, Ctrl-I Tab, Ctrl-H Backspace,
    /// Ctrl-J a newline, Ctrl-[ Esc: none of them is bound.
    #[test]
    fn no_ctrl_key_is_one_terminals_send_as_another() {
        for b in BINDINGS {
            for (key, _) in b.keys {
                if let Key::Ctrl(KeyCode::Char(c)) = key {
                    assert!(!"mijh[".contains(*c), "Ctrl-{c} ({})", b.help);
                }
            }
        }
    }

    #[test]
    fn enter_submits_and_ctrl_t_cycles_the_mood_in_every_pane() {
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        let chat = Focus::Chat { empty: false };
        assert!(matches!(
            action_for(Mode::Story, chat, enter),
            Some(Action::Submit)
        ));
        assert!(matches!(
            action_for(Mode::Story, Focus::Review, enter),
            Some(Action::JumpToSelected)
        ));
        let t = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL);
        for focus in foci(Mode::Story) {
            assert!(
                matches!(action_for(Mode::Story, focus, t), Some(Action::CycleMood)),
                "{focus:?}"
            );
        }
    }

    #[test]
    fn ctrl_c_while_typing_a_line_quits_and_types_nothing() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert!(matches!(
            action_for(Mode::Lyrics, Focus::Editing, ctrl('c')),
            Some(Action::Quit)
        ));
        assert!(action_for(Mode::Lyrics, Focus::Editing, ctrl('x')).is_none());
    }

    #[test]
    fn the_status_hints_come_from_the_table() {
        assert_eq!(
            hints(Mode::Story),
            "? help  Tab pane  Esc stop  Ctrl-C quit"
        );
        assert!(
            hints(Mode::Lyrics).contains("n next line"),
            "{}",
            hints(Mode::Lyrics)
        );
    }
}

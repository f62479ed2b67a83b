//! Everything that can change a screen, as values. Keys become actions
//! through the key table ([`super::keys`]); each screen's `update` is the
//! only place its actions take effect.

use std::path::PathBuf;

use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

use crate::engine::Event;
use crate::lyrics::Direction;
use crate::story::Session;

#[derive(Debug)]
pub enum Action {
    /// A character typed (into the chat, or a song's line while editing).
    Char(char),
    Backspace,
    /// Enter: submit the typed action (or opening), or keep the edited line.
    Submit,
    /// Text pasted from the terminal.
    Paste(String),
    /// Pick suggested choice `n` (0-based).
    Choose(usize),
    /// Stop generation (keeping what was generated), close overlays, drop
    /// what is being typed.
    Cancel,
    /// A new continuation of the current passage, beside the old one.
    Retry,
    /// The selected passage again, with its stored seed and another
    /// temperature, beside it.
    Rewrite,
    /// Back to the turn before the player's last action (in the lyrics
    /// editor: the last change).
    Undo,
    /// Previous / next sibling of the selected turn (the alternatives).
    Sibling(isize),
    FocusNext,
    FocusPrev,
    /// Scroll the focused pane by lines (negative is up).
    Scroll(isize),
    ScrollToEnd,
    /// Move the selection: a turn in the review list, a song's line.
    Select(isize),
    /// Make the selected turn current (rewind or jump between branches).
    JumpToSelected,
    ToggleHelp,
    /// Overlay the other branches' sentiment arcs on the current one.
    ToggleBranches,
    /// Put an address to the next character of the story into the input.
    TalkTo,
    /// Cycle the target mood for steering (off, hopeful, tense, dark).
    CycleMood,
    Export,
    Quit,
    Resize(u16, u16),
    Engine(Event),
    Tick,
    /// Continue a saved story at its current turn.
    Resume(Box<Session>, PathBuf),
    /// Show a story read-only: nothing is written or generated.
    OpenReadOnly(Box<Session>),
    // The lyrics editor.
    /// Move to the previous / next section.
    SelectSection(isize),
    WriteNextLine,
    WriteSection,
    RewriteLine,
    ToggleLock,
    EditLine,
    InsertLine,
    DeleteLine,
    MoveLine(Direction),
    CycleScheme,
    /// Change the section's syllable target by this much.
    Syllables(i8),
    AddSection,
    Redo,
    /// Type a title for the song.
    Title,
}

pub fn from_mouse(m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
        MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
        _ => None,
    }
}

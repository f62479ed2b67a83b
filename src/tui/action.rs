//! Everything that can change the app, as values: keys become actions
//! here, and `App::update` is the only place actions take effect.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

use super::app::Pane;
use crate::engine::Event;

#[derive(Debug)]
pub enum Action {
    /// A character typed into the chat input.
    Char(char),
    Backspace,
    /// Enter in the chat: submit the typed action (or opening).
    Submit,
    /// Text pasted into the chat input.
    Paste(String),
    /// Pick suggested choice `n` (0-based).
    Choose(usize),
    /// Stop generation (keeping what was generated), close overlays.
    Cancel,
    /// A new continuation of the current passage, beside the old one.
    Retry,
    /// Back to the turn before the player's last action.
    Undo,
    /// Previous / next sibling of the selected turn (the alternatives).
    Sibling(isize),
    FocusNext,
    FocusPrev,
    /// Scroll the focused pane by lines (negative is up).
    Scroll(isize),
    ScrollToEnd,
    /// Move the review selection.
    Select(isize),
    /// Make the selected turn current (rewind or jump between branches).
    JumpToSelected,
    ToggleHelp,
    /// Cycle the target mood for steering (off, hopeful, tense, dark).
    CycleMood,
    Export,
    Quit,
    Resize(u16, u16),
    Engine(Event),
    Tick,
}

/// Maps a key press to an action. Letters type into the chat when it has
/// focus; in the other panes they are commands.
pub fn from_key(key: KeyEvent, focus: Pane, input_empty: bool) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl {
        return match key.code {
            KeyCode::Char('c') | KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('r') => Some(Action::Retry),
            KeyCode::Char('z') | KeyCode::Char('u') => Some(Action::Undo),
            KeyCode::Char('e') => Some(Action::Export),
            // T for tone. Not Ctrl-M: most terminals send it as Enter.
            KeyCode::Char('t') => Some(Action::CycleMood),
            KeyCode::Left => Some(Action::Sibling(-1)),
            KeyCode::Right => Some(Action::Sibling(1)),
            _ => None,
        };
    }
    if alt {
        return match key.code {
            KeyCode::Left => Some(Action::Sibling(-1)),
            KeyCode::Right => Some(Action::Sibling(1)),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Esc => return Some(Action::Cancel),
        KeyCode::Tab => return Some(Action::FocusNext),
        KeyCode::BackTab => return Some(Action::FocusPrev),
        KeyCode::PageUp => return Some(Action::Scroll(-10)),
        KeyCode::PageDown => return Some(Action::Scroll(10)),
        KeyCode::F(1) => return Some(Action::ToggleHelp),
        _ => {}
    }
    match focus {
        Pane::Chat => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Up => Some(Action::Scroll(-1)),
            KeyCode::Down => Some(Action::Scroll(1)),
            KeyCode::End => Some(Action::ScrollToEnd),
            KeyCode::Char('?') if input_empty => Some(Action::ToggleHelp),
            // Digits type, so an action may start with one ("3 steps back");
            // a number alone and Enter picks a choice (see `App::update`).
            KeyCode::Char(c) => Some(Action::Char(c)),
            _ => None,
        },
        Pane::Story | Pane::Review => match key.code {
            KeyCode::Char('?') => Some(Action::ToggleHelp),
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('r') => Some(Action::Retry),
            KeyCode::Char('u') => Some(Action::Undo),
            KeyCode::Char('m') => Some(Action::CycleMood),
            KeyCode::Char('[') | KeyCode::Left => Some(Action::Sibling(-1)),
            KeyCode::Char(']') | KeyCode::Right => Some(Action::Sibling(1)),
            KeyCode::Char(c @ '1'..='9') => Some(Action::Choose(c as usize - '1' as usize)),
            KeyCode::Up | KeyCode::Char('k') if focus == Pane::Review => Some(Action::Select(-1)),
            KeyCode::Down | KeyCode::Char('j') if focus == Pane::Review => Some(Action::Select(1)),
            KeyCode::Enter if focus == Pane::Review => Some(Action::JumpToSelected),
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Scroll(-1)),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Scroll(1)),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::Scroll(-1_000_000)),
            KeyCode::End | KeyCode::Char('G') => Some(Action::ScrollToEnd),
            _ => None,
        },
    }
}

pub fn from_mouse(m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
        MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn enter_submits_and_ctrl_t_cycles_the_mood_in_every_pane() {
        // Ctrl-M arrives as Enter in most terminals: Enter must stay Enter.
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert!(matches!(
            from_key(enter, Pane::Chat, false),
            Some(Action::Submit)
        ));
        assert!(matches!(
            from_key(enter, Pane::Review, true),
            Some(Action::JumpToSelected)
        ));
        for pane in [Pane::Chat, Pane::Story, Pane::Review] {
            let t = key(KeyCode::Char('t'), KeyModifiers::CONTROL);
            assert!(
                matches!(from_key(t, pane, false), Some(Action::CycleMood)),
                "{pane:?}"
            );
        }
    }
}

//! The help overlay: every key, grouped by what it does.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::color;
use crate::tui::app::App;
use crate::tui::wrap::wrap;

pub(crate) const KEYS: &[(&str, &str)] = &[
    (
        "1-9 Enter  (1-9)",
        "pick a suggested choice (or an opening)",
    ),
    ("type + Enter", "do something of your own"),
    (
        "Esc",
        "stop the narrator (keeps the text) / close help / clear input",
    ),
    ("Ctrl-R  (r)", "retry: a new version of the last passage"),
    ("Ctrl-Z  (u)", "undo: back to before your last action"),
    (
        "Alt-←/→  ([ ])",
        "previous / next alternative of the selected turn",
    ),
    ("Tab / Shift-Tab", "move between chat, story and review"),
    (
        "↑/↓ PgUp/PgDn wheel",
        "scroll the story; move in the review list",
    ),
    (
        "Enter (review)",
        "go back to the selected turn (branch from there)",
    ),
    (
        "Ctrl-T  (m)",
        "cycle the mood to steer toward: hopeful, tense, dark, off",
    ),
    ("Ctrl-E", "export the current branch as Markdown and text"),
    ("? / F1", "this help"),
    ("Ctrl-C  Ctrl-Q  (q)", "save and quit"),
];

/// Width of the key column.
const KEY_WIDTH: usize = 22;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(90);
    let inner = (width as usize).saturating_sub(2).max(1);
    let key_style = Style::default()
        .fg(color(&app.config.colors.accent))
        .add_modifier(Modifier::BOLD);
    // Descriptions wrap under themselves instead of being cut at the edge.
    let mut lines: Vec<Line> = wrap(
        "Letters in (parentheses) work when the story or review pane has focus.",
        inner,
    )
    .into_iter()
    .map(Line::from)
    .collect();
    for (k, what) in KEYS {
        let room = inner.saturating_sub(KEY_WIDTH).max(8);
        for (i, part) in wrap(what, room).into_iter().enumerate() {
            let key = if i == 0 { *k } else { "" };
            lines.push(Line::from(vec![
                ratatui::text::Span::styled(format!("{key:<KEY_WIDTH$}"), key_style),
                ratatui::text::Span::raw(part),
            ]));
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys (Esc closes) ");
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::from_key;
    use crate::tui::app::Pane;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    /// Every Ctrl key the help names does something, and none is one that
    /// terminals send as another key (Ctrl-M is Enter, Ctrl-I Tab, Ctrl-H
    /// Backspace, Ctrl-J a newline, Ctrl-[ Esc).
    #[test]
    fn the_ctrl_keys_in_the_help_can_be_typed_and_work() {
        let mut seen = 0;
        for (keys, what) in KEYS {
            for word in keys.split_whitespace() {
                let Some(rest) = word.strip_prefix("Ctrl-") else {
                    continue;
                };
                let mut chars = rest.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    continue;
                };
                let c = c.to_ascii_lowercase();
                assert!(
                    !"mijh[".contains(c),
                    "Ctrl-{c} ({what}) is another key in most terminals"
                );
                let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
                assert!(
                    from_key(k, Pane::Chat, false).is_some(),
                    "Ctrl-{c} does nothing"
                );
                seen += 1;
            }
        }
        assert!(seen >= 5, "{seen}");
    }
}

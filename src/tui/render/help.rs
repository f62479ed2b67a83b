//! The help overlay: every key of the mode, read from the key table.
//! Descriptions wrap under themselves rather than being cut at the edge.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::keys::{bindings, legend, Mode};
use crate::tui::wrap::{width, wrap};

/// The widest key column; longer key lists wrap within it.
const KEY_WIDTH: usize = 22;

/// The help's lines for `mode` at `inner` columns.
pub fn help_lines(mode: Mode, inner: usize, key_style: Style) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = wrap(legend(mode), inner)
        .into_iter()
        .map(Line::from)
        .collect();
    let key_width = KEY_WIDTH.min(inner / 3).max(4);
    let room = inner.saturating_sub(key_width + 1).max(8);
    for b in bindings(mode) {
        let keys = wrap(&b.label(), key_width);
        let what = wrap(b.help, room);
        for i in 0..keys.len().max(what.len()) {
            let key = keys.get(i).cloned().unwrap_or_default();
            let pad = " ".repeat(key_width + 1 - width(&key).min(key_width));
            lines.push(Line::from(vec![
                Span::styled(format!("{key}{pad}"), key_style),
                Span::raw(what.get(i).cloned().unwrap_or_default()),
            ]));
        }
    }
    lines
}

pub fn render(mode: Mode, accent: ratatui::style::Color, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(90);
    let inner = (width as usize).saturating_sub(2).max(1);
    let key_style = Style::default().fg(accent).add_modifier(Modifier::BOLD);
    let lines = help_lines(mode, inner, key_style);
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

//! The chat pane: the suggested choices and the player's input line.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{color, pane_block};
use crate::tui::app::{App, JobKind, Pane, Stage};
use crate::tui::wrap::{width, wrap};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let title = match app.stage {
        _ if app.read_only => " Read-only ",
        Stage::ChooseOpening => " Choose an opening ",
        Stage::Playing => " What do you do? ",
    };
    let block = pane_block(app, Pane::Chat, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 4 || inner.height == 0 {
        return;
    }
    let w = inner.width as usize;
    if app.read_only {
        let said = "A review is read, not played: nothing is typed here. q quits.";
        let lines: Vec<Line> = wrap(said, w)
            .into_iter()
            .map(|l| Line::styled(l, Style::default().fg(Color::DarkGray)))
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let accent = Style::default().fg(color(&app.config.colors.accent));
    match app.job.as_ref().map(|j| &j.kind) {
        Some(JobKind::Passage { .. }) => lines.push(Line::styled(
            "The narrator is writing… (Esc to stop)",
            Style::default().fg(Color::DarkGray),
        )),
        Some(JobKind::Choices { .. }) => lines.push(Line::styled(
            "Thinking of choices… (type your own any time)",
            Style::default().fg(Color::DarkGray),
        )),
        None => {}
    }
    // The choice a typed number names is marked, so Enter's effect is seen.
    let typed = app.typed_choice();
    for (i, c) in app.choices.iter().enumerate().take(9) {
        let label = format!("{}. ", i + 1);
        let text = wrap(c, w.saturating_sub(label.len()).max(1))
            .into_iter()
            .next()
            .unwrap_or_default();
        let style = if typed == Some(i + 1) {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(label, accent),
            Span::styled(text, style),
        ]));
    }
    // Why the list is in this order, under it (the history's reasons).
    let dim = Style::default().fg(Color::DarkGray);
    for said in app.recommendation_lines() {
        for l in wrap(&said, w) {
            lines.push(Line::styled(l, dim));
        }
    }
    let budget = inner.height as usize;
    if lines.len() >= budget {
        lines.truncate(budget.saturating_sub(1));
    }
    // The input line shows its end when it is longer than the pane.
    let prompt = "> ";
    let room = w.saturating_sub(prompt.len() + 1);
    let mut shown = String::new();
    let mut shown_w = 0;
    for ch in app.input.chars().rev() {
        let cw = width(ch.encode_utf8(&mut [0u8; 4]));
        if shown_w + cw > room {
            break;
        }
        shown.insert(0, ch);
        shown_w += cw;
    }
    let cursor = if app.focus == Pane::Chat { "▏" } else { "" };
    lines.push(Line::from(vec![
        Span::styled(prompt, accent.add_modifier(Modifier::BOLD)),
        Span::raw(shown),
        Span::styled(cursor, accent),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

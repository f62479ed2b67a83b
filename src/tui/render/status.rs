//! The status line: model, mode, speed, messages, the key hints.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Stage};
use crate::tui::keys::{hints, Mode};
use crate::tui::shell::Screen;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let mode = if app.read_only {
        "review (read-only)"
    } else {
        match app.stage {
            Stage::ChooseOpening => "new story",
            Stage::Playing => "story",
        }
    };
    let mut parts = vec![format!(" {} ", app.model_label), mode.to_string()];
    if let Some(m) = app.mood {
        parts.push(format!("mood: {}", m.name()));
    }
    // Characters, as the review's speed says: the model's tokens are characters.
    if let Some(tps) = app.tokens_per_second {
        parts.push(format!("{tps:.0} chars/s"));
    }
    status_line(frame, area, &parts.join(" │ "), &app.status, app.mode());
}

/// One status line in every mode: what runs (on cyan), the latest message,
/// and the mode's key hints at the right when they fit.
pub fn status_line(frame: &mut Frame, area: Rect, left: &str, status: &str, mode: Mode) {
    let hint = format!(" {} ", hints(mode));
    let msg = if status.is_empty() {
        String::new()
    } else {
        format!(" │ {}", crate::text_safety::printable_line(status))
    };
    let line = Line::from(vec![
        Span::styled(
            left.to_string(),
            Style::default().fg(Color::Black).bg(Color::Cyan),
        ),
        Span::raw(msg),
    ]);
    let used = crate::tui::wrap::width(&line.to_string());
    let hint_width = crate::tui::wrap::width(&hint);
    let mut spans = line.spans;
    if used + hint_width <= area.width as usize {
        spans.push(Span::raw(
            " ".repeat(area.width as usize - used - hint_width),
        ));
        spans.push(Span::styled(hint, Style::default().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

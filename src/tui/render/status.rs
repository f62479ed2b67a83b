//! The status line: model, mode, speed, messages, the help hint.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::{App, Stage};

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
    let left = parts.join(" │ ");
    let hint = " ? help  Tab pane  Esc stop  Ctrl-C quit ";
    let msg = if app.status.is_empty() {
        String::new()
    } else {
        format!(" │ {}", crate::text_safety::printable_line(&app.status))
    };
    let line = Line::from(vec![
        Span::styled(left, Style::default().fg(Color::Black).bg(Color::Cyan)),
        Span::raw(msg),
    ]);
    let used = crate::tui::wrap::width(&line.to_string());
    let mut spans = line.spans;
    if used + hint.len() <= area.width as usize {
        spans.push(Span::raw(
            " ".repeat(area.width as usize - used - hint.len()),
        ));
        spans.push(Span::styled(hint, Style::default().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! Drawing: one module per pane; the layout is decided here, from the
//! terminal size alone.

mod chat;
pub mod help;
pub mod lyrics;
mod poem;
mod review;
pub mod status;
mod story;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Pane};

/// The story help's descriptions, for tests that check none is cut.
pub fn help_lines() -> impl Iterator<Item = &'static str> {
    crate::tui::keys::bindings(crate::tui::keys::Mode::Story).map(|b| b.help)
}

/// Below this the panes cannot show anything useful.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Parses a configured colour (validated when the config was loaded).
pub fn color(name: &str) -> Color {
    name.parse().unwrap_or(Color::Reset)
}

pub(crate) fn pane_block<'a>(app: &App, pane: Pane, title: &'a str) -> Block<'a> {
    let style = if app.focus == pane {
        Style::default().fg(color(&app.config.colors.accent))
    } else {
        Style::default().fg(Color::DarkGray)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(title)
}

pub struct Areas {
    pub story: Rect,
    pub chat: Rect,
    pub review: Option<Rect>,
    pub status: Rect,
}

/// Wide terminals get story and chat on the left, review on the right;
/// narrow ones stack story over chat and show review in place of the
/// story while it has focus.
pub fn layout(area: Rect, app: &App) -> Areas {
    let [main, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    // The reasons under the list take as many lines as they wrap to.
    let chat_width = if main.width >= 100 {
        main.width * 64 / 100
    } else {
        main.width
    };
    let said: u16 = app
        .recommendation_lines()
        .iter()
        .map(|l| {
            crate::tui::wrap::wrap(l, chat_width.saturating_sub(2).max(1) as usize).len() as u16
        })
        .sum();
    let chat_height = (app.choices.len() as u16 + 4 + said)
        .clamp(5, 12 + said.min(4))
        .min(main.height / 2);
    if main.width >= 100 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)])
                .areas(main);
        let [story, chat] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(chat_height)]).areas(left);
        Areas {
            story,
            chat,
            review: Some(right),
            status,
        }
    } else {
        let [top, chat] = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Min(3), Constraint::Length(chat_height)])
            .areas(main);
        if app.focus == Pane::Review {
            Areas {
                story: Rect::default(),
                chat,
                review: Some(top),
                status,
            }
        } else {
            Areas {
                story: top,
                chat,
                review: None,
                status,
            }
        }
    }
}

/// Says so and returns true when the terminal is smaller than any screen
/// can be drawn in.
pub fn too_small(frame: &mut Frame) -> bool {
    let area = frame.area();
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        return false;
    }
    let msg = format!(
        "Terminal too small: {}x{}. fabula needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
    true
}

pub fn render(app: &App, frame: &mut Frame) {
    if too_small(frame) {
        return;
    }
    let area = frame.area();
    let areas = layout(area, app);
    if areas.story.area() > 0 {
        story::render(app, frame, areas.story);
    }
    chat::render(app, frame, areas.chat);
    if let Some(r) = areas.review {
        review::render(app, frame, r);
    }
    status::render(app, frame, areas.status);
    if app.show_help {
        use crate::tui::shell::Screen;
        help::render(app.mode(), color(&app.config.colors.accent), frame, area);
    }
}

//! The story pane: the current branch as prose, the player's actions as
//! `> ` lines, a sentiment-coloured gutter, the passage being written
//! streaming at the end. Only the visible lines are wrapped and drawn.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{color, pane_block};
use crate::sentiment::{Label, Sentiment};
use crate::story::Role;
use crate::tui::app::{App, JobKind, Pane, Stage};
use crate::tui::wrap::wrap;

pub fn sentiment_color(app: &App, s: Option<Sentiment>) -> Color {
    let c = &app.config.colors;
    match s.map(|s| s.label) {
        Some(Label::Positive) => color(&c.positive),
        Some(Label::Negative) => color(&c.negative),
        Some(Label::Neutral) => color(&c.neutral),
        None => Color::DarkGray,
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let title = format!(
        " Story: {} ",
        crate::text_safety::printable_line(&app.session.title)
    );
    let block = pane_block(app, Pane::Story, &title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 3 || inner.height == 0 {
        return;
    }
    if app.stage == Stage::ChooseOpening {
        let intro = "Choose an opening in the chat below (its number and Enter), or type the first paragraph of your own story.";
        let lines: Vec<Line> = wrap(intro, inner.width as usize)
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let text_width = inner.width as usize - 2;
    let height = inner.height as usize;
    let need = height + app.story_scroll;
    let writing = match &app.job {
        Some(j) => match j.kind {
            JobKind::Passage { node, .. } => Some(node),
            _ => None,
        },
        None => None,
    };
    let player_style = Style::default()
        .fg(color(&app.config.colors.player))
        .add_modifier(Modifier::BOLD);
    // Walk the branch from its end, wrapping only until the screen is full.
    let mut lines: Vec<Line> = Vec::new();
    let tree = &app.session.tree;
    for id in tree.branch().into_iter().rev() {
        let Some(node) = tree.node(id) else { continue };
        let mut block: Vec<Line> = Vec::new();
        let gutter = Span::styled(
            "▎ ",
            Style::default().fg(sentiment_color(app, node.sentiment)),
        );
        match node.role {
            Role::Player => {
                for (i, l) in wrap(&node.text, text_width.saturating_sub(2).max(1))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if i == 0 { "> " } else { "  " };
                    block.push(Line::from(vec![
                        gutter.clone(),
                        Span::styled(format!("{lead}{l}"), player_style),
                    ]));
                }
            }
            _ => {
                let mut text = node.text.clone();
                if writing == Some(id) {
                    text.push('▌');
                }
                for l in wrap(text.trim_start_matches('\n'), text_width) {
                    block.push(Line::from(vec![gutter.clone(), Span::raw(l)]));
                }
            }
        }
        block.push(Line::from(""));
        for l in block.into_iter().rev() {
            lines.push(l);
        }
        if lines.len() >= need {
            break;
        }
    }
    lines.reverse();
    let total = lines.len();
    let end = total.saturating_sub(
        app.story_scroll
            .min(total.saturating_sub(height.min(total))),
    );
    let start = end.saturating_sub(height);
    let visible: Vec<Line> = lines[start..end].to_vec();
    frame.render_widget(Paragraph::new(visible), inner);
}

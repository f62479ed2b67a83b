//! The review pane: the turns of the current branch with their sentiment
//! and alternatives, the sentiment arc as a chart, and statistics.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};
use ratatui::Frame;

use super::story::sentiment_color;
use super::{color, pane_block};
use crate::review::stats::{signed, stats, Stats};
use crate::story::{Role, StoryTree};
use crate::tui::app::{App, Pane};
use crate::tui::wrap::wrap;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let block = pane_block(app, Pane::Review, " Review ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 10 || inner.height < 3 {
        return;
    }
    let tree = &app.session.tree;
    let st = stats(tree);
    let chart_h = if inner.height >= 20 { 9 } else { 0 };
    let stats_h = if inner.height >= 14 { 4 } else { 0 };
    let [list, chart, info] = Layout::vertical([
        Constraint::Min(2),
        Constraint::Length(chart_h),
        Constraint::Length(stats_h),
    ])
    .areas(inner);
    render_turns(app, tree, frame, list);
    if chart_h > 0 {
        render_arc(app, tree, &st, frame, chart);
    }
    if stats_h > 0 {
        render_stats(&st, frame, info);
    }
}

fn render_turns(app: &App, tree: &StoryTree, frame: &mut Frame, area: Rect) {
    // The turns after the current one (left by a rewind) are listed dimmed,
    // so they can be selected and returned to.
    let branch = tree.trail();
    let current = tree.branch().len();
    let height = area.height as usize;
    // Keep the selection in view; only visible rows are built.
    let sel = app.review_selected.min(branch.len().saturating_sub(1));
    let start = sel
        .saturating_sub(height.saturating_sub(1) / 2)
        .min(branch.len().saturating_sub(height));
    let mut lines = Vec::new();
    for (i, &id) in branch.iter().enumerate().skip(start).take(height) {
        let Some(n) = tree.node(id) else { continue };
        let (sibs, at) = tree.siblings(id);
        let alt = if sibs.len() > 1 {
            format!(" {}/{}", at + 1, sibs.len())
        } else {
            String::new()
        };
        let icon = match n.role {
            Role::Opening => "◆",
            Role::Narration => "¶",
            Role::Player => ">",
        };
        let score = n.sentiment.map_or_else(
            || "  · ".to_string(),
            |s| format!("{:>4}", signed(s.score, 1)),
        );
        let head = format!("{:>3} {icon}{alt} ", i + 1);
        let room = (area.width as usize).saturating_sub(head.chars().count() + 7);
        let words = wrap(&crate::review::stats::first_words(&n.text, 10), room.max(1))
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut style = Style::default();
        if i >= current {
            style = style.fg(Color::DarkGray);
        }
        if i == sel && app.focus == Pane::Review {
            style = style.add_modifier(Modifier::REVERSED);
        } else if i == sel {
            style = style.add_modifier(Modifier::BOLD);
        }
        lines.push(Line::from(vec![
            Span::styled("●", Style::default().fg(sentiment_color(app, n.sentiment))),
            Span::styled(format!("{head}{score} {words}"), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_arc(app: &App, tree: &StoryTree, st: &Stats, frame: &mut Frame, area: Rect) {
    let points: Vec<(f64, f64)> = tree
        .branch()
        .iter()
        .enumerate()
        .filter_map(|(i, &id)| {
            tree.node(id)?
                .sentiment
                .map(|s| ((i + 1) as f64, s.score as f64))
        })
        .collect();
    let n = tree.branch().len().max(2) as f64;
    let mut extremes = Vec::new();
    if let (Some(t), Some(v)) = (st.most_positive_turn, st.max_sentiment) {
        extremes.push((t as f64, v as f64));
    }
    if let (Some(t), Some(v)) = (st.most_negative_turn, st.min_sentiment) {
        extremes.push((t as f64, v as f64));
    }
    let datasets = vec![
        Dataset::default()
            .name("sentiment")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(color(&app.config.colors.accent)))
            .data(&points),
        Dataset::default()
            .name("extremes")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(Color::Yellow))
            .data(&extremes),
    ];
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .title("turn")
                .bounds([1.0, n])
                .labels(vec![Span::raw("1"), Span::raw(format!("{}", n as usize))]),
        )
        .y_axis(Axis::default().bounds([-1.0, 1.0]).labels(vec![
            Span::raw("-1"),
            Span::raw(" 0"),
            Span::raw("+1"),
        ]))
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// Four short lines: they fit the review pane of a 100-column terminal
/// (35 columns inside); anything longer wraps rather than being cut.
fn render_stats(st: &Stats, frame: &mut Frame, area: Rect) {
    let fmt = |v: Option<f32>| v.map_or_else(|| "–".into(), |v| signed(v, 2));
    let lines = vec![
        Line::from(format!(
            "turns {}  words {}  nodes {}",
            st.turns, st.words, st.total_nodes
        )),
        Line::from(format!(
            "branch points {}  abandoned {}",
            st.branch_points, st.abandoned_branches
        )),
        Line::from(format!(
            "sentiment {} ({}..{})",
            fmt(st.mean_sentiment),
            fmt(st.min_sentiment),
            fmt(st.max_sentiment)
        )),
        Line::from(format!(
            "best {}  worst {}  {}",
            st.most_positive_turn
                .map_or("–".into(), |t| format!("#{t}")),
            st.most_negative_turn
                .map_or("–".into(), |t| format!("#{t}")),
            st.chars_per_second
                .map_or("–".into(), |v| format!("{v:.0} chars/s"))
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

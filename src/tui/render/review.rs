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
use crate::review::branches::{other_branches, Kind};
use crate::review::confidence;
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
    // The selected turn's scene line too, when there is room for it.
    let has_scene = tree
        .trail()
        .get(app.review_selected)
        .and_then(|&id| tree.node(id))
        .is_some_and(|n| n.scene.is_some());
    let scene_h = u16::from(has_scene && inner.height >= 24);
    let stats_h = if inner.height >= 14 { 5 + scene_h } else { 0 };
    let [list, chart, info] = Layout::vertical([
        Constraint::Min(2),
        Constraint::Length(chart_h),
        Constraint::Length(stats_h),
    ])
    .areas(inner);
    // Once a frame: it reads every passage of the story.
    let median = confidence::story_median(tree);
    render_turns(app, tree, median, frame, list);
    if chart_h > 0 {
        render_arc(app, tree, &st, frame, chart);
    }
    if stats_h > 0 {
        let [info, selected, scene] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(1),
            Constraint::Length(scene_h),
        ])
        .areas(info);
        render_stats(&st, frame, info);
        render_selected_confidence(app, tree, median, frame, selected);
        if scene_h > 0 {
            render_selected_scene(app, tree, frame, scene);
        }
    }
}

/// The scene the model read after the selected passage (as stored with
/// it), so a reader sees what the narrator was told.
fn render_selected_scene(app: &App, tree: &StoryTree, frame: &mut Frame, area: Rect) {
    let Some(scene) = tree
        .trail()
        .get(app.review_selected)
        .and_then(|&id| tree.node(id))
        .and_then(|n| n.scene.as_ref())
    else {
        return;
    };
    let line = crate::text_safety::printable(&scene.line()).into_owned();
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            line,
            Style::default().fg(Color::DarkGray),
        ))),
        area,
    );
}

/// The selected passage's confidence in words, beside the story's median.
fn render_selected_confidence(
    app: &App,
    tree: &StoryTree,
    median: Option<f32>,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(&id) = tree.trail().get(app.review_selected) else {
        return;
    };
    let Some((c, flag)) = confidence::stored(tree, id, &app.counted_confidence, median) else {
        return;
    };
    let bits = c
        .surprisal_bits_per_char
        .map_or("– bits/ch".into(), |b| format!("{b:.2} bits/ch"));
    // The flag first, so a narrow pane still shows it; the median when it fits.
    let mut spans = vec![Span::raw(format!("#{} ", app.review_selected + 1))];
    if let Some(f) = flag {
        spans.push(Span::styled(
            format!("{} ", f.label()),
            Style::default().fg(Color::Yellow),
        ));
    }
    spans.push(Span::raw(format!(
        "{bits} rep {:.0}%",
        c.repetition * 100.0
    )));
    if let Some(m) = median {
        let said: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let more = format!(" (median {m:.2})");
        if said + more.chars().count() <= area.width as usize {
            spans.push(Span::raw(more));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_turns(app: &App, tree: &StoryTree, median: Option<f32>, frame: &mut Frame, area: Rect) {
    // The turns after the current one (left by a rewind) are listed dimmed,
    // so they can be selected and returned to.
    let branch = tree.trail();
    let current = tree.branch_totals().turns;
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
        // The narrator's passages: surprisal and repetition where they were
        // measured (a transcript's take no room), and a flag mark.
        let conf =
            confidence::stored(tree, id, &app.counted_confidence, median).map(|(c, flag)| {
                let figures = c.surprisal_bits_per_char.map_or(String::new(), |b| {
                    format!("{b:>4.2} {:>3.0}%", c.repetition * 100.0)
                });
                (figures, flag.map(|f| f.mark()))
            });
        let conf = conf.filter(|(figures, mark)| !figures.is_empty() || mark.is_some());
        let conf_w = conf.as_ref().map_or(0, |(t, _)| {
            let n = t.chars().count();
            n + usize::from(n > 0) + 2
        });
        let room = (area.width as usize).saturating_sub(head.chars().count() + 7 + conf_w);
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
        let mut spans = vec![
            Span::styled("●", Style::default().fg(sentiment_color(app, n.sentiment))),
            Span::styled(format!("{head}{score} "), style),
        ];
        if let Some((figures, mark)) = conf {
            if !figures.is_empty() {
                spans.push(Span::styled(figures + " ", style.fg(Color::DarkGray)));
            }
            spans.push(Span::styled(
                format!("{} ", mark.unwrap_or(' ')),
                style.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ));
        }
        spans.push(Span::styled(words, style));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_arc(app: &App, tree: &StoryTree, st: &Stats, frame: &mut Frame, area: Rect) {
    let branch = tree.branch();
    let points: Vec<(f64, f64)> = branch
        .iter()
        .enumerate()
        .filter_map(|(i, &id)| {
            tree.node(id)?
                .sentiment
                .map(|s| ((i + 1) as f64, s.score as f64))
        })
        .collect();
    let mut extremes = Vec::new();
    if let (Some(t), Some(v)) = (st.most_positive_turn, st.max_sentiment) {
        extremes.push((t as f64, v as f64));
    }
    if let (Some(t), Some(v)) = (st.most_negative_turn, st.min_sentiment) {
        extremes.push((t as f64, v as f64));
    }
    let accent = color(&app.config.colors.accent);
    if !app.show_branches || area.height < 3 {
        let n = branch.len().max(2) as f64;
        let points = thin_arc(points, n, area.width);
        frame.render_widget(arc_chart(&points, &extremes, n, accent), area);
        return;
    }
    let others = other_branches(tree);
    let longest = others
        .iter()
        .filter_map(|o| o.points.last().map(|p| p.0 as usize))
        .fold(branch.len(), usize::max);
    let n = longest.max(2) as f64;
    let points = thin_arc(points, n, area.width);
    let mut alternatives = Vec::new();
    let mut alternative_count = 0;
    let mut abandoned = Vec::new();
    for o in others {
        match o.kind {
            Kind::Alternative => {
                alternative_count += 1;
                // The turn it replaces is on the current arc already.
                alternatives.extend(o.points.last().copied());
            }
            Kind::Abandoned => abandoned.push(thin_arc(o.points, n, area.width)),
        }
    }
    let [legend, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(area);
    frame.render_widget(
        Paragraph::new(branch_legend(accent, abandoned.len(), alternative_count)),
        legend,
    );
    // Drawn under the current arc: the branches left behind, then the
    // alternatives beside it.
    let mut datasets: Vec<Dataset> = abandoned
        .iter()
        .map(|p| {
            Dataset::default()
                .marker(Marker::HalfBlock)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(ABANDONED))
                .data(p)
        })
        .collect();
    datasets.push(
        Dataset::default()
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(ALTERNATIVE))
            .data(&alternatives),
    );
    datasets.extend(arc_datasets(&points, &extremes, accent));
    frame.render_widget(chart_of(datasets, n), chart);
}

/// The colours of the other branches on the arc.
const ABANDONED: Color = Color::Blue;
const ALTERNATIVE: Color = Color::Magenta;

/// One line naming the arc's styles, with how many of each are drawn
/// (short: it fits the review pane of a 100-column terminal).
fn branch_legend(accent: Color, abandoned: usize, alternatives: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled("⣀ this ", Style::default().fg(accent)),
        Span::styled(
            format!("▀ abandoned {abandoned} "),
            Style::default().fg(ABANDONED),
        ),
        Span::styled(
            format!("• alternatives {alternatives}"),
            Style::default().fg(ALTERNATIVE),
        ),
    ])
}

fn arc_datasets<'a>(
    points: &'a [(f64, f64)],
    extremes: &'a [(f64, f64)],
    accent: Color,
) -> [Dataset<'a>; 2] {
    [
        Dataset::default()
            .name("sentiment")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(accent))
            .data(points),
        Dataset::default()
            .name("extremes")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::default().fg(Color::Yellow))
            .data(extremes),
    ]
}

fn arc_chart<'a>(
    points: &'a [(f64, f64)],
    extremes: &'a [(f64, f64)],
    n: f64,
    accent: Color,
) -> Chart<'a> {
    chart_of(arc_datasets(points, extremes, accent).into(), n)
}

fn chart_of(datasets: Vec<Dataset<'_>>, n: f64) -> Chart<'_> {
    Chart::new(datasets)
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
        .legend_position(None)
}

/// The arc with no more points than the chart has dot columns to show
/// them: within a run of turns that falls on one dot column of the plot,
/// only the first, lowest, highest and last points are kept. Lines through
/// those light the same dots as lines through all of them, as within one
/// column both cover the run's range; a long story's arc looks the same
/// and is drawn in a fraction of the time (10,000 line segments took most
/// of a frame). Short arcs are returned whole.
pub fn thin_arc(points: Vec<(f64, f64)>, n: f64, area_width: u16) -> Vec<(f64, f64)> {
    // The plot is the chart less its y labels (2 columns, at most a third
    // of the width) and axis (1), as ratatui lays it out; the columns of
    // the widths beside it are kept apart too, in case that layout shifts
    // by one.
    let plot = area_width.saturating_sub((area_width / 3).min(2) + 1);
    let widest = f64::from(area_width) * 2.0;
    if (points.len() as f64) <= 8.0 * widest || n <= 1.0 {
        return points;
    }
    // Dot column of `x` at each plot width, computed as ratatui's canvas
    // computes it (the same operations, so the same rounding).
    let spans: Vec<f64> = (plot.saturating_sub(1).max(1)..=plot + 1)
        .map(|w| f64::from(w) * 2.0 - 1.0)
        .collect();
    let columns = |x: f64| {
        spans
            .iter()
            .map(move |&s| ((x - 1.0) * s / (n - 1.0)).round())
    };
    let mut kept = Vec::with_capacity(12 * widest as usize);
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut run_columns: Vec<f64> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, kept: &mut Vec<(f64, f64)>| {
        let by_score =
            |a: &(usize, &(f64, f64)), b: &(usize, &(f64, f64))| a.1 .1.total_cmp(&b.1 .1);
        let lo = run.iter().enumerate().min_by(by_score).map_or(0, |m| m.0);
        let hi = run.iter().enumerate().max_by(by_score).map_or(0, |m| m.0);
        let mut at = [0, lo, hi, run.len().saturating_sub(1)];
        at.sort_unstable();
        for (k, &i) in at.iter().enumerate() {
            if k == 0 || at[k - 1] != i {
                kept.extend(run.get(i).copied());
            }
        }
        run.clear();
    };
    for p in points {
        if !run.is_empty() && !columns(p.0).eq(run_columns.iter().copied()) {
            flush(&mut run, &mut kept);
        }
        if run.is_empty() {
            run_columns.clear();
            run_columns.extend(columns(p.0));
        }
        run.push(p);
    }
    flush(&mut run, &mut kept);
    kept
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

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::widgets::Widget;

    use super::*;

    /// A sentiment walk of `len` turns, some unscored.
    fn walk(len: usize, seed: u64) -> Vec<(f64, f64)> {
        let mut x = seed | 1;
        let mut v = 0.0f64;
        (1..=len)
            .filter_map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v = (v + ((x % 2001) as f64 / 1000.0 - 1.0) * 0.4).clamp(-1.0, 1.0);
                (!x.is_multiple_of(7)).then_some((i as f64, v))
            })
            .collect()
    }

    fn draw(points: &[(f64, f64)], n: f64, width: u16, height: u16) -> Buffer {
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        let extremes = [(n / 3.0, 0.5)];
        arc_chart(points, &extremes, n, Color::Cyan).render(area, &mut buf);
        buf
    }

    #[test]
    fn a_thinned_arc_draws_the_same_dots_as_the_whole_one() {
        for (len, seed) in [(10_000, 1), (3_000, 2), (777, 3), (20_000, 4)] {
            let points = walk(len, seed);
            let n = len as f64;
            for width in [12, 20, 33, 41, 58, 80] {
                let thin = thin_arc(points.clone(), n, width);
                if points.len() > 64 * usize::from(width) {
                    assert!(thin.len() < points.len() / 2, "{len} turns, width {width}");
                }
                assert_eq!(
                    draw(&thin, n, width, 9),
                    draw(&points, n, width, 9),
                    "{len} turns, width {width}"
                );
            }
        }
    }

    #[test]
    fn a_short_arc_is_kept_whole() {
        let points = walk(100, 5);
        assert_eq!(thin_arc(points.clone(), 100.0, 41), points);
    }
}

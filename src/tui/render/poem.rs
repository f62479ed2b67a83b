//! A Chinese poem in the lyrics editor: per line its lock, its character
//! count against the form's (7/7), its rhyme's group and whether it
//! rhymes, the final of its last character, the line with the form's ， or 。, and for regulated
//! verse the 平仄 of each character beside the form's pattern, a tone
//! against the form in red; under a line that breaks the form, why.
//! Columns are measured in display width, so Chinese (two columns a
//! character) lines up with the marks.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::lyrics::zh::poem::{PoemLine, PoemReport};
use crate::lyrics::zh::FormKind;
use crate::tui::lyrics::{poem_line, LyricsApp, Typing};
use crate::tui::wrap::{width, wrap};

/// Lock, count, rhyme and final: the columns before the text.
const MARKS: usize = 2 + 6 + 3 + 6;

/// The poem as screen lines for a pane `inner` columns wide, and the row
/// of the selected line.
pub fn poem_lines(
    app: &LyricsApp,
    report: &PoemReport,
    inner: usize,
) -> (Vec<Line<'static>>, usize) {
    let form = report.form;
    let song = app.song();
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut header = format!(
        "[{}] {} · {} lines",
        form.name,
        match form.kind {
            FormKind::Shi => "诗",
            FormKind::Ci => "词",
        },
        form.lines.len()
    );
    let summary = report.summary();
    if !summary.is_empty() {
        header.push_str(" · ");
        header.push_str(&summary);
    }
    out.push(Line::styled(
        header,
        Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
    ));
    let text_cols = form.lines.iter().map(|l| l.chars).max().unwrap_or(0) * 2 + 2;
    let tone_cols = if report.start.is_some() { text_cols } else { 0 };
    // The pattern, then the line's own tones, each only where it fits.
    let show_tones = tone_cols > 0 && MARKS + text_cols + 2 + tone_cols <= inner;
    let show_pattern = show_tones && MARKS + text_cols + 2 * (2 + tone_cols) <= inner;
    let lines = song.sections.first().map_or(&[][..], |s| &s.lines[..]);
    let mut selected_row = 0;
    for (i, ((line, spec), check)) in lines.iter().zip(&form.lines).zip(&report.lines).enumerate() {
        let here = i == app.line;
        if here {
            selected_row = out.len();
        }
        let typed = match (&app.typing, here) {
            (Some(Typing::Line(buf)), true) => Some(buf.as_str()),
            _ => None,
        };
        let mut spans = vec![Span::raw(if line.locked { "🔒" } else { "  " })];
        spans.extend(marks(check, typed, spec.chars));
        let text_style = if here {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let (text, style) = match typed {
            Some(buf) => (format!("{buf}▏"), text_style),
            None if check.empty => (
                format!("{}{}", "＿".repeat(spec.chars), spec.punct),
                Style::default().fg(Color::DarkGray),
            ),
            None => (format!("{}{}", line.text.trim(), spec.punct), text_style),
        };
        let text = crate::text_safety::printable_line(&text).into_owned();
        let pad = text_cols.saturating_sub(width(&text)) + 2;
        spans.push(Span::styled(text, style));
        if show_tones && !check.empty && typed.is_none() {
            spans.push(Span::raw(" ".repeat(pad)));
            spans.extend(tones(check));
            if show_pattern {
                let shown = width(&check.check.tones);
                spans.push(Span::raw(" ".repeat(tone_cols.saturating_sub(shown) + 2)));
                spans.push(Span::styled(
                    check.check.prescribed.clone(),
                    Style::default().fg(Color::DarkGray),
                ));
            }
        }
        out.push(Line::from(spans));
        if !check.problems.is_empty() && typed.is_none() {
            let said = format!("↳ {}", check.problems.join("; "));
            for part in wrap(&said, inner.saturating_sub(MARKS).max(10)) {
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(MARKS)),
                    Span::styled(part, Style::default().fg(Color::Red)),
                ]));
            }
        }
    }
    out.push(Line::from(""));
    let legend = if show_pattern {
        "平仄: the line's (red: breaks the form), the form's (· free); 中 either."
    } else if show_tones {
        "平仄 of each character (red: against the form). 中: either."
    } else if report.start.is_some() {
        "(wider terminal: 平仄 of each line)"
    } else {
        "词: the form sets each line's length and rhymes; 平仄 are not checked."
    };
    for part in wrap(legend, inner.max(10)) {
        out.push(Line::styled(part, Style::default().fg(Color::DarkGray)));
    }
    (out, selected_row)
}

/// `7/7 韵✓ an  `: the count (live while typing), the rhyme and the final.
fn marks(line: &PoemLine, typed: Option<&str>, expected: usize) -> Vec<Span<'static>> {
    let count = match typed {
        Some(buf) => poem_line(buf).chars().count(),
        None => line.check.chars,
    };
    let empty = typed.is_none() && line.empty;
    let count_style = if empty {
        Style::default().fg(Color::DarkGray)
    } else if count == expected {
        Style::default().fg(Color::Green)
    } else {
        Style::default().fg(Color::Red)
    };
    // The rhyme's group by name (寒), so a tune that changes rhyme shows
    // which line takes which; 韵 before the rhyme has a group.
    let group = line.check.rhyme_group.map_or("韵", |g| g.name());
    let rhyme = match (line.check.rhymes, empty) {
        (None, _) => Span::raw("   "),
        (Some(_), true) => Span::styled(format!("{group} "), Style::default().fg(Color::DarkGray)),
        (Some(true), false) => Span::styled(format!("{group}✓"), Style::default().fg(Color::Green)),
        (Some(false), false) => Span::styled(format!("{group}✗"), Style::default().fg(Color::Red)),
    };
    let fin = if empty {
        String::new()
    } else {
        line.check.last_final.clone().unwrap_or_else(|| "?".into())
    };
    vec![
        Span::styled(format!("{:>2}/{:<2} ", count, expected), count_style),
        rhyme,
        Span::raw(format!(" {fin:<4} ")),
    ]
}

/// Each character's 平/仄/中: red where it breaks the form, green where the
/// form prescribes a tone and it fits, grey where the form leaves it free.
fn tones(line: &PoemLine) -> Vec<Span<'static>> {
    let prescribed: Vec<char> = line.check.prescribed.chars().collect();
    line.check
        .tones
        .chars()
        .enumerate()
        .map(|(i, mark)| {
            let style = if line.check.tone_misses.contains(&(i + 1)) {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else if prescribed.get(i).is_some_and(|&p| p != '·') {
                Style::default().fg(Color::Green)
            } else {
                Style::default().fg(Color::DarkGray)
            };
            Span::styled(mark.to_string(), style)
        })
        .collect()
}

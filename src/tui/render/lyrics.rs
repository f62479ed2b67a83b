//! The lyrics editor's screen, in the story's layout: one bordered pane
//! with the song (each line with its lock, syllables, rhyme group and
//! whether it rhymes), the status line, the help overlay.

use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{color, help, status};
use crate::lyrics::zh::poem;
use crate::lyrics::{check, Section, Song};
use crate::tui::keys::Mode;
use crate::tui::lyrics::{LyricsApp, Typing};
use crate::tui::wrap::width;

pub fn render(app: &LyricsApp, frame: &mut Frame) {
    if super::too_small(frame) {
        return;
    }
    let area = frame.area();
    let accent = color(&app.config.colors.accent);
    let [main, status_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let inner = main.width.saturating_sub(2) as usize;
    let (lines, selected_row) = match poem::report(app.song()) {
        Some(report) => super::poem::poem_lines(app, &report, inner),
        None => song_lines(app),
    };
    let height = main.height.saturating_sub(2) as usize;
    let scroll = selected_row.saturating_sub(height.saturating_sub(3));
    let song = app.song();
    let kind = match &song.form {
        Some(form) => form.as_str(),
        None => "Lyrics",
    };
    let title = match &app.typing {
        Some(Typing::Title(buf)) => format!(" Title: {buf}▏ "),
        _ if song.title.is_empty() => format!(" {kind}: untitled (t gives a title) "),
        _ => format!(
            " {kind}: {} ",
            crate::text_safety::printable_line(&song.title)
        ),
    };
    // The terminal's cursor where the next character goes (an input
    // method opens its window there): after the text, in display columns.
    let cursor = match &app.typing {
        Some(Typing::Line(_)) => lines
            .get(selected_row)
            .and_then(|l| columns_before_caret(l))
            .map(|x| (x, selected_row.saturating_sub(scroll) as u16 + 1)),
        Some(Typing::Title(_)) => Some((width(&title[..title.len() - "▏ ".len()]), 0)),
        None => None,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(accent))
        .title(title);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(block),
        main,
    );
    if let Some((x, y)) = cursor {
        // x counts from the left border, y from the top one.
        let (x, y) = (main.x as usize + 1 + x, main.y + y);
        if x < (main.x + main.width).saturating_sub(1) as usize && y < main.y + main.height - 1 {
            frame.set_cursor_position((x as u16, y));
        }
    }
    let mut parts = vec![format!(" {} ", app.model_label), "lyrics".to_string()];
    if app.generating() {
        parts.push("writing…".into());
    }
    status::status_line(
        frame,
        status_area,
        &parts.join(" │ "),
        &app.status,
        Mode::Lyrics,
    );
    if app.show_help {
        help::render(Mode::Lyrics, accent, frame, area);
    }
}

/// Display columns before the typing caret (`▏`) of a screen line.
fn columns_before_caret(line: &Line) -> Option<usize> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let at = text.find('▏')?;
    Some(width(&text[..at]))
}

/// The song as screen lines, and the row of the selected line.
fn song_lines(app: &LyricsApp) -> (Vec<Line<'static>>, usize) {
    let song = app.song();
    let headers = song.headers();
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_row = 0;
    for (i, header) in headers.iter().enumerate() {
        let Ok(sec) = song.content(i) else { continue };
        lines.push(section_header(song, i, header, sec, i == app.section));
        let texts = sec.texts();
        let report = check(&texts, &sec.scheme);
        for (j, (l, r)) in sec.lines.iter().zip(&report.lines).enumerate() {
            let here = i == app.section && j == app.line;
            if here {
                selected_row = lines.len();
            }
            let text = match (&app.typing, here) {
                (Some(Typing::Line(buf)), true) => format!("{buf}▏"),
                _ => l.text.clone(),
            };
            let rhyme = match r.rhymes_with_partner {
                Some(true) => Span::styled("✓", Style::default().fg(Color::Green)),
                Some(false) => Span::styled("✗", Style::default().fg(Color::Red)),
                None => Span::raw(" "),
            };
            // The end word is not in the dictionary: rhyme and syllables are guesses.
            let guess = if r.guessed {
                Span::styled("~", Style::default().fg(Color::Yellow))
            } else {
                Span::raw(" ")
            };
            let target = sec.syllable_target.map(usize::from);
            let syl_style = match target {
                Some(t) if t.abs_diff(r.syllables) <= 1 => Style::default().fg(Color::Green),
                Some(_) => Style::default().fg(Color::Yellow),
                None => Style::default(),
            };
            let style = if here {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::raw(if l.locked { "🔒" } else { "  " }),
                Span::styled(format!("{:>2} ", r.syllables), syl_style),
                Span::raw(format!("{} ", r.group.unwrap_or('-'))),
                rhyme,
                guess,
                Span::styled(
                    crate::text_safety::printable_line(&text).into_owned(),
                    style,
                ),
            ]));
        }
        if sec.lines.is_empty() && i == app.section {
            lines.push(Line::styled(
                "  (empty: n writes a line, g a whole section, i types one)",
                Style::default().fg(Color::DarkGray),
            ));
        }
        lines.push(Line::from(""));
    }
    if headers.is_empty() {
        lines.push(Line::from("No sections yet: press a to add a verse."));
    }
    (lines, selected_row)
}

/// `[Chorus] (repeat)  AABB · 8 syllables`: a repeat shows the scheme and
/// target of the section it repeats.
fn section_header(
    song: &Song,
    i: usize,
    header: &str,
    sec: &Section,
    selected: bool,
) -> Line<'static> {
    let syl = sec
        .syllable_target
        .map_or("no target".into(), |t| format!("{t} syllables"));
    let repeat = if song.section(i).is_ok_and(|x| x.repeat_of.is_some()) {
        " (repeat)"
    } else {
        ""
    };
    let mut style = Style::default().fg(Color::Cyan);
    if selected {
        style = style.add_modifier(Modifier::BOLD);
    }
    Line::styled(format!("[{header}]{repeat}  {} · {syl}", sec.scheme), style)
}

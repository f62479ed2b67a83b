//! Panic handling for the TUI: the terminal is restored (by ratatui's hook,
//! which runs first) and the message and a backtrace go to a log file whose
//! path is printed.

use std::io::Write;
use std::path::PathBuf;

pub fn crash_log_path() -> PathBuf {
    let dir = if let Some(d) = std::env::var_os("FABULA_DATA") {
        PathBuf::from(d)
    } else {
        crate::paths::project_dirs()
            .map(|p| p.data_dir().to_path_buf())
            .unwrap_or_else(std::env::temp_dir)
    };
    dir.join("crash.log")
}

/// Installs the logging hook; ratatui::init later wraps it with terminal restore.
pub fn install_panic_log() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let path = crash_log_path();
        let backtrace = std::backtrace::Backtrace::force_capture();
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
            })
            .and_then(|mut f| {
                writeln!(
                    f,
                    "fabula {} crashed: {info}\n{backtrace}\n",
                    env!("CARGO_PKG_VERSION")
                )
            });
        previous(info);
        match written {
            Ok(()) => eprintln!("fabula crashed; the details are in {}", path.display()),
            Err(e) => eprintln!("fabula crashed ({info}); the crash log could not be written: {e}"),
        }
    }));
}

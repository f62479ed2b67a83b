//! fabula: branching interactive fiction, lyrics drafting and transcript
//! review in the terminal, on a character LSTM language model.

pub mod cli;
pub mod config;
pub mod engine;
pub mod fsutil;
pub mod fuzzing;
pub mod history;
pub mod lm;
pub mod lyrics;
pub mod narrator;
pub mod paths;
pub mod review;
pub mod sentiment;
pub mod story;
pub mod text_safety;
pub mod tui;

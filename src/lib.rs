//! fabula: branching interactive fiction, lyrics drafting and transcript
//! review in the terminal, on a character LSTM language model.

pub mod cli;
pub mod lm;
pub mod paths;

//! Reviewing stories: statistics, the sentiment arc, transcripts.

pub mod stats;

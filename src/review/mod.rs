//! Reviewing stories: statistics, the sentiment arc, transcripts.

pub mod branches;
pub mod confidence;
pub mod stats;
pub mod summary;
pub mod transcript;

//! Stories: the branching tree of turns and its saved sessions.

pub mod choices;
pub mod export;
pub mod mood;
pub mod openings;
pub mod prompt;
pub mod provenance;
pub mod replay;
pub mod saver;
pub mod session;
pub mod state_codec;
pub mod tree;
pub mod turns;

pub use mood::Mood;
pub use session::{Session, SessionError};
pub use tree::{NodeId, Role, StoryTree};

//! Chinese lyrics: 诗 and 词 drafted to a form with the Chinese model.
//!
//! * [`pinyin`]: readings, finals, rhyme groups (中华新韵) and 平仄 from the
//!   shipped pinyin table;
//! * [`forms`]: the form table (绝句, 律诗 and 词牌 derived from the corpus);
//! * [`check`]: character counts, rhymes and 平仄 of a poem against its form;
//! * [`compose`]: drafting a poem that meets its form by construction;
//! * [`poem`]: a poem in the lyrics editor (its writing tasks and what each
//!   line shows against the form).

pub mod check;
pub mod compose;
pub mod forms;
pub mod pinyin;
pub mod poem;

pub use check::{check, PoemCheck};
pub use compose::{compose, compose_around, ComposeError, ComposeSettings, Poem};
pub use forms::{Form, FormError, FormKind, FormTable};
pub use pinyin::{PinyinTable, RhymeGroup, Tone};

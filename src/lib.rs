//! TriggerMap: chart myofascial trigger points on anatomical body maps.
//!
//! The library holds everything that is not drawing: the clinical data model ([`model`]), the
//! anatomy atlas ([`atlas`]), the patient-frame geometry ([`geometry`]), edits and undo
//! ([`editing`]), versioned RON files ([`storage`]), visit locks ([`lock`]), crash-recovery copies
//! ([`recovery`]), whether their writer still runs ([`liveness`]), which file a visit path means
//! ([`paths`]), TriggerMap's own folders ([`folders`]), a patient's visits over time
//! ([`history`]), the open visit with every workflow on it ([`session`]), coding suggestions and
//! exports into the patient's record ([`export`]) and the headless commands ([`cli`]). The egui
//! application lives in `ui`, behind the default `gui` cargo feature, and depends on the rest;
//! nothing else depends on `ui`, and without the feature the library and the headless commands
//! build with no egui at all.

pub mod atlas;
pub mod chart_style;
pub mod cli;
pub mod clinicians;
pub mod editing;
pub mod export;
pub mod exporting;
pub mod folders;
pub mod geometry;
pub mod history;
pub mod liveness;
pub mod lock;
pub mod model;
pub mod paths;
pub mod recovery;
pub mod report;
pub mod session;
pub mod storage;
#[cfg(feature = "gui")]
pub mod ui;

pub use atlas::Atlas;
pub use model::{Side, TriggerPoint, View, Visit};

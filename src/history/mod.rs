//! A patient's visits over time: loading a patient folder, following each knot from visit to
//! visit, its history and trend, and comparing two visits.
//!
//! - [`folder`]: a patient is a folder of visit files; [`PatientFolder::open`] loads the good
//!   ones, sorted by date, and lists each bad file with its error. [`RecentPatients`] is the
//!   small list of recently opened patient folders.
//! - [`linking`]: a follow-up visit starts from the previous one ([`start_follow_up`]); points
//!   placed anew are linked automatically to the nearest previous point ([`auto_link_candidate`]);
//!   the clinician can [`link`], [`unlink`] and [`mark_resolved`], each an
//!   [`Edit`](crate::editing::Edit) for the open document.
//! - [`timeline`]: lineage chains become [`Knot`]s with one identity across visits, each with its
//!   [`KnotHistory`], and the patient [`OverviewRow`]s with their [`Trend`].
//! - [`compare`]: two visits, possibly not consecutive, as New / Resolved / Better / Worse /
//!   Unchanged knots ([`Comparison`]).
//! - [`table`]: the same as plain-text tables, for the command line.
//!
//! Nothing here writes a visit file: loading only reads, and the linking rules return edits for
//! the open document (see [`crate::session`]).

pub mod compare;
pub mod folder;
pub mod linking;
pub mod recent;
pub mod table;
pub mod timeline;
pub mod trend;

pub use compare::{
    CompareError, Comparison, ComparisonRow, MatchMethod, PointSnapshot, compare_visits,
};
pub use folder::{BadFile, BadFileError, FileKind, FolderError, LoadedVisit, PatientFolder};
pub use linking::{
    AUTO_LINK_DISTANCE, LinkError, auto_link, auto_link_candidate, link, mark_resolved,
    start_follow_up, unlink,
};
pub use recent::{RecentError, RecentPatient, RecentPatients, config_dir};
pub use table::TextTable;
pub use timeline::{
    History, Knot, KnotHistory, KnotHistoryEntry, KnotId, Occurrence, OverviewRow, VisitInfo,
};
pub use trend::{PAIN_CHANGE, PPT_CHANGE, Trend};

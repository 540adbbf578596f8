//! "Take over the lock?" with a warning that names the holder.

use super::{Reply, buttons};
use crate::lock::Liveness;
use crate::session::{ReadOnly, Session};
use crate::ui::action::Action;
use egui::Ui;

/// The question; who holds the lock is read from the session when shown.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TakeOverLock;

impl TakeOverLock {
    pub(super) fn show(&mut self, ui: &mut Ui, session: &Session) -> Reply {
        ui.heading("Take over the lock?");
        let (holder, liveness) = match session.read_only() {
            Some(ReadOnly::Locked {
                holder, liveness, ..
            }) => (
                holder.map_or(
                    "an instance whose lock file cannot be read".to_owned(),
                    |h| h.to_string(),
                ),
                liveness,
            ),
            _ => return Reply::Close,
        };
        ui.label(format!(
            "This visit is open in another TriggerMap: {holder}."
        ));
        let warning = match liveness {
            Liveness::Running => {
                "That TriggerMap is still running on this computer. If you take over, both of you can save, and one may overwrite the other's work."
            }
            _ => {
                "Take over only if you are sure that TriggerMap is closed (or its computer is off or crashed). If it is still open, both of you can save, and one may overwrite the other's work."
            }
        };
        ui.colored_label(ui.visuals().warn_fg_color, warning);
        match buttons(ui, &["Take over the lock", "Cancel"]) {
            Some(0) => Reply::Answer(Action::TakeOverLock),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}

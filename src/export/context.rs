//! What a printed record of a visit states beside the visit itself: the aftercare instructions
//! printed and the injection sessions of the past 12 months, which come from the clinic's
//! settings and the patient's other visits.

use super::aftercare::{self, AftercareError};
use super::sessions::InjectionSessions;
use crate::atlas::Atlas;
use crate::history::PatientFolder;
use crate::model::Visit;
use std::path::Path;

/// The facts a report of one visit needs from outside its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordContext {
    /// The aftercare instructions printed: those the visit kept when it was signed, else the
    /// clinic's.
    pub aftercare: String,
    /// The injection sessions of the 12 months up to the visit, when it had an injection.
    pub injection_sessions: Option<InjectionSessions>,
}

impl RecordContext {
    /// The context of `visit`, with the clinic's aftercare text and the patient's other visits
    /// (`None`: not known, only the visit itself is counted).
    pub fn new<'a>(
        visit: &Visit,
        clinic_aftercare: &str,
        others: Option<impl IntoIterator<Item = &'a Visit>>,
    ) -> RecordContext {
        let history_known = others.is_some();
        let injection_sessions =
            InjectionSessions::up_to(visit, others.into_iter().flatten(), history_known);
        RecordContext {
            aftercare: visit
                .aftercare
                .clone()
                .unwrap_or_else(|| clinic_aftercare.to_owned()),
            injection_sessions,
        }
    }

    /// The context of a visit read from `file` on the command line: the clinic's aftercare text
    /// from its usual place, and the patient's other visits from the file's folder (a patient is
    /// a folder of visit files). A folder that cannot be read leaves the other visits unknown.
    pub fn for_visit_file(
        visit: &Visit,
        file: &Path,
        atlas: &Atlas,
    ) -> Result<RecordContext, AftercareError> {
        let clinic_aftercare = aftercare::load_default()?;
        let folder = patient_folder_of(file, atlas);
        let others = folder
            .as_ref()
            .map(|folder| folder.visits.iter().map(|loaded| &loaded.visit));
        Ok(RecordContext::new(visit, &clinic_aftercare, others))
    }
}

/// The patient folder a visit file lies in (a patient is a folder of visit files), or `None`
/// when it cannot be read.
pub fn patient_folder_of(file: &Path, atlas: &Atlas) -> Option<PatientFolder> {
    let dir = file.parent()?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    PatientFolder::open(dir, atlas).ok()
}

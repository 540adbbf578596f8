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
    /// The context of `visit`, with the clinic's aftercare text and its injection sessions of
    /// the year ([`InjectionSessions::in_folder`]).
    pub fn new(
        visit: &Visit,
        clinic_aftercare: &str,
        injection_sessions: Option<InjectionSessions>,
    ) -> RecordContext {
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
        let sessions = InjectionSessions::in_folder(visit, folder.as_ref());
        Ok(RecordContext::new(visit, &clinic_aftercare, sessions))
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

//! Writing an export to a file the user named: atomically, `0600` (it holds patient data), never
//! over the visit file it was made from.

use crate::storage::{self, FileError};
use std::path::{Path, PathBuf};

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportFileError {
    /// The file named for the export is the visit file itself.
    #[error("{}: is the visit file itself; the export is not written over it", file.display())]
    IsTheVisitFile {
        /// The file named.
        file: PathBuf,
    },
    /// The export could not be made (its text could not be produced).
    #[error("{}: the export could not be made: {message}", file.display())]
    NotMade {
        /// The file it was for.
        file: PathBuf,
        /// Why.
        message: String,
    },
    /// Writing failed.
    #[error(transparent)]
    File(#[from] FileError),
}

/// Writes `bytes` to `out_file` atomically, unless it is `visit_file` (by path, link or hard link).
pub fn write_export(
    out_file: &Path,
    visit_file: Option<&Path>,
    bytes: &[u8],
) -> Result<(), ExportFileError> {
    if visit_file.is_some_and(|visit| same_file(visit, out_file)) {
        return Err(ExportFileError::IsTheVisitFile {
            file: out_file.to_owned(),
        });
    }
    storage::write_atomically(out_file, bytes)?;
    Ok(())
}

/// Whether two paths name the same existing file (through links too; hard links on unix).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_never_written_over_its_visit_file() {
        let dir = tempfile::tempdir().unwrap();
        let visit = dir.path().join("visit.ron");
        std::fs::write(&visit, "the visit").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&visit, &link).unwrap();
        for target in [&visit, &link] {
            let error = write_export(target, Some(&visit), b"{}").unwrap_err();
            assert!(
                matches!(error, ExportFileError::IsTheVisitFile { .. }),
                "{error}"
            );
        }
        assert_eq!(std::fs::read_to_string(&visit).unwrap(), "the visit");
        let out = dir.path().join("visit.fhir.json");
        write_export(&out, Some(&visit), b"{}").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"{}");
        let error = write_export(&dir.path().join("no/such/dir/x.json"), None, b"{}").unwrap_err();
        assert!(error.to_string().contains("x.json"), "{error}");
    }
}

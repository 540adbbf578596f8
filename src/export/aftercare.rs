//! The clinic's aftercare instructions, printed with a procedure: a plain text file
//! ([`crate::folders::AFTERCARE_FILE`]) in TriggerMap's configuration folder, which the clinic may
//! edit; [`DEFAULT_AFTERCARE`] when there is none.

use crate::storage::{self, FileError};
use std::path::{Path, PathBuf};

/// The instructions used until the clinic writes its own.
pub const DEFAULT_AFTERCARE: &str = "\
After trigger point injection or dry needling

- The treated muscles are often sore for a day or two, like after a hard workout. This is expected.
- Keep moving normally and gently stretch the treated muscles several times a day. Avoid strenuous \
exercise and heavy lifting for 24 to 48 hours.
- Warmth (a warm shower or a heat pack) eases the soreness. A simple pain reliever such as \
acetaminophen (paracetamol) may help; follow the directions on the pack.
- A small bruise or a drop of blood where the needle went in is harmless. Press on it for a few \
minutes.
- If you were given a local anaesthetic, the area may feel numb for a few hours.

Call the clinic if the soreness gets worse after two days or lasts longer than a week, or if the \
site becomes red, hot, swollen or oozes, or if you have a fever.

Seek urgent care (call your local emergency number) if you become short of breath, have chest pain \
or pain on breathing in after treatment near the chest or upper back, or feel faint or weak in an \
arm or a leg.";

/// The aftercare file as read: a few pages of text at most; it may be a link the user made.
const AFTERCARE_KIND: storage::FileKind = storage::FileKind {
    name: "an aftercare text",
    max_bytes: crate::model::MAX_AFTERCARE_BYTES as u64,
    links: storage::Links::Follow,
};

/// Why the aftercare text could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AftercareError {
    /// Reading, writing or creating the folder failed (the error names the file).
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is not UTF-8 text.
    #[error("{file}: not UTF-8 text (the aftercare instructions are a plain text file)")]
    NotText {
        /// The file.
        file: PathBuf,
    },
    /// No configuration folder is known (no home folder).
    #[error("no configuration folder is known for this user")]
    NoConfigDir,
}

/// Reads the aftercare text at `path`: [`DEFAULT_AFTERCARE`] when there is no file, or when it
/// holds only blank space (taken for an accident rather than a wish to give patients nothing).
/// Trailing blank space and Windows line endings are dropped.
pub fn load(path: &Path) -> Result<String, AftercareError> {
    let Some(content) = storage::read_regular_capped(path, AFTERCARE_KIND)? else {
        return Ok(DEFAULT_AFTERCARE.to_owned());
    };
    let text = String::from_utf8(content.bytes).map_err(|_| AftercareError::NotText {
        file: path.to_owned(),
    })?;
    let text = text.replace("\r\n", "\n");
    let text = text.trim_end();
    if text.trim().is_empty() {
        return Ok(DEFAULT_AFTERCARE.to_owned());
    }
    Ok(text.to_owned())
}

/// Writes `text` to `path` atomically and durably, with a final newline, creating its folder and
/// the missing folders above it (`0700`).
pub fn save(path: &Path, text: &str) -> Result<(), AftercareError> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        storage::create_private_dir(parent)?;
    }
    let mut bytes = text.trim_end().replace("\r\n", "\n");
    bytes.push('\n');
    storage::write_atomically(path, bytes.as_bytes())?;
    Ok(())
}

/// The file's usual place: [`crate::folders::aftercare_path`].
pub fn default_path() -> Result<PathBuf, AftercareError> {
    crate::folders::aftercare_path().ok_or(AftercareError::NoConfigDir)
}

/// The clinic's aftercare text from its usual place, or the default.
pub fn load_default() -> Result<String, AftercareError> {
    load(&default_path()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_blank_file_gives_the_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("aftercare.txt");
        assert_eq!(load(&path).expect("missing"), DEFAULT_AFTERCARE);
        std::fs::write(&path, " \n\n").expect("write");
        assert_eq!(load(&path).expect("blank"), DEFAULT_AFTERCARE);
    }

    #[test]
    fn the_default_says_what_to_expect_do_and_when_to_call() {
        for words in [
            "sore for a day or two",
            "stretch",
            "Call the clinic",
            "fever",
        ] {
            assert!(DEFAULT_AFTERCARE.contains(words), "{words}");
        }
    }

    #[test]
    fn saved_text_reads_back_and_creates_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir
            .path()
            .join("config")
            .join("triggermap")
            .join("aftercare.txt");
        let text = "Rest today.\r\nCall 555-0100 if worse.\n\n";
        save(&path, text).expect("save");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "Rest today.\nCall 555-0100 if worse.\n"
        );
        assert_eq!(
            load(&path).expect("load"),
            "Rest today.\nCall 555-0100 if worse."
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path.parent().expect("folder"))
                .expect("folder")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn an_unreadable_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("aftercare.txt");
        std::fs::write(&path, [b'o', b'k', 0xff, 0xfe]).expect("write");
        let error = load(&path).expect_err("not UTF-8").to_string();
        assert!(error.contains("aftercare.txt"), "{error}");
        assert!(error.contains("not UTF-8"), "{error}");

        let folder = dir.path().join("folder.txt");
        std::fs::create_dir(&folder).expect("mkdir");
        let error = load(&folder).expect_err("a folder").to_string();
        assert!(error.contains("folder.txt"), "{error}");
        assert!(error.contains("not a regular file"), "{error}");

        let large = dir.path().join("large.txt");
        std::fs::write(&large, "x".repeat(70 * 1024)).expect("write");
        let error = load(&large).expect_err("too large").to_string();
        assert!(error.contains("large.txt"), "{error}");
        assert!(error.contains("an aftercare text"), "{error}");
    }

    #[test]
    fn a_file_that_cannot_be_written_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "x").expect("write");
        let path = blocker.join("aftercare.txt");
        let error = save(&path, "text")
            .expect_err("parent is a file")
            .to_string();
        assert!(error.contains("not-a-folder"), "{error}");
    }
}

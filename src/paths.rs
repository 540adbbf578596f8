//! Which file a visit path means: the real file behind a symbolic link (saving and locking go
//! there, so that a link is never replaced by a file), and an absolute, canonical path for
//! records that outlive the process and its current folder (recovery files).

use std::path::{Path, PathBuf};

/// How many links in a row are followed before giving up (as the kernel's `ELOOP` limit).
const MAX_LINKS: usize = 40;

/// The file that `path` names once the links at its end are followed: `path` itself if it is
/// not a link (or does not exist), else the link's target, relative to the link's folder,
/// followed again. A link whose target does not exist yet gives that target (saving creates it).
/// Folders along the way are not resolved: writing in them goes to the right place already.
/// An error only for a loop of links or a link that cannot be read.
pub fn resolve_link(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(folder) if target.is_relative() => folder.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row"
    )))
}

/// `path` as an absolute path with every link and `..` resolved, so that it means the same
/// file from any current folder. A file that no longer exists keeps its name in its resolved
/// folder; if the folder is gone too, the path is made absolute against the current folder.
pub fn absolute_canonical(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => std::fs::canonicalize(folder)
            .map(|folder| folder.join(name))
            .unwrap_or(absolute),
        _ => absolute,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_followed_to_the_real_file() {
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("real.ron");
        std::fs::write(&real, "x").expect("write");
        let link = dir.path().join("link.ron");
        symlink("real.ron", &link).expect("relative link");
        let link2 = dir.path().join("link2.ron");
        symlink(&link, &link2).expect("link to a link");
        assert_eq!(resolve_link(&link2).expect("resolve"), real);
        assert_eq!(resolve_link(&real).expect("plain file"), real);
        let dangling = dir.path().join("dangling.ron");
        symlink("later.ron", &dangling).expect("dangling link");
        assert_eq!(
            resolve_link(&dangling).expect("resolve"),
            dir.path().join("later.ron")
        );
        let looped = dir.path().join("loop.ron");
        symlink("loop.ron", &looped).expect("loop");
        assert!(resolve_link(&looped).is_err());
    }

    #[test]
    fn canonical_paths_are_absolute_even_for_a_file_that_is_gone() {
        let dir = tempfile::tempdir().expect("dir");
        let real_dir = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir(real_dir.join("pat")).expect("mkdir");
        let gone = real_dir.join("pat").join("..").join("pat").join("gone.ron");
        assert_eq!(
            absolute_canonical(&gone),
            real_dir.join("pat").join("gone.ron")
        );
        assert!(absolute_canonical(Path::new("pat/visit.ron")).is_absolute());
    }
}

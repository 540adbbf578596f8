//! Where TriggerMap keeps its own files: the one place that knows the configuration folder (the
//! recent-patients list, the clinic's aftercare text) and the data folder (crash-recovery copies)
//! of each platform, through the `directories` crate.
//!
//! | folder | Linux and other Unixes | macOS | Windows |
//! |---|---|---|---|
//! | configuration | `$XDG_CONFIG_HOME/triggermap`, else `~/.config/triggermap` | `~/Library/Application Support/TriggerMap` | `%APPDATA%\TriggerMap\config` |
//! | data | `$XDG_DATA_HOME/triggermap`, else `~/.local/share/triggermap` | `~/Library/Application Support/TriggerMap` | `%LOCALAPPDATA%\TriggerMap\data` |
//!
//! [`DATA_DIR_ENV`] replaces the data folder on every platform. Nothing here creates a folder:
//! those who write create what they need with [`crate::storage::create_private_dir`] (`0700`).

use directories::ProjectDirs;
use std::path::PathBuf;

/// The environment variable that replaces the data folder (recovery files go in its `recovery`
/// subfolder). Only an absolute path counts.
pub const DATA_DIR_ENV: &str = "TRIGGERMAP_DATA_DIR";

/// The file name of the clinic's aftercare instructions (plain text) in [`config_dir`].
pub const AFTERCARE_FILE: &str = "aftercare.txt";

/// The name of the recovery subfolder of the data folder.
pub const RECOVERY_SUBFOLDER: &str = "recovery";

/// The platform's folders for TriggerMap; `None` when no home folder is known.
fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "TriggerMap")
}

/// TriggerMap's configuration folder (see the table above); `None` when no home folder is known.
pub fn config_dir() -> Option<PathBuf> {
    project().map(|p| p.config_dir().to_owned())
}

/// TriggerMap's data folder: `$TRIGGERMAP_DATA_DIR` if it is an absolute path, else the
/// platform's (see the table above, local to the machine on Windows); `None` when neither is known.
pub fn data_dir() -> Option<PathBuf> {
    let from_env = std::env::var_os(DATA_DIR_ENV)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    from_env.or_else(|| project().map(|p| p.data_local_dir().to_owned()))
}

/// The folder of crash-recovery copies: [`RECOVERY_SUBFOLDER`] in [`data_dir`].
pub fn recovery_dir() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join(RECOVERY_SUBFOLDER))
}

/// The clinic's aftercare instructions: [`AFTERCARE_FILE`] in [`config_dir`].
pub fn aftercare_path() -> Option<PathBuf> {
    config_dir().map(|dir| dir.join(AFTERCARE_FILE))
}

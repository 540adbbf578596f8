//! The envelope every TriggerMap file shares: one RON struct whose fields `format` (what kind of
//! file it is) and `version` come first, followed by the body, e.g.
//! `(format: "triggermap-visit", version: 2, visit: (...))`. Visit files, recovery files, the
//! recent-patients list and the atlas are all read here.
//!
//! The file is parsed once: the reader takes `format` and `version` as they come and then
//! deserializes the rest by the rules of that version ([`Enveloped::deserialize_version`]), in the
//! same pass. A foreign or newer file thus gets its own message rather than a parse error deep
//! inside, at the price of one parse. TriggerMap writes `format` and `version` first; a file
//! edited by hand with them elsewhere is read too, with a second pass.

use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A kind of file in the envelope.
pub(crate) trait Enveloped: Sized {
    /// The format name its `format` field carries.
    const FORMAT_NAME: &'static str;

    /// Whether this build reads `version` of this kind of file.
    fn reads(version: u32) -> bool;

    /// Deserializes the whole file by the rules of `version`: `file` yields every field,
    /// `format` and `version` first.
    fn deserialize_version<'de, D: Deserializer<'de>>(
        version: u32,
        file: D,
    ) -> Result<Self, D::Error>;
}

/// Why a text could not be read as a file of some kind.
#[derive(Debug)]
pub(crate) enum EnvelopeError {
    /// The text is not RON of the expected shape.
    Syntax {
        /// The parser's error, with its place.
        error: ron::error::SpannedError,
        /// Whether the file names this kind of file in its `format` field: then the error lies
        /// in a file of this kind, rather than in a foreign file.
        names_format: bool,
    },
    /// The file names another format.
    OtherFormat {
        /// The format name it carries.
        found: String,
    },
    /// The file is of a version this build does not read.
    Version {
        /// Its version.
        found: u32,
    },
}

/// Reads `text` as a file of kind `T`: its version and its body, in one parse.
pub(crate) fn read<T: Enveloped>(text: &str) -> Result<(u32, T), EnvelopeError> {
    let mut stop = None;
    let mut names_format = false;
    let seed = FileSeed::<T> {
        known_version: None,
        stop: &mut stop,
        names_format: &mut names_format,
        kind: PhantomData,
    };
    match ron::Options::default().from_str_seed(text, seed) {
        Ok(read) => Ok(read),
        Err(error) => match stop {
            Some(Stop::OtherFormat(found)) => Err(EnvelopeError::OtherFormat { found }),
            Some(Stop::Version(found)) => Err(EnvelopeError::Version { found }),
            Some(Stop::NotFirst) => read_in_any_order::<T>(text),
            None => Err(EnvelopeError::Syntax {
                error,
                names_format: names_format || text_names_format::<T>(text),
            }),
        },
    }
}

/// Reads a file whose `format` and `version` do not come first: the header, then the file.
fn read_in_any_order<T: Enveloped>(text: &str) -> Result<(u32, T), EnvelopeError> {
    #[derive(Deserialize)]
    struct Header {
        format: String,
        version: u32,
    }
    let header: Header = ron::from_str(text).map_err(|error| EnvelopeError::Syntax {
        error,
        names_format: text_names_format::<T>(text),
    })?;
    if header.format != T::FORMAT_NAME {
        return Err(EnvelopeError::OtherFormat {
            found: header.format,
        });
    }
    if !T::reads(header.version) {
        return Err(EnvelopeError::Version {
            found: header.version,
        });
    }
    let mut stop = None;
    let mut names_format = true;
    let seed = FileSeed::<T> {
        known_version: Some(header.version),
        stop: &mut stop,
        names_format: &mut names_format,
        kind: PhantomData,
    };
    ron::Options::default()
        .from_str_seed(text, seed)
        .map_err(|error| EnvelopeError::Syntax {
            error,
            names_format: true,
        })
}

/// Whether a `format` field of `text` holds `T`'s format name (found by a forgiving scan, for a
/// text that did not parse).
fn text_names_format<T: Enveloped>(text: &str) -> bool {
    let quoted = format!("{:?}", T::FORMAT_NAME);
    super::scan::scan(text).iter().any(|s| {
        s.path == "format"
            && text
                .get(s.start..s.value_end)
                .is_some_and(|v| v.contains(&quoted))
    })
}

/// Why the reader stopped before the body.
enum Stop {
    OtherFormat(String),
    Version(u32),
    /// `format` and `version` are not the first two fields.
    NotFirst,
}

/// Deserializes a whole file of kind `T`. Why it stopped early goes to `stop` (the error it
/// returns then is only a way out of the parser).
struct FileSeed<'s, T> {
    /// The version, when a first pass found it.
    known_version: Option<u32>,
    stop: &'s mut Option<Stop>,
    /// Set once `format` was read and is `T`'s.
    names_format: &'s mut bool,
    kind: PhantomData<T>,
}

impl<'de, T: Enveloped> DeserializeSeed<'de> for FileSeed<'_, T> {
    type Value = (u32, T);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // The name only matters for a file that carries a struct name, which no TriggerMap file
        // does: a format name can never match one, so such a file gets a clear error.
        deserializer.deserialize_struct(T::FORMAT_NAME, &["format", "version"], self)
    }
}

impl<'de, T: Enveloped> Visitor<'de> for FileSeed<'_, T> {
    type Value = (u32, T);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a struct `(format: ..., version: ..., ...)`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let stopped = || <A::Error as de::Error>::custom("stopped before the body");
        if let Some(version) = self.known_version {
            let file = T::deserialize_version(version, MapAccessDeserializer::new(map))?;
            return Ok((version, file));
        }
        if map.next_key_seed(KeyIs("format"))? != Some(true) {
            *self.stop = Some(Stop::NotFirst);
            return Err(stopped());
        }
        let format: String = map.next_value()?;
        if format != T::FORMAT_NAME {
            *self.stop = Some(Stop::OtherFormat(format));
            return Err(stopped());
        }
        *self.names_format = true;
        if map.next_key_seed(KeyIs("version"))? != Some(true) {
            *self.stop = Some(Stop::NotFirst);
            return Err(stopped());
        }
        let version: u32 = map.next_value()?;
        if !T::reads(version) {
            *self.stop = Some(Stop::Version(version));
            return Err(stopped());
        }
        let rest = Replay {
            next: Next::FormatKey,
            format,
            version,
            map,
        };
        let file = T::deserialize_version(version, MapAccessDeserializer::new(rest))?;
        Ok((version, file))
    }
}

/// Deserializes a field name and tells whether it is the one expected.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyIs {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<bool, E> {
        Ok(name == self.0)
    }
}

/// What [`Replay`] yields next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    FormatKey,
    FormatValue,
    VersionKey,
    VersionValue,
    Rest,
}

/// The fields of a file from the start: `format` and `version` as already read, then the rest
/// from the parser.
struct Replay<A> {
    next: Next,
    format: String,
    version: u32,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let name = match self.next {
            Next::FormatKey => "format",
            Next::VersionKey => "version",
            _ => return self.map.next_key_seed(seed),
        };
        self.next = match self.next {
            Next::FormatKey => Next::FormatValue,
            _ => Next::VersionValue,
        };
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.next {
            Next::FormatValue => {
                self.next = Next::VersionKey;
                seed.deserialize(StringDeserializer::new(std::mem::take(&mut self.format)))
            }
            Next::VersionValue => {
                self.next = Next::Rest;
                seed.deserialize(de::value::U32Deserializer::new(self.version))
            }
            _ => self.map.next_value_seed(seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Note {
        format: String,
        version: u32,
        text: String,
    }

    impl Enveloped for Note {
        const FORMAT_NAME: &'static str = "note";
        fn reads(version: u32) -> bool {
            version == 1
        }
        fn deserialize_version<'de, D: Deserializer<'de>>(
            _version: u32,
            file: D,
        ) -> Result<Self, D::Error> {
            Note::deserialize(file)
        }
    }

    fn note(text: &str) -> Note {
        Note {
            format: "note".to_owned(),
            version: 1,
            text: text.to_owned(),
        }
    }

    #[test]
    fn reads_version_and_body_in_any_order() {
        let first = read::<Note>("(format: \"note\", version: 1, text: \"a\")").expect("read");
        assert_eq!(first, (1, note("a")));
        let reordered = read::<Note>("(text: \"b\", version: 1, format: \"note\")").expect("read");
        assert_eq!(reordered, (1, note("b")));
    }

    #[test]
    fn tells_foreign_newer_and_damaged_files_apart() {
        assert!(matches!(
            read::<Note>("(format: \"atlas\", version: 1, text: \"\")"),
            Err(EnvelopeError::OtherFormat { found }) if found == "atlas"
        ));
        assert!(matches!(
            read::<Note>("(format: \"note\", version: 7, text: \"\")"),
            Err(EnvelopeError::Version { found: 7 })
        ));
        assert!(matches!(
            read::<Note>("(format: \"note\", version: 1, text: 3)"),
            Err(EnvelopeError::Syntax {
                names_format: true,
                ..
            })
        ));
        let deep = format!(
            "(format: \"note\", version: 1, text: {})",
            "[".repeat(100_000)
        );
        assert!(matches!(
            read::<Note>(&deep),
            Err(EnvelopeError::Syntax {
                names_format: true,
                ..
            })
        ));
        let deep = format!("(a: {}", "[".repeat(100_000));
        assert!(matches!(
            read::<Note>(&deep),
            Err(EnvelopeError::Syntax { error, .. })
                if error.code == ron::error::Error::ExceededRecursionLimit
        ));
        assert!(matches!(
            read::<Note>("[1, 2]"),
            Err(EnvelopeError::Syntax {
                names_format: false,
                ..
            })
        ));
        let Err(EnvelopeError::Syntax { error, .. }) =
            read::<Note>("(format: \"note\", version: 1, format: \"note\", text: \"\")")
        else {
            panic!("a repeated field is an error");
        };
        assert!(matches!(
            error.code,
            ron::error::Error::DuplicateStructField { .. }
        ));
    }
}

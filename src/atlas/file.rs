//! The atlas file as written in `assets/atlas.ron`: plain serde types, converted by the loader.

use crate::model::PatientPoint;
use crate::model::View;
use crate::storage::envelope::Enveloped;
use serde::{Deserialize, Deserializer, Serialize};

/// The body region a muscle is listed under in the picker (clinical reference G3), in picker order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Group {
    /// Head and jaw: temporalis, masseter, pterygoids, digastric, occipitofrontalis.
    HeadJaw,
    /// Neck.
    Neck,
    /// Shoulder girdle (rotator cuff, deltoid) and chest wall.
    ShoulderChest,
    /// Back: interscapular, thoracic and lumbar muscles.
    Back,
    /// Abdominal wall, iliopsoas and pelvic floor.
    AbdomenPelvis,
    /// Upper arm.
    Arm,
    /// Forearm and hand.
    ForearmHand,
    /// Gluteal region, hip and thigh.
    HipThigh,
    /// Leg (below the knee) and foot.
    LegFoot,
}

impl Group {
    /// Every group, in picker order.
    pub const ALL: [Group; 9] = [
        Group::HeadJaw,
        Group::Neck,
        Group::ShoulderChest,
        Group::Back,
        Group::AbdomenPelvis,
        Group::Arm,
        Group::ForearmHand,
        Group::HipThigh,
        Group::LegFoot,
    ];

    /// The label shown in the picker, e.g. "Shoulder & chest".
    pub fn label(self) -> &'static str {
        match self {
            Group::HeadJaw => "Head & jaw",
            Group::Neck => "Neck",
            Group::ShoulderChest => "Shoulder & chest",
            Group::Back => "Back",
            Group::AbdomenPelvis => "Abdomen & pelvis",
            Group::Arm => "Arm",
            Group::ForearmHand => "Forearm & hand",
            Group::HipThigh => "Hip & thigh",
            Group::LegFoot => "Leg & foot",
        }
    }
}

/// Whether a muscle lies on the surface or under another muscle. Superficial sorts first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// Palpated directly.
    Superficial,
    /// Lies under another muscle (subscapularis, gluteus minimus, ...).
    Deep,
}

/// Whether a muscle is paired or single on the midline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Laterality {
    /// A left and a right muscle, mirror images; authored on the patient's left.
    #[default]
    Bilateral,
    /// One muscle across the midline, authored whole.
    Midline,
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AtlasFile {
    // Checked by the envelope reader, before the rest is read.
    #[allow(dead_code)]
    pub format: String,
    #[allow(dead_code)]
    pub version: u32,
    pub silhouette: Vec<SilhouettePart>,
    /// Orientation cues, never hit-tested (clinical reference G4); optional.
    #[serde(default)]
    pub landmarks: Vec<LandmarkDef>,
    pub muscles: Vec<MuscleDef>,
}

impl Enveloped for AtlasFile {
    const FORMAT_NAME: &'static str = super::FORMAT_NAME;

    fn reads(version: u32) -> bool {
        (1..=super::FORMAT_VERSION).contains(&version)
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        _version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        AtlasFile::deserialize(file)
    }
}

/// One closed part of the body outline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SilhouettePart {
    pub name: String,
    /// The view it belongs to; `None` (the default) for both views.
    #[serde(default)]
    pub view: Option<View>,
    /// Given for the patient's left only and drawn on both sides.
    pub mirrored: bool,
    pub points: Vec<(f32, f32)>,
}

/// One landmark line or small outline on one view.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LandmarkDef {
    pub name: String,
    pub view: View,
    /// Given for the patient's left only and drawn on both sides.
    pub mirrored: bool,
    /// A small closed outline (smoothed) rather than an open line.
    pub closed: bool,
    pub points: Vec<(f32, f32)>,
}

/// One muscle as authored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MuscleDef {
    pub id: String,
    pub name: String,
    pub catalogue: String,
    pub group: Group,
    pub layer: Layer,
    #[serde(default)]
    pub laterality: Laterality,
    pub trigger_points: String,
    pub referred_pain: String,
    /// SNOMED CT body-structure code, only where verified (clinical reference L5).
    #[serde(default)]
    pub snomed: Option<String>,
    /// The muscle it is counted as for procedure coding, when not itself (upper trapezius -> trapezius).
    #[serde(default)]
    pub billing: Option<String>,
    /// Further words the picker's search finds it by ("groin" for iliopsoas).
    #[serde(default)]
    pub search_terms: Vec<String>,
    pub sites: Vec<SiteDef>,
    pub outlines: Vec<OutlineDef>,
}

/// A classic trigger-point site, on the patient's left.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteDef {
    pub label: String,
    pub view: View,
    pub x: f32,
    pub y: f32,
}

/// A muscle's outline on one view: control points of a closed smooth curve, on the patient's left.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutlineDef {
    pub view: View,
    pub points: Vec<(f32, f32)>,
}

/// Converts `(x, y)` pairs to patient-frame points.
pub(super) fn to_points(pairs: &[(f32, f32)]) -> Vec<PatientPoint> {
    pairs
        .iter()
        .map(|&(x, y)| PatientPoint::new(x, y))
        .collect()
}

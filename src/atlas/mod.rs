//! The anatomy atlas: the body silhouette and the muscle regions of both views, loaded from
//! `assets/atlas.ron` and validated at start-up.
//!
//! Muscles are authored once, on the patient's left, in the patient frame of [`crate::geometry`];
//! loading mirrors each bilateral muscle to the right side and smooths every outline into the
//! polygon that is drawn and hit-tested, so drawing and clicking always agree.

mod female;
mod file;
mod landmarks;
mod validate;

pub use female::female_position;
pub use file::{Group, Laterality, Layer};
pub use landmarks::Landmark;
pub use validate::AtlasProblem;

use crate::geometry::{self, Bounds};
use crate::model::{Figure, MuscleId, PatientPoint, Side, View};
use crate::storage;
use crate::storage::envelope::{self, EnvelopeError};
use std::collections::HashMap;
use std::path::Path;

/// The atlas shipped with the app, compiled in so that it is always there.
pub const BUILTIN_ATLAS: &str = include_str!("../../assets/atlas.ron");

/// The name reported for the built-in atlas in error messages.
pub const BUILTIN_ATLAS_NAME: &str = "assets/atlas.ron";

/// The format name that the first field of an atlas file must carry.
pub const FORMAT_NAME: &str = "triggermap-atlas";

/// The atlas format version this build writes into its own atlas and reads. Version 2 added the
/// landmark layer, per-view silhouette parts, search terms and list-only muscles; version 1 is
/// read too (it is a subset).
pub const FORMAT_VERSION: u32 = 2;

/// How near a click must be to a classic site of a deep muscle for that muscle to be offered first:
/// 0.006 of height, about 1 cm at 175 cm (clinical reference G5).
pub const DEEP_SITE_REACH: f32 = 0.006;

/// An atlas file as read from disk.
const ATLAS_FILE: storage::FileKind = storage::FileKind {
    name: "an atlas file",
    max_bytes: storage::MAX_FILE_BYTES,
    links: storage::Links::Follow,
};

/// Why an atlas could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum AtlasError {
    /// The file is not valid RON of the atlas shape.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The atlas file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file parsed but its content is wrong.
    #[error("{file}: {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The atlas file.
        file: String,
        /// Everything found wrong.
        problems: Vec<AtlasProblem>,
    },
}

/// A closed smooth outline, ready to draw and hit-test.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The smoothed outline.
    pub polygon: Vec<PatientPoint>,
    /// Triangles filling it: indices into `polygon`, three per triangle.
    pub triangles: Vec<u32>,
    /// Its bounding box.
    pub bounds: Bounds,
    /// Its area, in squared fractions of height.
    pub area: f32,
}

impl Shape {
    /// Smooths `control` points into a shape.
    pub fn from_control_points(control: &[PatientPoint]) -> Self {
        let polygon = geometry::smooth_closed(control);
        let triangles = geometry::triangulate(&polygon);
        let bounds = Bounds::of(&polygon);
        let area = geometry::signed_area(&polygon).abs();
        Shape {
            polygon,
            triangles,
            bounds,
            area,
        }
    }

    /// Whether `p` lies inside.
    pub fn contains(&self, p: PatientPoint) -> bool {
        self.bounds.contains(p, 0.0) && geometry::contains(&self.polygon, p)
    }

    /// The distance from `p` to the outline (0 inside is not implied: this is to the edge).
    pub fn distance_to_edge(&self, p: PatientPoint) -> f32 {
        geometry::distance_to_outline(&self.polygon, p)
    }
}

/// A classic trigger-point site of a muscle, on the patient's left (mirror it for the right).
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Its label, e.g. "TrP1" or "clavicular".
    pub label: String,
    /// The view it is palpated on (a head-profile site is given on the left profile and holds
    /// on both).
    pub view: View,
    /// Where: on the patient's left on the front and back; in the profile frame on a profile.
    pub pos: PatientPoint,
}

/// A muscle of the catalogue (section D of the clinical reference).
#[derive(Clone, Debug)]
pub struct Muscle {
    /// Its id, e.g. `upper_trapezius`.
    pub id: MuscleId,
    /// Its display name.
    pub name: String,
    /// Its id in the clinical reference's catalogue, e.g. "N1".
    pub catalogue: String,
    /// Body region group.
    pub group: Group,
    /// Superficial or deep (under another muscle).
    pub layer: Layer,
    /// Bilateral (a left and a right region) or on the midline.
    pub laterality: Laterality,
    /// Where its classic trigger points lie, as reference text.
    pub trigger_points: String,
    /// Its referred-pain zone, as reference text.
    pub referred_pain: String,
    /// Its classic trigger-point sites on the patient's left.
    pub sites: Vec<Site>,
    /// The views it is drawn on; empty for a list-only muscle (clinical reference H6), which is
    /// chartable from the list but has no region.
    pub views: Vec<View>,
    /// Its SNOMED CT body-structure code, only where verified (clinical reference L5).
    pub snomed: Option<String>,
    /// The anatomical muscle it is counted as for procedure coding (`trapezius` for its three parts).
    pub billing_key: String,
    /// Further words it is found by in a search, besides its name and group ("groin" for iliopsoas).
    pub search_terms: Vec<String>,
}

impl Muscle {
    /// Whether a picker search for `query` finds it: the query (case-insensitive, trimmed) is part of
    /// its name, its group's label or one of its search terms. An empty query finds every muscle.
    pub fn matches_search(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || self.name.to_lowercase().contains(&query)
            || self.group.label().to_lowercase().contains(&query)
            || self
                .search_terms
                .iter()
                .any(|term| term.to_lowercase().contains(&query))
    }

    /// The sides it has (regions for, when it is drawn).
    pub fn sides(&self) -> &'static [Side] {
        sides_of(self.laterality)
    }

    /// Whether it is in the catalogue without being drawn on any view (clinical reference H6).
    pub fn is_list_only(&self) -> bool {
        self.views.is_empty()
    }
}

/// Index of a region in [`Atlas::regions`].
pub type RegionIndex = usize;

/// One clickable region: a muscle, on one side, on one view.
#[derive(Clone, Debug)]
pub struct Region {
    /// Index of the muscle in [`Atlas::muscles`].
    pub muscle: usize,
    /// The patient's side.
    pub side: Side,
    /// The view it is drawn on.
    pub view: View,
    /// Its outline.
    pub shape: Shape,
    /// Where its label goes: the centroid of its outline.
    pub anchor: PatientPoint,
}

/// The loaded, validated atlas.
#[derive(Clone, Debug)]
pub struct Atlas {
    muscles: Vec<Muscle>,
    regions: Vec<Region>,
    silhouette: Vec<Shape>,
    /// The view of each part of `silhouette`; `None` for both.
    silhouette_views: Vec<Option<View>>,
    landmarks: Vec<Landmark>,
    by_id: HashMap<MuscleId, usize>,
}

impl crate::model::KnownMuscles for Atlas {
    fn knows_muscle(&self, id: &MuscleId) -> bool {
        self.muscle(id).is_some()
    }
}

impl Atlas {
    /// The atlas compiled into the app.
    pub fn builtin() -> Result<Atlas, AtlasError> {
        Atlas::parse(BUILTIN_ATLAS, BUILTIN_ATLAS_NAME)
    }

    /// Reads and validates an atlas file.
    pub fn load(path: &Path) -> Result<Atlas, AtlasError> {
        let name = path.display().to_string();
        let cannot_read = |message: String| AtlasError::Syntax {
            file: name.clone(),
            line: 0,
            column: 0,
            message,
        };
        let content = storage::read_regular_capped(path, ATLAS_FILE)
            .map_err(|e| cannot_read(format!("cannot read: {e}")))?
            .ok_or_else(|| cannot_read("cannot read: no such file".to_owned()))?;
        let text = String::from_utf8(content.bytes)
            .map_err(|_| cannot_read("not UTF-8 text".to_owned()))?;
        Atlas::parse(&text, &name)
    }

    /// Parses and validates atlas text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Atlas, AtlasError> {
        let invalid = |message: String| AtlasError::Invalid {
            file: file.to_owned(),
            problems: vec![AtlasProblem {
                subject: "file".to_owned(),
                message,
            }],
        };
        let raw: file::AtlasFile = match envelope::read(text) {
            Ok((_, raw)) => raw,
            Err(EnvelopeError::Syntax { error, .. }) => {
                return Err(AtlasError::Syntax {
                    file: file.to_owned(),
                    line: error.span.start.line,
                    column: error.span.start.col,
                    message: error.code.to_string(),
                });
            }
            Err(EnvelopeError::OtherFormat { found }) => {
                return Err(invalid(format!(
                    "format is {found:?}, expected {FORMAT_NAME:?}"
                )));
            }
            Err(EnvelopeError::Version { found }) => {
                return Err(invalid(format!(
                    "version {found} is not one this TriggerMap reads (1 to {FORMAT_VERSION})"
                )));
            }
        };
        let problems = validate::validate(&raw);
        if !problems.is_empty() {
            return Err(AtlasError::Invalid {
                file: file.to_owned(),
                problems,
            });
        }
        Ok(Atlas::build(raw))
    }

    fn build(raw: file::AtlasFile) -> Atlas {
        let mut silhouette = Vec::new();
        let mut silhouette_views = Vec::new();
        for part in &raw.silhouette {
            let control = file::to_points(&part.points);
            if part.mirrored {
                let mirrored: Vec<_> = control.iter().map(|p| p.mirrored()).collect();
                silhouette.push(Shape::from_control_points(&mirrored));
                silhouette_views.push(part.view);
            }
            silhouette.push(Shape::from_control_points(&control));
            silhouette_views.push(part.view);
        }

        let landmarks = landmarks::build(&raw.landmarks);

        let mut muscles = Vec::new();
        let mut regions = Vec::new();
        for (index, def) in raw.muscles.into_iter().enumerate() {
            for outline in &def.outlines {
                let control = file::to_points(&outline.points);
                for &side in sides_of(def.laterality) {
                    let (view, control): (View, Vec<_>) = match (outline.view, side) {
                        // A profile outline is the same on both profiles: each profile shows
                        // one side, and the drawing faces the other way (see `to_diagram`).
                        (View::LeftProfile, Side::Right) => (View::RightProfile, control.clone()),
                        (view, Side::Right) => {
                            (view, control.iter().map(|p| p.mirrored()).collect())
                        }
                        (view, Side::Left | Side::Midline) => (view, control.clone()),
                    };
                    let shape = Shape::from_control_points(&control);
                    let anchor = geometry::centroid(&shape.polygon);
                    regions.push(Region {
                        muscle: index,
                        side,
                        view,
                        shape,
                        anchor,
                    });
                }
            }
            let mut views: Vec<View> = def.outlines.iter().map(|o| o.view).collect();
            if views.contains(&View::LeftProfile) {
                views.push(View::RightProfile);
            }
            views.sort();
            views.dedup();
            let billing_key = def.billing.clone().unwrap_or_else(|| def.id.clone());
            muscles.push(Muscle {
                id: MuscleId(def.id),
                name: def.name,
                catalogue: def.catalogue,
                group: def.group,
                layer: def.layer,
                laterality: def.laterality,
                trigger_points: def.trigger_points,
                referred_pain: def.referred_pain,
                snomed: def.snomed,
                billing_key,
                search_terms: def.search_terms,
                sites: def
                    .sites
                    .into_iter()
                    .map(|s| Site {
                        label: s.label,
                        view: s.view,
                        pos: PatientPoint::new(s.x, s.y),
                    })
                    .collect(),
                views,
            });
        }
        let by_id = muscles
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        Atlas {
            muscles,
            regions,
            silhouette,
            silhouette_views,
            landmarks,
            by_id,
        }
    }

    /// All muscles, in catalogue order.
    pub fn muscles(&self) -> &[Muscle] {
        &self.muscles
    }

    /// All regions: every muscle on each of its sides and views.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Every part of the silhouette (both sides) of every view. The front and back heads differ
    /// (no chin from behind); drawn together they look like the front head, so to draw one view
    /// use [`Atlas::silhouette_on`].
    pub fn silhouette(&self) -> &[Shape] {
        &self.silhouette
    }

    /// The silhouette's parts (both sides) drawn on `view`.
    pub fn silhouette_on(&self, view: View) -> impl Iterator<Item = &Shape> {
        self.silhouette
            .iter()
            .zip(&self.silhouette_views)
            // A part for no view in particular is of the whole body (front and back).
            .filter(move |(_, v)| v.map_or(view.is_body(), |v| v == view.authored()))
            .map(|(shape, _)| shape)
    }

    /// Whether `p` lies inside the body outline of `view`.
    pub fn inside_body_on(&self, view: View, p: PatientPoint) -> bool {
        self.silhouette_on(view).any(|s| s.contains(p))
    }

    /// The landmark layer of both views (clinical reference G4): faint lines and small outlines
    /// in the patient frame, each mirrored one on both sides, drawn under the muscles and never
    /// hit-tested.
    pub fn landmarks(&self) -> &[Landmark] {
        &self.landmarks
    }

    /// The landmarks drawn on `view`.
    pub fn landmarks_on(&self, view: View) -> impl Iterator<Item = &Landmark> {
        self.landmarks
            .iter()
            .filter(move |l| l.view == view.authored())
    }

    /// The muscle with this id.
    pub fn muscle(&self, id: &MuscleId) -> Option<&Muscle> {
        self.by_id.get(id).map(|&i| &self.muscles[i])
    }

    /// The muscle a region belongs to.
    pub fn muscle_of(&self, region: &Region) -> &Muscle {
        &self.muscles[region.muscle]
    }

    /// The display name of a muscle id, or the id itself if the atlas does not know it.
    pub fn muscle_name<'a>(&'a self, id: &'a MuscleId) -> &'a str {
        self.muscle(id).map_or(id.as_str(), |m| m.name.as_str())
    }

    /// This atlas on `figure`: itself on the male figure; on the female figure every outline,
    /// site, landmark and the silhouette moved by [`female::female_position`], with the breast
    /// contour added to the landmarks. The muscles, their ids and their sites' labels are the
    /// same on both.
    pub fn for_figure(&self, figure: Figure) -> Atlas {
        match figure {
            Figure::Male => self.clone(),
            Figure::Female => female::female_atlas(self),
        }
    }

    /// Whether `p` lies inside the body outline of some view.
    pub fn inside_body(&self, p: PatientPoint) -> bool {
        self.silhouette.iter().any(|s| s.contains(p))
    }

    /// Every region of `view` under `p`, the best candidate first: superficial muscles before
    /// deep ones, and the smaller (more specific) region first within a layer; except that within
    /// [`DEEP_SITE_REACH`] of a classic site of a deep muscle under `p` (same view and side), that
    /// muscle comes first (clinical reference G5). The nearest site decides; on an exact tie with a
    /// superficial muscle's site, the superficial order stands.
    pub fn regions_at(&self, view: View, p: PatientPoint) -> Vec<RegionIndex> {
        let mut hits: Vec<RegionIndex> = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.view == view && r.shape.contains(p))
            .map(|(i, _)| i)
            .collect();
        hits.sort_by(|&a, &b| {
            let (ra, rb) = (&self.regions[a], &self.regions[b]);
            let layer = |r: &Region| self.muscles[r.muscle].layer;
            layer(ra)
                .cmp(&layer(rb))
                .then(ra.shape.area.total_cmp(&rb.shape.area))
        });
        if let Some(at) = self.nearest_site_hit(&hits, p) {
            let region = &self.regions[hits[at]];
            if self.muscles[region.muscle].layer == Layer::Deep {
                let deep = hits.remove(at);
                hits.insert(0, deep);
            }
        }
        hits
    }

    /// The position in `hits` (sorted best first) of the region with a classic site nearest to `p`
    /// and within [`DEEP_SITE_REACH`]; the earlier region on a tie.
    fn nearest_site_hit(&self, hits: &[RegionIndex], p: PatientPoint) -> Option<usize> {
        let mut best: Option<(f32, usize)> = None;
        for (at, &index) in hits.iter().enumerate() {
            let region = &self.regions[index];
            for site in self.muscles[region.muscle].sites.iter() {
                if site.view != region.view.authored() {
                    continue;
                }
                let pos = match region.side {
                    Side::Right if region.view.is_body() => site.pos.mirrored(),
                    _ => site.pos,
                };
                let distance = (pos.x - p.x).hypot(pos.y - p.y);
                if distance <= DEEP_SITE_REACH && best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, at));
                }
            }
        }
        best.map(|(_, at)| at)
    }

    /// The regions of `view` nearest to `p`, nearest first, with their distance to `p`
    /// (at most `count` of them).
    pub fn nearest_regions(
        &self,
        view: View,
        p: PatientPoint,
        count: usize,
    ) -> Vec<(RegionIndex, f32)> {
        let mut all: Vec<(RegionIndex, f32)> = self
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.view == view)
            .map(|(i, r)| {
                let d = if r.shape.contains(p) {
                    0.0
                } else {
                    r.shape.distance_to_edge(p)
                };
                (i, d)
            })
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all.truncate(count);
        all
    }

    /// The region of `muscle` on `side` and `view`, if the atlas draws it there.
    pub fn region_of(&self, muscle: &MuscleId, side: Side, view: View) -> Option<RegionIndex> {
        let m = *self.by_id.get(muscle)?;
        self.regions
            .iter()
            .position(|r| r.muscle == m && r.side == side && r.view == view)
    }

    /// "Upper trapezius (L)" for a region.
    pub fn region_label(&self, region: RegionIndex) -> String {
        let r = &self.regions[region];
        format!("{} ({})", self.muscles[r.muscle].name, r.side.letter())
    }
}

impl crate::model::MuscleNames for Atlas {
    fn muscle_name<'a>(&'a self, id: &'a MuscleId) -> &'a str {
        Atlas::muscle_name(self, id)
    }
}

fn sides_of(laterality: Laterality) -> &'static [Side] {
    match laterality {
        Laterality::Bilateral => &[Side::Left, Side::Right],
        Laterality::Midline => &[Side::Midline],
    }
}

//! Procedure and diagnosis coding suggestions for a visit (clinical reference L1 and L2).
//!
//! [`suggest_coding`] is a pure function of the visit and the atlas. CPT codes count distinct
//! muscles and sides, never points: "muscle" is the atlas billing key (the three trapezius parts
//! are one trapezius, the two SCM divisions one sternocleidomastoid), and left and right are two
//! muscles. A treated point without a muscle blocks its family's code rather than letting it come
//! out too low. Everything here is a suggestion that the clinician confirms.

use crate::atlas::{Atlas, Laterality};
use crate::model::{MuscleId, Procedure, Side, Status, TriggerPoint, Visit};
use std::fmt;

/// The two needle procedures that CPT codes by the number of muscles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NeedleFamily {
    /// Trigger point injection: 20552 / 20553.
    Injection,
    /// Dry needling (needle insertion without injection): 20560 / 20561.
    DryNeedling,
}

impl NeedleFamily {
    /// Whether `procedure` belongs to this family.
    pub fn includes(self, procedure: &Procedure) -> bool {
        matches!(
            (self, procedure),
            (NeedleFamily::Injection, Procedure::Injection { .. })
                | (NeedleFamily::DryNeedling, Procedure::DryNeedling { .. })
        )
    }

    /// Whether some point of `visit` was treated with this family.
    pub fn used_in(self, visit: &Visit) -> bool {
        visit
            .points
            .iter()
            .any(|p| p.treatments.iter().any(|t| self.includes(&t.procedure)))
    }

    /// The family of `procedure`, if it is a needle procedure.
    pub fn of(procedure: &Procedure) -> Option<NeedleFamily> {
        match procedure {
            Procedure::Injection { .. } => Some(NeedleFamily::Injection),
            Procedure::DryNeedling { .. } => Some(NeedleFamily::DryNeedling),
            Procedure::ManualTherapy { .. } | Procedure::Other { .. } => None,
        }
    }

    /// "Trigger point injection" or "Dry needling".
    pub fn label(self) -> &'static str {
        match self {
            NeedleFamily::Injection => "Trigger point injection",
            NeedleFamily::DryNeedling => "Dry needling",
        }
    }

    /// The code for `muscles` distinct muscles and sides; `None` for none.
    pub fn code_for(self, muscles: usize) -> Option<CptCode> {
        match (self, muscles) {
            (_, 0) => None,
            (NeedleFamily::Injection, 1..=2) => Some(CptCode::Tpi1Or2Muscles),
            (NeedleFamily::Injection, _) => Some(CptCode::Tpi3OrMoreMuscles),
            (NeedleFamily::DryNeedling, 1..=2) => Some(CptCode::DryNeedling1Or2Muscles),
            (NeedleFamily::DryNeedling, _) => Some(CptCode::DryNeedling3OrMoreMuscles),
        }
    }
}

/// A CPT code of clinical reference L1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CptCode {
    /// 20552: trigger point injection(s), 1 or 2 muscles.
    Tpi1Or2Muscles,
    /// 20553: trigger point injection(s), 3 or more muscles.
    Tpi3OrMoreMuscles,
    /// 20560: needle insertion(s) without injection(s), 1 or 2 muscles.
    DryNeedling1Or2Muscles,
    /// 20561: needle insertion(s) without injection(s), 3 or more muscles.
    DryNeedling3OrMoreMuscles,
}

impl CptCode {
    /// All four, in code order.
    pub const ALL: [CptCode; 4] = [
        CptCode::Tpi1Or2Muscles,
        CptCode::Tpi3OrMoreMuscles,
        CptCode::DryNeedling1Or2Muscles,
        CptCode::DryNeedling3OrMoreMuscles,
    ];

    /// The code written as `code`, if it is one of the four.
    pub fn parse(code: &str) -> Option<CptCode> {
        CptCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The code: "20552", "20553", "20560" or "20561".
    pub fn code(self) -> &'static str {
        match self {
            CptCode::Tpi1Or2Muscles => "20552",
            CptCode::Tpi3OrMoreMuscles => "20553",
            CptCode::DryNeedling1Or2Muscles => "20560",
            CptCode::DryNeedling3OrMoreMuscles => "20561",
        }
    }

    /// Its descriptor, shortened from the CPT text.
    pub fn descriptor(self) -> &'static str {
        match self {
            CptCode::Tpi1Or2Muscles => {
                "Injection(s), single or multiple trigger point(s), 1 or 2 muscle(s)"
            }
            CptCode::Tpi3OrMoreMuscles => {
                "Injection(s), single or multiple trigger point(s), 3 or more muscles"
            }
            CptCode::DryNeedling1Or2Muscles => {
                "Needle insertion(s) without injection(s), 1 or 2 muscle(s)"
            }
            CptCode::DryNeedling3OrMoreMuscles => {
                "Needle insertion(s) without injection(s), 3 or more muscles"
            }
        }
    }
}

impl fmt::Display for CptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One muscle and side counted for a CPT code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedMuscle {
    /// The billing key it is counted as, e.g. `trapezius`.
    pub billing_key: String,
    /// Its name: the atlas name when one region was treated, else the billing key as words
    /// ("Trapezius").
    pub name: String,
    /// The atlas regions treated under this key, by name ("Upper trapezius", "Lower trapezius").
    pub parts: Vec<String>,
    /// The side counted; a midline muscle counts once, as `Midline`.
    pub side: Side,
    /// The chart numbers (1-based) of the points treated in it.
    pub points: Vec<usize>,
}

impl CountedMuscle {
    /// "Left trapezius (upper trapezius, lower trapezius): points 1, 4": side, name, the
    /// regions counted under it when more than one, and the points.
    pub fn describe(&self) -> String {
        let parts = if self.parts.len() > 1 {
            let parts: Vec<String> = self.parts.iter().map(|p| lowercase_first(p)).collect();
            format!(" ({})", parts.join(", "))
        } else {
            String::new()
        };
        format!(
            "{} {}{parts}: {} {}",
            self.side.label(),
            lowercase_first(&self.name),
            if self.points.len() == 1 {
                "point"
            } else {
                "points"
            },
            join_numbers(&self.points)
        )
    }
}

/// The suggestion for one needle family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FamilyCoding {
    /// A code, with the muscles counted for it (at least one).
    Code {
        /// The suggested code.
        code: CptCode,
        /// The distinct muscles and sides counted, in chart order of their first point.
        muscles: Vec<CountedMuscle>,
    },
    /// No code: points treated with this family have no muscle.
    Blocked {
        /// Their chart numbers (1-based).
        unassigned_points: Vec<usize>,
    },
}

impl FamilyCoding {
    /// The suggested code, if not blocked.
    pub fn code(&self) -> Option<CptCode> {
        match self {
            FamilyCoding::Code { code, .. } => Some(*code),
            FamilyCoding::Blocked { .. } => None,
        }
    }

    /// One line for the clinician: the code and what was counted, or why there is none.
    pub fn message(&self) -> String {
        match self {
            FamilyCoding::Code { code, muscles } => format!(
                "{code} ({}): {} counted: {}",
                code.descriptor(),
                plural(muscles.len(), "muscle", "muscles"),
                muscles
                    .iter()
                    .map(CountedMuscle::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            FamilyCoding::Blocked { unassigned_points } => format!(
                "no code: assign a muscle to {} {} before coding",
                if unassigned_points.len() == 1 {
                    "point"
                } else {
                    "points"
                },
                join_numbers(unassigned_points)
            ),
        }
    }
}

/// An ICD-10-CM myalgia code of clinical reference L2. The header M79.1 is not billable and is
/// never suggested, and fibromyalgia (M79.7) only ever comes from the clinician, so neither is here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IcdCode {
    /// M79.10: myalgia, unspecified site (a point with no muscle).
    M79_10,
    /// M79.11: myalgia of mastication muscle.
    M79_11,
    /// M79.12: myalgia of auxiliary muscles, head and neck.
    M79_12,
    /// M79.18: myalgia, other site.
    M79_18,
}

impl IcdCode {
    /// All four, in code order.
    pub const ALL: [IcdCode; 4] = [
        IcdCode::M79_10,
        IcdCode::M79_11,
        IcdCode::M79_12,
        IcdCode::M79_18,
    ];

    /// The code written as `code`, if it is one of the four.
    pub fn parse(code: &str) -> Option<IcdCode> {
        IcdCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The code as written: "M79.12".
    pub fn code(self) -> &'static str {
        match self {
            IcdCode::M79_10 => "M79.10",
            IcdCode::M79_11 => "M79.11",
            IcdCode::M79_12 => "M79.12",
            IcdCode::M79_18 => "M79.18",
        }
    }

    /// Its ICD-10-CM title.
    pub fn title(self) -> &'static str {
        match self {
            IcdCode::M79_10 => "Myalgia, unspecified site",
            IcdCode::M79_11 => "Myalgia of mastication muscle",
            IcdCode::M79_12 => "Myalgia of auxiliary muscles, head and neck",
            IcdCode::M79_18 => "Myalgia, other site",
        }
    }

    /// The code for a point in `muscle` (`None`: no muscle), by the default mapping of L2.
    /// Keyed on muscle ids rather than atlas groups, so that regrouping the atlas changes nothing.
    pub fn for_muscle(muscle: Option<&MuscleId>) -> IcdCode {
        let Some(muscle) = muscle else {
            return IcdCode::M79_10;
        };
        if MASTICATION_MUSCLES.contains(&muscle.as_str()) {
            IcdCode::M79_11
        } else if HEAD_AND_NECK_AUXILIARY_MUSCLES.contains(&muscle.as_str()) {
            IcdCode::M79_12
        } else {
            IcdCode::M79_18
        }
    }
}

impl fmt::Display for IcdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The muscles of mastication (M79.11).
pub const MASTICATION_MUSCLES: [&str; 4] = [
    "temporalis",
    "masseter",
    "lateral_pterygoid",
    "medial_pterygoid",
];

/// The auxiliary muscles of head and neck (M79.12): the atlas's neck muscles, digastric and
/// occipitofrontalis (L2; which muscles count as "auxiliary" is coder judgement).
pub const HEAD_AND_NECK_AUXILIARY_MUSCLES: [&str; 11] = [
    "upper_trapezius",
    "levator_scapulae",
    "scm_sternal",
    "scm_clavicular",
    "scalenes",
    "splenius_capitis",
    "splenius_cervicis",
    "suboccipitals",
    "posterior_cervical",
    "digastric",
    "occipitofrontalis",
];

/// One suggested diagnosis code and the points it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcdSuggestion {
    /// The code.
    pub code: IcdCode,
    /// The muscles and sides behind it, as "Right upper trapezius", in chart order.
    pub sites: Vec<String>,
    /// The chart numbers (1-based) of the points behind it.
    pub points: Vec<usize>,
}

/// The coding suggestion for a visit: a CPT code per needle family used, and ICD-10-CM codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodingSuggestion {
    /// Trigger point injection, if any point was injected.
    pub injection: Option<FamilyCoding>,
    /// Dry needling, if any point was needled.
    pub dry_needling: Option<FamilyCoding>,
    /// Diagnosis codes, in code order; empty when no point was found at this visit.
    pub diagnoses: Vec<IcdSuggestion>,
}

impl CodingSuggestion {
    /// Both injections and dry needling at one visit: both codes are suggested, and a coder
    /// should look at them (payers differ on billing both on one day).
    pub fn needs_review(&self) -> bool {
        self.injection.is_some() && self.dry_needling.is_some()
    }

    /// The suggestion for `family`, if it was used.
    pub fn family(&self, family: NeedleFamily) -> Option<&FamilyCoding> {
        match family {
            NeedleFamily::Injection => self.injection.as_ref(),
            NeedleFamily::DryNeedling => self.dry_needling.as_ref(),
        }
    }

    /// The suggestion as lines of text for the clinician (app, report, command line).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for family in [NeedleFamily::Injection, NeedleFamily::DryNeedling] {
            if let Some(coding) = self.family(family) {
                lines.push(format!("{}: CPT {}", family.label(), coding.message()));
            }
        }
        if self.injection.is_none() && self.dry_needling.is_none() {
            lines.push("No injection or dry needling: no CPT code".to_owned());
        }
        if self.needs_review() {
            lines.push(
                "Review: injections and dry needling at the same visit; confirm with the \
                 practice's coder that both are billed"
                    .to_owned(),
            );
        }
        for diagnosis in &self.diagnoses {
            lines.push(format!(
                "ICD-10-CM {} ({}): {}",
                diagnosis.code,
                diagnosis.code.title(),
                diagnosis.sites.join("; ")
            ));
        }
        lines.push("Suggestions only: the clinician confirms every code.".to_owned());
        lines
    }
}

/// The coding suggestion for `visit` (clinical reference L1 and L2).
///
/// CPT: for each needle family used, the distinct (billing key, side) pairs of the points treated
/// with it, counted 0 → no code, 1–2 → 20552 / 20560, 3 or more → 20553 / 20561; a point of a
/// midline muscle counts once whatever side it was charted on. ICD-10-CM: one code per distinct
/// site class of the points found at this visit (every point but those resolved or still to
/// re-examine, unless treated).
pub fn suggest_coding(visit: &Visit, atlas: &Atlas) -> CodingSuggestion {
    CodingSuggestion {
        injection: family_coding(visit, atlas, NeedleFamily::Injection),
        dry_needling: family_coding(visit, atlas, NeedleFamily::DryNeedling),
        diagnoses: diagnoses(visit, atlas),
    }
}

fn family_coding(visit: &Visit, atlas: &Atlas, family: NeedleFamily) -> Option<FamilyCoding> {
    let mut treated = visit
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.treatments.iter().any(|t| family.includes(&t.procedure)))
        .peekable();
    treated.peek()?;
    let mut muscles: Vec<CountedMuscle> = Vec::new();
    let mut unassigned = Vec::new();
    for (index, point) in treated {
        let number = index + 1;
        let Some(id) = &point.muscle else {
            unassigned.push(number);
            continue;
        };
        let (billing_key, part) = match atlas.muscle(id) {
            Some(muscle) => (muscle.billing_key.clone(), muscle.name.clone()),
            None => (id.as_str().to_owned(), id.as_str().to_owned()),
        };
        let side = counted_side(point, atlas);
        match muscles
            .iter_mut()
            .find(|m| m.billing_key == billing_key && m.side == side)
        {
            Some(counted) => {
                counted.points.push(number);
                if !counted.parts.contains(&part) {
                    counted.parts.push(part);
                }
            }
            None => muscles.push(CountedMuscle {
                billing_key,
                name: String::new(),
                parts: vec![part],
                side,
                points: vec![number],
            }),
        }
    }
    if !unassigned.is_empty() {
        return Some(FamilyCoding::Blocked {
            unassigned_points: unassigned,
        });
    }
    for counted in &mut muscles {
        counted.name = match counted.parts.as_slice() {
            [only] => only.clone(),
            _ => words_of(&counted.billing_key),
        };
    }
    let code = family.code_for(muscles.len())?;
    Some(FamilyCoding::Code { code, muscles })
}

/// The side a point counts on: its own, or the midline for a muscle that is single.
fn counted_side(point: &TriggerPoint, atlas: &Atlas) -> Side {
    let midline_muscle = point
        .muscle
        .as_ref()
        .and_then(|id| atlas.muscle(id))
        .is_some_and(|m| m.laterality == Laterality::Midline);
    if midline_muscle {
        Side::Midline
    } else {
        point.side
    }
}

/// Whether a point was found at this visit (a diagnosis rests on it).
fn found_at_visit(point: &TriggerPoint) -> bool {
    !point.treatments.is_empty() || !matches!(point.status, Status::Resolved | Status::ToReexamine)
}

fn diagnoses(visit: &Visit, atlas: &Atlas) -> Vec<IcdSuggestion> {
    let mut suggestions: Vec<IcdSuggestion> = Vec::new();
    for (index, point) in visit.points.iter().enumerate() {
        if !found_at_visit(point) {
            continue;
        }
        let code = IcdCode::for_muscle(point.muscle.as_ref());
        let site = site_text(point, atlas);
        let entry = match suggestions.iter_mut().position(|s| s.code == code) {
            Some(i) => &mut suggestions[i],
            None => {
                suggestions.push(IcdSuggestion {
                    code,
                    sites: Vec::new(),
                    points: Vec::new(),
                });
                let last = suggestions.len() - 1;
                &mut suggestions[last]
            }
        };
        entry.points.push(index + 1);
        if !entry.sites.contains(&site) {
            entry.sites.push(site);
        }
    }
    suggestions.sort_by_key(|s| s.code);
    suggestions
}

/// "Right upper trapezius", or "Right side, no muscle assigned".
pub fn site_text(point: &TriggerPoint, atlas: &Atlas) -> String {
    match &point.muscle {
        Some(id) => side_and_muscle(point.side, atlas.muscle_name(id)),
        None => format!("{} side, no muscle assigned", point.side.label()),
    }
}

/// "Right upper trapezius": the side, then the muscle's name with a lower-case initial.
pub(crate) fn side_and_muscle(side: Side, muscle: &str) -> String {
    format!("{} {}", side.label(), lowercase_first(muscle))
}

/// "Upper trapezius" → "upper trapezius"; a leading abbreviation ("SCM") is kept as written.
fn lowercase_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => name.to_owned(),
    }
}

/// `trapezius` → "Trapezius", `erector_spinae` → "Erector spinae".
fn words_of(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn join_numbers(numbers: &[usize]) -> String {
    numbers
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

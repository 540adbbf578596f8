//! The visit report as PDF: typst lays out `assets/report.typ` with the visit passed as data
//! (a JSON file of plain strings) and the chart as an SVG file, both served from memory. Nothing
//! is read from disk or the network; the only font is the shipped DejaVu Sans; the same visit
//! gives the same bytes.

use super::{DEJAVU_SANS, DEJAVU_SANS_BOLD, ReportError, chart_svg, chart_views};
use crate::atlas::Atlas;
use crate::export::{RecordContext, record_lines, suggest_coding};
use crate::model::{Criterion, InjectedTotals, Procedure, Visit};
use serde::Serialize;
use std::collections::HashMap;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The report's layout.
const TEMPLATE: &str = include_str!("../../assets/report.typ");

/// The chart's scale in the report (pixels per fraction of body height; the SVG is vector).
const CHART_SCALE: f32 = 800.0;

/// The chart's height on the page and the width of the text column (A4 with 1.5 cm margins), in
/// cm, as in `assets/report.typ`.
const CHART_HEIGHT_CM: f32 = 18.5;
const CHART_COLUMN_WIDTH_CM: f32 = 18.0;

/// What the template shows, as plain strings.
#[derive(Serialize)]
struct ReportData {
    patient_id: String,
    date: String,
    state: String,
    signed: bool,
    clinician: String,
    consent: String,
    figure: String,
    notes: String,
    points: Vec<PointRow>,
    treatments: Vec<TreatmentRow>,
    totals: Vec<String>,
    coding: Vec<String>,
    confirmed: bool,
    sessions: String,
    signature: String,
    amendments: Vec<String>,
    aftercare_title: String,
    aftercare: Vec<String>,
    /// Whether the chart is wider than the page's text column at its full height (with the head
    /// profiles beside front and back): it is then set by width rather than by height.
    chart_wide: bool,
}

#[derive(Serialize)]
struct PointRow {
    number: usize,
    muscle: String,
    side: String,
    status: String,
    criteria: String,
    pain: String,
    ppt: String,
    referral: String,
}

#[derive(Serialize)]
struct TreatmentRow {
    number: usize,
    muscle: String,
    kind: String,
    agent: String,
    dose: String,
    before: String,
    after: String,
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "–".to_owned())
}

fn report_data(visit: &Visit, atlas: &Atlas, context: &RecordContext) -> ReportData {
    let name = |p: &crate::model::TriggerPoint| {
        p.muscle.as_ref().map_or("(no muscle)".to_owned(), |m| {
            atlas.muscle_name(m).to_owned()
        })
    };
    let points = visit
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let present: Vec<&str> = p
                .criteria
                .labelled()
                .iter()
                .filter(|(_, c)| *c == Criterion::Yes)
                .map(|(label, _)| *label)
                .collect();
            let mut referral = p.referred_pain.clone();
            if !p.notes.is_empty() {
                if !referral.is_empty() {
                    referral.push_str(" · ");
                }
                referral.push_str(&p.notes);
            }
            PointRow {
                number: i + 1,
                muscle: name(p),
                side: p.side.label().to_owned(),
                status: p.status.label().to_owned(),
                criteria: if present.is_empty() {
                    "–".to_owned()
                } else {
                    present.join(", ")
                },
                pain: or_dash(p.palpation_pain.map(|v| v.to_string())),
                ppt: or_dash(p.pressure_threshold.map(|v| format!("{v:.1} kg/cm²"))),
                referral,
            }
        })
        .collect();
    let mut treatments = Vec::new();
    for (i, p) in visit.points.iter().enumerate() {
        for t in &p.treatments {
            let (agent, dose) = match &t.procedure {
                Procedure::Injection {
                    agent,
                    concentration,
                    volume_ml,
                    needle,
                } => (
                    format!("{agent} {concentration}").trim().to_owned(),
                    format!(
                        "{} · {}",
                        volume_ml.map_or("volume not recorded".to_owned(), |v| format!("{v} mL")),
                        if needle.is_empty() {
                            "needle not recorded"
                        } else {
                            needle
                        }
                    ),
                ),
                Procedure::DryNeedling { needle } => (String::new(), needle.clone()),
                Procedure::ManualTherapy { technique } => (String::new(), technique.clone()),
                Procedure::Other { description } => (String::new(), description.clone()),
            };
            treatments.push(TreatmentRow {
                number: i + 1,
                muscle: format!("{} ({})", name(p), p.side.label()),
                kind: t.procedure.kind_label().to_owned(),
                agent,
                dose,
                before: or_dash(t.pain_before.map(|v| v.to_string())),
                after: or_dash(t.pain_after.map(|v| v.to_string())),
            });
        }
    }
    let injected = InjectedTotals::of(visit);
    let mut totals = Vec::new();
    if injected.injections > 0 {
        totals.push(format!(
            "Injected in all: {} injection(s), {:.1} mL{}.",
            injected.injections,
            injected.volume_ml,
            if injected.without_volume > 0 {
                format!(" ({} without a recorded volume)", injected.without_volume)
            } else {
                String::new()
            }
        ));
        for dose in &injected.anaesthetics {
            totals.push(format!(
                "Local anaesthetic: {} {:.0} mg{}.",
                dose.name,
                dose.mg,
                if dose.uncounted > 0 {
                    " or more (some injections without volume or readable concentration)"
                } else {
                    ""
                }
            ));
        }
    }
    let signature = visit.signature.as_ref().map_or(String::new(), |s| {
        format!(
            "Signed by {} on {}.",
            s.clinician,
            s.signed_at.format("%Y-%m-%d %H:%M %:z")
        )
    });
    let amendments = visit
        .amendments
        .iter()
        .map(|a| {
            format!(
                "{} by {}: {} ({})",
                a.at.format("%Y-%m-%d %H:%M"),
                a.by,
                a.why,
                a.what.join("; ")
            )
        })
        .collect();
    ReportData {
        patient_id: visit.patient_id.clone(),
        date: visit.date_time.format("%Y-%m-%d %H:%M %:z").to_string(),
        state: if visit.is_signed() { "signed" } else { "draft" }.to_owned(),
        signed: visit.is_signed(),
        clinician: visit.clinician.clone(),
        consent: visit.consent.label().to_owned(),
        figure: visit.figure.label().to_owned(),
        notes: visit.notes.clone(),
        points,
        treatments,
        totals,
        coding: record_lines(visit, &suggest_coding(visit, atlas)),
        confirmed: visit.coding.is_some(),
        sessions: context
            .injection_sessions
            .as_ref()
            .map_or(String::new(), |sessions| sessions.line()),
        signature,
        amendments,
        chart_wide: {
            let panels = super::layout(&chart_views(visit), CHART_SCALE);
            let width = panels.last().map_or(1.0, |p| p.left + p.width());
            let height = panels.iter().map(super::Panel::height).fold(1.0, f32::max);
            width / height > CHART_COLUMN_WIDTH_CM / CHART_HEIGHT_CM
        },
        aftercare_title: if visit.is_signed() && visit.aftercare.is_none() {
            "Aftercare (the clinic's instructions of today: this visit did not keep the text given)"
        } else {
            "Aftercare"
        }
        .to_owned(),
        // Aftercare goes with a needle procedure; a visit that kept its text prints it anyway.
        aftercare: if visit.has_needle_procedure() || visit.aftercare.is_some() {
            context.aftercare.as_str()
        } else {
            ""
        }
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect(),
    }
}

/// The world typst compiles the report in: the template, the data and the chart, all in memory.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

fn file_id(path: &str) -> Result<FileId, ReportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ReportError::Svg(format!("{path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// The report of `visit` (drawn on `atlas`, its figure's) as PDF, with the aftercare
/// instructions and the injection sessions of `context`.
pub fn report_pdf(
    visit: &Visit,
    atlas: &Atlas,
    context: &RecordContext,
) -> Result<Vec<u8>, ReportError> {
    let data = serde_json::to_vec(&report_data(visit, atlas, context))
        .map_err(|e| ReportError::Render(e.to_string()))?;
    let chart = chart_svg(visit, atlas, &chart_views(visit), CHART_SCALE);
    let fonts: Vec<Font> = [DEJAVU_SANS, DEJAVU_SANS_BOLD]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let main_id = file_id("/report.typ")?;
    let mut files = HashMap::new();
    files.insert(file_id("/visit.json")?, Bytes::new(data));
    files.insert(file_id("/chart.svg")?, Bytes::new(chart.into_bytes()));
    let date = visit.date_time.date_naive();
    let today = Datetime::from_ymd(
        chrono::Datelike::year(&date),
        u8::try_from(chrono::Datelike::month(&date)).unwrap_or(1),
        u8::try_from(chrono::Datelike::day(&date)).unwrap_or(1),
    );
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(main_id, TEMPLATE.to_owned()),
        files,
        today,
    };
    let document = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|errors| ReportError::Layout(describe(&errors)))?;
    // PDF/A-2b, the archival standard a record is filed in (fonts embedded, no external
    // content), typst checking the document against it; a visit whose text has characters the
    // shipped font lacks (CJK, emoji) cannot be PDF/A and is written as a plain PDF instead.
    let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
        .map_err(|error| ReportError::Layout(error.message().to_string()))?;
    let timestamp = record_timestamp(visit);
    let archival = typst_pdf::PdfOptions {
        standards,
        timestamp,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &archival).or_else(|_| {
        let plain = typst_pdf::PdfOptions {
            timestamp,
            ..typst_pdf::PdfOptions::default()
        };
        typst_pdf::pdf(&document, &plain).map_err(|errors| ReportError::Layout(describe(&errors)))
    })
}

/// The date in the report's metadata (PDF/A needs one): the time of the record's latest
/// content (the visit, the coding's confirmation, the signature or the last amendment), so that
/// the same visit gives the same bytes.
fn record_timestamp(visit: &Visit) -> Option<typst_pdf::Timestamp> {
    use chrono::{Datelike, Timelike};
    let latest = [
        Some(visit.date_time),
        visit.coding.as_ref().map(|c| c.at),
        visit.last_audit_time(),
    ]
    .into_iter()
    .flatten()
    .max()?;
    let datetime = Datetime::from_ymd_hms(
        latest.year(),
        u8::try_from(latest.month()).ok()?,
        u8::try_from(latest.day()).ok()?,
        u8::try_from(latest.hour()).ok()?,
        u8::try_from(latest.minute()).ok()?,
        // A leap second (60) is not a time PDF dates know.
        u8::try_from(latest.second().min(59)).ok()?,
    )?;
    typst_pdf::Timestamp::new_local(datetime, latest.offset().local_minus_utc() / 60)
}

fn describe(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PatientPoint, Side, TriggerPoint, View};

    #[test]
    fn a_chart_with_the_profiles_is_set_by_width_so_that_it_stays_on_the_page() {
        let atlas = Atlas::builtin().expect("atlas");
        let mut visit = Visit::new_now();
        let context = RecordContext::new(&visit, "", None);
        assert!(
            !report_data(&visit, &atlas, &context).chart_wide,
            "front and back"
        );
        visit.points.push(TriggerPoint::new(
            View::LeftProfile,
            PatientPoint::new(0.03, 0.15),
            Some("masseter".into()),
            Side::Left,
        ));
        assert!(
            report_data(&visit, &atlas, &context).chart_wide,
            "with the profiles"
        );
    }

    #[test]
    fn the_report_is_pdf_a_unless_the_font_lacks_a_character_of_the_visit() {
        let atlas = Atlas::builtin().expect("atlas");
        let mut visit = Visit::new_now();
        visit.patient_id = "PT-1".into();
        let context = RecordContext::new(&visit, "", None);
        let is_pdf_a = |pdf: &[u8]| pdf.windows(14).any(|w| w == b"pdfaid:part>2<");
        let pdf = report_pdf(&visit, &atlas, &context).expect("laid out");
        assert!(is_pdf_a(&pdf), "PDF/A-2b");
        visit.notes = "Schmerz 中文".into();
        let pdf = report_pdf(&visit, &atlas, &context).expect("still a report");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(!is_pdf_a(&pdf), "a plain PDF");
    }
}

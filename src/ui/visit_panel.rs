//! The panel left of the chart: the signature and amendments the file keeps, the visit's own
//! fields, and the list of points.

use super::action::Action;
use super::{coding_panel, point_list, visit_form};
use crate::clinicians::ClinicianSettings;
use crate::export::{CodingSuggestion, InjectionSessions, suggest_coding};
use crate::model::{InjectedTotals, PointId, Status, name_muscles_in};
use crate::session::Session;
use egui::Ui;

/// What the panel computes from the whole visit (injected totals, coding suggestion, injection
/// sessions of the past year), kept until the visit or the patient folder changes: a visit of
/// hundreds of points must not cost that every frame. It also keeps the codes as typed.
#[derive(Debug, Default)]
pub struct VisitSummary {
    /// The session's document generation and revision, and the number of visits in the patient
    /// folder, it was computed for.
    key: Option<(u64, u64, usize)>,
    totals: InjectedTotals,
    coding: Option<CodingSuggestion>,
    sessions: Option<InjectionSessions>,
    coding_form: coding_panel::CodingForm,
}

impl VisitSummary {
    fn update(&mut self, session: &Session) {
        let folder_visits = session.folder().map_or(0, |f| f.visits.len());
        let key = (
            session.generation(),
            session.document().revision(),
            folder_visits,
        );
        if self.key != Some(key) {
            let visit = session.visit();
            self.totals = InjectedTotals::of(visit);
            // A confirmation stays visible (to withdraw) when every point was deleted.
            self.coding = (!visit.points.is_empty() || visit.coding.is_some())
                .then(|| suggest_coding(visit, session.atlas()));
            self.sessions = session.injection_sessions();
            self.key = Some(key);
        }
    }
}

/// Shows the panel; returns what the user asked for in it.
pub fn show(
    ui: &mut Ui,
    session: &Session,
    summary: &mut VisitSummary,
    form: &mut visit_form::VisitFormState,
    list: &mut point_list::ListState,
    selected: Option<PointId>,
    clinician: Option<&ClinicianSettings>,
) -> Option<Action> {
    audit_trail(ui, session);
    ui.add_space(4.0);
    ui.heading("Visit");
    // A read-only visit's fields are shown but cannot be changed; its points stay selectable in
    // the list below, as on the chart.
    let editable = session.read_only().is_none();
    let edit = ui
        .add_enabled_ui(editable, |ui| visit_form::show(ui, form, session.visit()))
        .inner;
    ui.separator();
    let visit = session.visit();
    let count = |status| visit.points.iter().filter(|p| p.status == status).count();
    ui.horizontal(|ui| {
        ui.heading("Points");
        ui.weak(format!(
            "{} in all · {} active · {} latent",
            visit.points.len(),
            count(Status::Active),
            count(Status::Latent)
        ));
    });
    summary.update(session);
    injected_totals(ui, &summary.totals, clinician);
    let mut coding_action = None;
    if let Some(coding) = &summary.coding {
        coding_action = coding_panel::show(
            ui,
            &mut summary.coding_form,
            visit,
            coding,
            summary.sessions.as_ref(),
            editable,
        );
    }
    // Each knot's trend since first charted, when the visit is of the open patient's.
    let history = session
        .is_of_folder_patient()
        .then(|| session.history())
        .flatten();
    let latest = history.map_or(0, |h| h.visits().len().saturating_sub(1));
    let trend = |id: PointId| {
        let knot = history?.knot_of_point(id)?;
        (knot.visits_present() > 1).then(|| knot.trend(latest))
    };
    let trend: Option<&dyn Fn(PointId) -> Option<_>> = history.is_some().then_some(&trend);
    let select = point_list::show(ui, list, session.atlas(), visit, selected, trend);
    edit.or(coding_action).or(select)
}

/// What the visit injected in all, and a warning for each local anaesthetic above the
/// clinician's maximum.
fn injected_totals(ui: &mut Ui, totals: &InjectedTotals, clinician: Option<&ClinicianSettings>) {
    if totals.injections == 0 {
        return;
    }
    let mut parts = vec![
        format!(
            "{} injection{}",
            totals.injections,
            if totals.injections == 1 { "" } else { "s" }
        ),
        format!("{:.1} mL", totals.volume_ml),
    ];
    for dose in &totals.anaesthetics {
        parts.push(format!(
            "{} {:.0} mg{}",
            dose.name,
            dose.mg,
            if dose.uncounted > 0 { "+" } else { "" }
        ));
    }
    ui.label(format!("Injected: {}", parts.join(" · ")))
        .on_hover_text("Local-anaesthetic mg from concentration × volume (1 % = 10 mg/mL). A + means some injections of it have no volume or an unreadable concentration.");
    if totals.without_volume > 0 {
        ui.weak(format!(
            "{} injection{} without a volume",
            totals.without_volume,
            if totals.without_volume == 1 { "" } else { "s" }
        ));
    }
    for warning in clinician
        .map(|c| c.dose_warnings(totals))
        .unwrap_or_default()
    {
        ui.colored_label(
            ui.visuals().error_fg_color,
            egui::RichText::new(format!("Warning: {warning}")).strong(),
        );
    }
}

/// The signature and the amendments the file keeps: who, when, why and what changed.
fn audit_trail(ui: &mut Ui, session: &Session) {
    let visit = session.visit();
    let Some(signature) = &visit.signature else {
        return;
    };
    let when = |at: &chrono::DateTime<chrono::FixedOffset>| at.format("%Y-%m-%d %H:%M").to_string();
    // While amending, the trail shown is the one on file (the copy carries the same one).
    let title = format!("Amendments ({})", visit.amendments.len());
    egui::CollapsingHeader::new(title)
        // Keyed by the count, so that a newly recorded amendment shows opened.
        .id_salt(("amendments", visit.amendments.len()))
        .default_open(!visit.amendments.is_empty())
        .show(ui, |ui| {
            ui.label(format!(
                "Signed by {} on {}.",
                signature.clinician,
                when(&signature.signed_at)
            ));
            if visit.amendments.is_empty() {
                ui.weak("No amendments.");
            }
            for (i, amendment) in visit.amendments.iter().enumerate() {
                ui.separator();
                ui.strong(format!(
                    "{}. {} by {}",
                    i + 1,
                    when(&amendment.at),
                    amendment.by
                ));
                ui.label(format!("Why: {}", amendment.why));
                for line in &amendment.what {
                    ui.label(format!(
                        "• {}",
                        name_muscles_in(line, session.atlas().as_ref())
                    ));
                }
            }
        });
    ui.separator();
}

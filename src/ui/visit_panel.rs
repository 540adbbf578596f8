//! The panel left of the chart: the signature and amendments the file keeps, the visit's own
//! fields, and the list of points.

use super::action::Action;
use super::{point_list, visit_form};
use crate::model::{PointId, Status, name_muscles_in};
use crate::session::Session;
use egui::Ui;

/// Shows the panel; returns what the user asked for in it.
pub fn show(
    ui: &mut Ui,
    session: &Session,
    form: &mut visit_form::VisitFormState,
    list: &mut point_list::ListState,
    selected: Option<PointId>,
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
    edit.or(select)
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

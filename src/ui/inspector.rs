//! The form for the selected point: muscle and side, status, criteria, pain, pressure threshold,
//! referred pain, notes and treatments. It edits a copy and reports what changed as an [`Edit`].

use super::action::Action;
use super::knot_history;
use crate::atlas::Atlas;
use crate::clinicians::TreatmentPreset;
use crate::editing::Edit;
use crate::model::{Criterion, MuscleId, Procedure, Side, Status, Treatment, TriggerPoint, Visit};
use crate::model::{MAX_INJECTION_ML, MAX_PRESSURE_THRESHOLD};
use crate::model::{PatientPoint, PointId, View};
use crate::session::Session;
use egui::Ui;

/// Per-form state kept between frames.
#[derive(Debug, Default)]
pub struct InspectorState {
    /// The text typed to filter the muscle list.
    pub muscle_filter: String,
    /// The regions at the selected point and what they were found for (atlas, view, place):
    /// looked up once per place, not every frame.
    candidates: Option<(CandidatesKey, bool, Vec<usize>)>,
}

/// What the muscles at a place were found for: the atlas (figure), the view and the place.
type CandidatesKey = (usize, View, (u32, u32));

impl InspectorState {
    /// The regions under `pos` (`true`), or the three nearest when it lies in none (`false`).
    fn candidates(&mut self, atlas: &Atlas, view: View, pos: PatientPoint) -> (bool, &[usize]) {
        let key = (
            std::ptr::from_ref(atlas) as usize,
            view,
            (pos.x.to_bits(), pos.y.to_bits()),
        );
        if self.candidates.as_ref().is_none_or(|(k, ..)| *k != key) {
            let here = atlas.regions_at(view, pos);
            let entry = if here.is_empty() {
                let nearest = atlas.nearest_regions(view, pos, 3);
                (key, false, nearest.into_iter().map(|(r, _)| r).collect())
            } else {
                (key, true, here)
            };
            self.candidates = Some(entry);
        }
        match &self.candidates {
            Some((_, inside, regions)) => (*inside, regions),
            None => (false, &[]),
        }
    }
}

/// The panel right of the chart: the selected point's knot section (when a patient folder is
/// open) and its form, or a word on how to begin. A read-only visit's form is shown disabled.
pub fn panel(
    ui: &mut Ui,
    session: &Session,
    state: &mut InspectorState,
    selected: Option<PointId>,
    presets: &[TreatmentPreset],
) -> Option<Action> {
    let editable = session.read_only().is_none();
    let point = selected.and_then(|id| session.visit().point(id));
    let mut action = None;
    if let Some(point) = point
        && session.folder().is_some()
    {
        action = knot_history::section(ui, session, point, editable);
    }
    ui.add_enabled_ui(editable, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| match point {
            Some(point) => {
                let form = show(ui, state, session.atlas(), session.visit(), point, presets);
                action = action.take().or(form);
            }
            None => {
                ui.add_space(8.0);
                ui.heading("No point selected");
                ui.label("Click on a muscle of the chart to place a trigger point there, or pick a point in the list.");
                ui.add_space(6.0);
                ui.weak("Drag a point to move it. Wheel to zoom, drag the background to pan.");
                ui.weak("Front view: the patient's right is on your left. Back view: the patient's left is on your left.");
                ui.weak("Head profiles: the left profile shows only the patient's left side, the right profile only the right side.");
            }
        });
    });
    action
}

/// Shows the form for `point`; `presets` are the visit's clinician's treatment presets.
pub fn show(
    ui: &mut Ui,
    state: &mut InspectorState,
    atlas: &Atlas,
    visit: &Visit,
    point: &TriggerPoint,
    presets: &[TreatmentPreset],
) -> Option<Action> {
    let mut delete = false;
    let mut edited = point.clone();
    let mut field: Option<&'static str> = None;
    let number = visit.number_of(point.id).unwrap_or(0);

    ui.horizontal(|ui| {
        ui.heading(format!("Point {number}"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Delete point")
                .on_hover_text("Delete this point (Del)")
                .clicked()
            {
                delete = true;
            }
        });
    });
    ui.horizontal(|ui| {
        ui.label(format!("{} view", point.view.label()));
        if copy_findings(ui, visit, &mut edited) {
            field = Some("copied_findings");
        }
    });
    ui.separator();

    muscle_section(ui, state, atlas, &mut edited, &mut field);
    ui.separator();

    ui.label("Status");
    ui.horizontal_wrapped(|ui| {
        for status in Status::ALL {
            if ui
                .selectable_label(edited.status == status, status.label())
                .clicked()
            {
                edited.status = status;
                field = Some("status");
            }
        }
    });
    ui.add_space(4.0);

    egui::CollapsingHeader::new("Diagnostic criteria")
        .default_open(true)
        .show(ui, |ui| {
            // Rows of a fixed label width rather than a Grid: a Grid's first frame is wider
            // than its next ones, and the panel would keep that width, moving the chart.
            let label_width = (ui.available_width() * 0.42).min(170.0);
            let row_height = ui.spacing().interact_size.y;
            for (label, value) in edited.criteria.labelled_mut() {
                ui.horizontal(|ui| {
                    ui.allocate_ui_with_layout(
                        egui::vec2(label_width, row_height),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(label_width);
                            ui.add(egui::Label::new(label).truncate());
                        },
                    );
                    for option in Criterion::ALL {
                        if ui
                            .selectable_label(*value == option, option.label())
                            .clicked()
                        {
                            *value = option;
                            field = Some("criteria");
                        }
                    }
                });
            }
        });

    // Nothing is recorded until the clinician chooses it: no value starts filled in.
    if pain_scale(ui, "Palpation pain (0–10)", &mut edited.palpation_pain) {
        field = Some("palpation_pain");
    }
    ui.horizontal(|ui| {
        let label = ui.label("Pressure threshold");
        if number_field(
            ui,
            label.id,
            egui::Id::unique(("pressure_threshold", point.id)),
            &mut edited.pressure_threshold,
            0.0..=MAX_PRESSURE_THRESHOLD,
            "kg/cm²",
        ) {
            field = Some("pressure_threshold");
        }
    });
    ui.add_space(4.0);

    let label = ui.label("Referred pain");
    if ui
        .add(egui::TextEdit::singleline(&mut edited.referred_pain).desired_width(f32::INFINITY))
        .labelled_by(label.id)
        .changed()
    {
        field = Some("referred_pain");
    }
    if let Some(muscle) = edited.muscle.as_ref().and_then(|m| atlas.muscle(m)) {
        ui.horizontal_wrapped(|ui| {
            ui.weak(format!("Typical: {}", muscle.referred_pain));
            if edited.referred_pain.is_empty() && ui.small_button("Use").clicked() {
                edited.referred_pain = muscle.referred_pain.clone();
                field = Some("referred_pain_typical");
            }
        });
    }
    let label = ui.label("Notes");
    if ui
        .add(
            egui::TextEdit::multiline(&mut edited.notes)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .changed()
    {
        field = Some("notes");
    }
    ui.separator();
    let save_preset = treatments_section(ui, visit, presets, &mut edited, &mut field);

    if delete {
        return Some(Action::DeletePoint(point.id));
    }
    if let Some(procedure) = save_preset {
        return Some(Action::SavePreset(procedure));
    }
    match field {
        Some(field) if edited != *point => Some(Action::Edit(Edit::UpdatePoint {
            point: Box::new(edited),
            field,
        })),
        _ => None,
    }
}

fn muscle_section(
    ui: &mut Ui,
    state: &mut InspectorState,
    atlas: &Atlas,
    edited: &mut TriggerPoint,
    field: &mut Option<&'static str>,
) {
    let current = edited
        .muscle
        .as_ref()
        .map_or("No muscle assigned", |m| atlas.muscle_name(m))
        .to_owned();
    ui.horizontal(|ui| {
        let label = ui.label("Muscle");
        // As wide as the panel leaves, never wider: the panel must not grow under the chart.
        let width = (ui.available_width() - ui.spacing().icon_width - 16.0).max(120.0);
        egui::ComboBox::from_id_salt("muscle")
            .selected_text(current)
            .wrap_mode(egui::TextWrapMode::Truncate)
            .width(width)
            .height(400.0)
            .show_ui(ui, |ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut state.muscle_filter)
                        .hint_text("Type to filter"),
                );
                if ui
                    .selectable_label(edited.muscle.is_none(), "No muscle assigned")
                    .clicked()
                {
                    edited.muscle = None;
                    *field = Some("muscle");
                }
                for muscle in atlas.muscles() {
                    // By name, group ("hip") or search terms ("groin", "TMJ").
                    if !muscle.matches_search(&state.muscle_filter) {
                        continue;
                    }
                    let chosen = edited.muscle.as_ref() == Some(&muscle.id);
                    let text = format!("{} — {}", muscle.name, muscle.group.label());
                    if ui.selectable_label(chosen, text).clicked() {
                        edited.muscle = Some(muscle.id.clone());
                        *field = Some("muscle");
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        ui.label("Patient's side");
        match edited.view.profile_side() {
            // A profile shows one side: the side is the profile's and cannot be changed here.
            Some(side) => {
                ui.strong(side.label());
                ui.weak(format!("(the {})", edited.view.label().to_lowercase()));
            }
            None => {
                for side in [Side::Right, Side::Left, Side::Midline] {
                    if ui
                        .selectable_label(edited.side == side, side.label())
                        .clicked()
                    {
                        edited.side = side;
                        *field = Some("side");
                    }
                }
            }
        }
    });

    // Other muscles under this spot (deep ones), or the nearest when it is in none.
    let (inside, candidates) = state.candidates(atlas, edited.view, edited.pos);
    let title = if inside {
        "Muscles under this spot:"
    } else {
        "Not inside a muscle. Nearest:"
    };
    let others: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&r| {
            let region = &atlas.regions()[r];
            Some(&atlas.muscle_of(region).id) != edited.muscle.as_ref()
                || region.side != edited.side
        })
        .collect();
    if !others.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.weak(title);
            for r in others {
                let region = &atlas.regions()[r];
                let muscle = atlas.muscle_of(region);
                let deep = if muscle.layer == crate::atlas::Layer::Deep {
                    " (deep)"
                } else {
                    ""
                };
                let label = format!("{}{deep} · {}", muscle.name, region.side.letter());
                if ui
                    .small_button(label)
                    .on_hover_text("Assign the point to this muscle")
                    .clicked()
                {
                    edited.muscle = Some(MuscleId(muscle.id.0.clone()));
                    edited.side = region.side;
                    *field = Some("muscle");
                }
            }
        });
    }
    if let Some(muscle) = edited.muscle.as_ref().and_then(|m| atlas.muscle(m)) {
        ui.weak(format!("Classic sites: {}", muscle.trigger_points));
    }
}

/// The treatments given to the point; returns a procedure the clinician asked to keep as a
/// preset.
fn treatments_section(
    ui: &mut Ui,
    visit: &Visit,
    presets: &[TreatmentPreset],
    edited: &mut TriggerPoint,
    field: &mut Option<&'static str>,
) -> Option<Procedure> {
    ui.horizontal(|ui| {
        ui.strong("Treatment");
        ui.menu_button("Add…", |ui| {
            for preset in presets {
                if ui
                    .button(&preset.name)
                    .on_hover_text("Your preset: filled in as you saved it")
                    .clicked()
                {
                    edited.treatments.push(Treatment {
                        procedure: preset.procedure.clone(),
                        pain_before: edited.palpation_pain,
                        pain_after: None,
                        notes: String::new(),
                    });
                    *field = Some("treatment_added");
                }
            }
            if !presets.is_empty() {
                ui.separator();
            }
            for blank in Procedure::blank_kinds() {
                if ui.button(blank.kind_label()).clicked() {
                    // What is known is copied, visibly: the point's palpation pain as the pain
                    // before, and the last injection's agent, concentration and needle.
                    let procedure = match blank {
                        Procedure::Injection { .. } => last_injection(visit).unwrap_or(blank),
                        other => other,
                    };
                    edited.treatments.push(Treatment {
                        procedure,
                        pain_before: edited.palpation_pain,
                        pain_after: None,
                        notes: String::new(),
                    });
                    *field = Some("treatment_added");
                }
            }
        });
    });
    if edited.treatments.is_empty() {
        ui.weak("None given at this visit.");
    }
    let mut remove = None;
    let mut save_preset = None;
    let edited_id = edited.id;
    for (i, treatment) in edited.treatments.iter_mut().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(treatment.procedure.kind_label());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("Remove").clicked() {
                        remove = Some(i);
                    }
                    let presettable = matches!(
                        treatment.procedure,
                        Procedure::Injection { .. } | Procedure::DryNeedling { .. }
                    );
                    if presettable
                        && !presets.iter().any(|p| p.procedure == treatment.procedure)
                        && ui
                            .small_button("Save as preset")
                            .on_hover_text("Offer this agent, concentration, volume and needle under Add… at your next points")
                            .clicked()
                    {
                        save_preset = Some(treatment.procedure.clone());
                    }
                });
            });
            ui.push_id(i, |ui| {
                if treatment_fields(ui, egui::Id::unique(("treatment", edited_id, i)), treatment) {
                    *field = Some("treatment");
                }
            });
        });
    }
    if let Some(i) = remove {
        edited.treatments.remove(i);
        *field = Some("treatment_removed");
    }
    save_preset
}

/// The fields of one treatment (`id` tells its typed numbers apart); true if any changed.
fn treatment_fields(ui: &mut Ui, id: egui::Id, treatment: &mut Treatment) -> bool {
    let mut changed = false;
    egui::Grid::new("treatment").num_columns(2).show(ui, |ui| {
        let text_row = |ui: &mut Ui, label: &str, value: &mut String, hint: &str| {
            ui.label(label);
            let changed = ui
                .add(egui::TextEdit::singleline(value).hint_text(hint))
                .changed();
            ui.end_row();
            changed
        };
        match &mut treatment.procedure {
            Procedure::Injection {
                agent,
                concentration,
                volume_ml,
                needle,
            } => {
                changed |= text_row(ui, "Agent", agent, "lidocaine, bupivacaine, saline…");
                changed |= text_row(ui, "Concentration", concentration, "1%");
                let label = ui.label("Volume");
                ui.horizontal(|ui| {
                    changed |= number_field(
                        ui,
                        label.id,
                        id.with("volume"),
                        volume_ml,
                        0.0..=MAX_INJECTION_ML,
                        "mL",
                    );
                });
                ui.end_row();
                changed |= text_row(ui, "Needle", needle, "27 G 1.5 in");
            }
            Procedure::DryNeedling { needle } => {
                changed |= text_row(ui, "Needle", needle, "0.25 × 40 mm");
            }
            Procedure::ManualTherapy { technique } => {
                changed |= text_row(
                    ui,
                    "Technique",
                    technique,
                    "ischaemic compression, stretch…",
                );
            }
            Procedure::Other { description } => {
                changed |= text_row(ui, "What", description, "shockwave, TENS…");
            }
        }
        let label = ui.label("Notes");
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut treatment.notes)
                    .hint_text("response, adverse events"),
            )
            .labelled_by(label.id)
            .changed();
        ui.end_row();
    });
    changed |= pain_scale(ui, "Pain before", &mut treatment.pain_before);
    changed |= pain_scale(ui, "Pain after", &mut treatment.pain_after);
    changed
}

/// "Same findings as…": another point of the visit whose status, criteria, pain, pressure
/// threshold and referred pain are copied into `edited` (its muscle, place, notes and
/// treatments stay its own). True if copied.
fn copy_findings(ui: &mut Ui, visit: &Visit, edited: &mut TriggerPoint) -> bool {
    let mut source = None;
    ui.add_enabled_ui(visit.points.len() > 1, |ui| {
        ui.menu_button("Same findings as…", |ui| {
            for (index, other) in visit.points.iter().enumerate() {
                if other.id == edited.id {
                    continue;
                }
                let text = format!(
                    "{}. {} · pain {}",
                    index + 1,
                    other.status.label(),
                    other
                        .palpation_pain
                        .map_or("–".to_owned(), |p| p.to_string())
                );
                if ui.button(text).clicked() {
                    source = Some(other.clone());
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(
            "Copy status, criteria, pain, pressure threshold and referred pain from another point",
        );
    });
    let Some(other) = source else {
        return false;
    };
    edited.status = other.status;
    edited.criteria = other.criteria;
    edited.palpation_pain = other.palpation_pain;
    edited.pressure_threshold = other.pressure_threshold;
    edited.referred_pain = other.referred_pain;
    true
}

/// The agent, concentration and needle of the visit's last injection, as a new injection's
/// starting values (the volume is left for the clinician).
fn last_injection(visit: &Visit) -> Option<Procedure> {
    visit
        .points
        .iter()
        .flat_map(|p| &p.treatments)
        .rev()
        .filter_map(|t| match &t.procedure {
            Procedure::Injection {
                agent,
                concentration,
                needle,
                ..
            } => Some(Procedure::Injection {
                agent: agent.clone(),
                concentration: concentration.clone(),
                volume_ml: None,
                needle: needle.clone(),
            }),
            _ => None,
        })
        .next()
}

/// A 0–10 pain score as a row of buttons under its label: nothing is recorded until one is
/// chosen, and "Clear" takes the score back. True if it changed.
fn pain_scale(ui: &mut Ui, label: &str, pain: &mut Option<u8>) -> bool {
    let mut changed = false;
    let title = format!(
        "{label}: {}",
        pain.map_or("not recorded".to_owned(), |p| p.to_string())
    );
    ui.label(label);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        for score in 0..=10u8 {
            let chosen = *pain == Some(score);
            let button =
                egui::Button::selectable(chosen, score.to_string()).min_size(egui::vec2(22.0, 0.0));
            if ui.add(button).on_hover_text(&title).clicked() && !chosen {
                *pain = Some(score);
                changed = true;
            }
        }
        ui.add_space(6.0);
        if pain.is_some() {
            if ui.small_button("Clear").clicked() {
                *pain = None;
                changed = true;
            }
        } else {
            ui.weak("not recorded");
        }
    });
    changed
}

/// A number typed into a field with a hint, not a value picked for the clinician: empty means
/// not recorded; a number outside `range` is shown in red and not recorded. `id` keeps the text
/// as typed between frames. True if the recorded value changed.
fn number_field(
    ui: &mut Ui,
    label: egui::Id,
    id: egui::Id,
    value: &mut Option<f32>,
    range: std::ops::RangeInclusive<f32>,
    unit: &str,
) -> bool {
    // The text as typed, and the value it was last in step with (an undo changes the value).
    let (mut text, synced) = ui
        .data(|d| d.get_temp::<(String, Option<f32>)>(id))
        .filter(|(_, synced)| synced == value)
        .unwrap_or_else(|| (value.map(format_number).unwrap_or_default(), *value));
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .desired_width(70.0)
                .hint_text("–"),
        )
        .labelled_by(label);
    ui.label(unit);
    let typed = text.trim().replace(',', ".");
    let parsed = if typed.is_empty() {
        Ok(None)
    } else {
        match typed.parse::<f32>() {
            Ok(v) if v.is_finite() && range.contains(&v) => Ok(Some(v)),
            _ => Err(()),
        }
    };
    let mut changed = false;
    match parsed {
        Ok(new) if response.changed() && new != *value => {
            *value = new;
            changed = true;
        }
        Err(()) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{}–{} {unit}", range.start(), range.end()),
            );
        }
        _ => {}
    }
    let synced = if changed { *value } else { synced };
    ui.data_mut(|d| d.insert_temp(id, (text, synced)));
    changed
}

/// A number as typed back to the clinician: "1.5", "2", "0.25".
fn format_number(v: f32) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

//! The form for the selected point: muscle and side, status, criteria, pain, pressure threshold,
//! referred pain, notes and treatments. It edits a copy and reports what changed as an [`Edit`].

use crate::atlas::Atlas;
use crate::editing::Edit;
use crate::model::{Criterion, MuscleId, Procedure, Side, Status, Treatment, TriggerPoint, Visit};
use egui::Ui;

/// Per-form state kept between frames.
#[derive(Debug, Default)]
pub struct InspectorState {
    /// The text typed to filter the muscle list.
    pub muscle_filter: String,
}

/// What the form asks for.
#[derive(Debug, Default)]
pub struct InspectorOutput {
    /// A change to the point.
    pub edit: Option<Edit>,
    /// The user asked to delete the point.
    pub delete: bool,
}

/// Shows the form for `point`.
pub fn show(
    ui: &mut Ui,
    state: &mut InspectorState,
    atlas: &Atlas,
    visit: &Visit,
    point: &TriggerPoint,
) -> InspectorOutput {
    let mut output = InspectorOutput::default();
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
                output.delete = true;
            }
        });
    });
    ui.label(format!("{} view", point.view.label()));
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
            egui::Grid::new("criteria").striped(true).show(ui, |ui| {
                for (label, value) in edited.criteria.labelled_mut() {
                    ui.label(label);
                    for option in Criterion::ALL {
                        if ui
                            .selectable_label(*value == option, option.label())
                            .clicked()
                        {
                            *value = option;
                            field = Some("criteria");
                        }
                    }
                    ui.end_row();
                }
            });
        });

    egui::Grid::new("measures").num_columns(2).show(ui, |ui| {
        let pain_label = ui.label("Palpation pain (0–10)");
        ui.horizontal(|ui| {
            let mut recorded = edited.palpation_pain.is_some();
            if ui
                .checkbox(&mut recorded, "")
                .labelled_by(pain_label.id)
                .on_hover_text("Recorded")
                .changed()
            {
                edited.palpation_pain = recorded.then_some(5);
                field = Some("palpation_pain_recorded");
            }
            if let Some(pain) = edited.palpation_pain.as_mut() {
                if ui
                    .add(egui::Slider::new(pain, 0..=10))
                    .labelled_by(pain_label.id)
                    .changed()
                {
                    field = Some("palpation_pain");
                }
            } else {
                ui.weak("not recorded");
            }
        });
        ui.end_row();

        let ppt_label = ui.label("Pressure threshold");
        ui.horizontal(|ui| {
            let mut measured = edited.pressure_threshold.is_some();
            if ui
                .checkbox(&mut measured, "")
                .labelled_by(ppt_label.id)
                .on_hover_text("Measured")
                .changed()
            {
                edited.pressure_threshold = measured.then_some(2.0);
                field = Some("pressure_threshold_measured");
            }
            if let Some(ppt) = edited.pressure_threshold.as_mut() {
                let drag = egui::DragValue::new(ppt)
                    .range(0.0..=crate::model::MAX_PRESSURE_THRESHOLD)
                    .speed(0.05)
                    .max_decimals(2)
                    .suffix(" kg/cm²");
                if ui.add(drag).labelled_by(ppt_label.id).changed() {
                    field = Some("pressure_threshold");
                }
            } else {
                ui.weak("not measured");
            }
        });
        ui.end_row();
    });

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
    treatments_section(ui, &mut edited, &mut field);

    if let Some(field) = field
        && edited != *point
    {
        output.edit = Some(Edit::UpdatePoint {
            point: Box::new(edited),
            field,
        });
    }
    output
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
        egui::ComboBox::from_id_salt("muscle")
            .selected_text(current)
            .width(230.0)
            .height(400.0)
            .show_ui(ui, |ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut state.muscle_filter)
                        .hint_text("Type to filter"),
                );
                let filter = state.muscle_filter.to_lowercase();
                if ui
                    .selectable_label(edited.muscle.is_none(), "No muscle assigned")
                    .clicked()
                {
                    edited.muscle = None;
                    *field = Some("muscle");
                }
                for muscle in atlas.muscles() {
                    if !filter.is_empty() && !muscle.name.to_lowercase().contains(&filter) {
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
        for side in [Side::Right, Side::Left, Side::Midline] {
            if ui
                .selectable_label(edited.side == side, side.label())
                .clicked()
            {
                edited.side = side;
                *field = Some("side");
            }
        }
    });

    // Other muscles under this spot (deep ones), or the nearest when it is in none.
    let here = atlas.regions_at(edited.view, edited.pos);
    let (title, candidates): (&str, Vec<usize>) = if here.is_empty() {
        let nearest = atlas.nearest_regions(edited.view, edited.pos, 3);
        (
            "Not inside a muscle. Nearest:",
            nearest.into_iter().map(|(r, _)| r).collect(),
        )
    } else {
        ("Muscles under this spot:", here)
    };
    let others: Vec<usize> = candidates
        .into_iter()
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

fn treatments_section(ui: &mut Ui, edited: &mut TriggerPoint, field: &mut Option<&'static str>) {
    ui.horizontal(|ui| {
        ui.strong("Treatment");
        ui.menu_button("Add…", |ui| {
            for blank in Procedure::blank_kinds() {
                if ui.button(blank.kind_label()).clicked() {
                    edited.treatments.push(Treatment {
                        procedure: blank,
                        pain_before: None,
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
    for (i, treatment) in edited.treatments.iter_mut().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(treatment.procedure.kind_label());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("Remove").clicked() {
                        remove = Some(i);
                    }
                });
            });
            ui.push_id(i, |ui| {
                if treatment_fields(ui, treatment) {
                    *field = Some("treatment");
                }
            });
        });
    }
    if let Some(i) = remove {
        edited.treatments.remove(i);
        *field = Some("treatment_removed");
    }
}

/// The fields of one treatment; true if any changed.
fn treatment_fields(ui: &mut Ui, treatment: &mut Treatment) -> bool {
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
                ui.label("Volume");
                ui.horizontal(|ui| {
                    let mut given = volume_ml.is_some();
                    if ui.checkbox(&mut given, "").changed() {
                        *volume_ml = given.then_some(0.5);
                        changed = true;
                    }
                    if let Some(v) = volume_ml.as_mut() {
                        changed |= ui
                            .add(
                                egui::DragValue::new(v)
                                    .range(0.0..=50.0)
                                    .speed(0.05)
                                    .max_decimals(2)
                                    .suffix(" mL"),
                            )
                            .changed();
                    }
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
        for (label, pain) in [
            ("Pain before", &mut treatment.pain_before),
            ("Pain after", &mut treatment.pain_after),
        ] {
            let label = ui.label(label);
            ui.horizontal(|ui| {
                let mut recorded = pain.is_some();
                if ui
                    .checkbox(&mut recorded, "")
                    .labelled_by(label.id)
                    .changed()
                {
                    *pain = recorded.then_some(5);
                    changed = true;
                }
                if let Some(p) = pain.as_mut() {
                    changed |= ui
                        .add(egui::Slider::new(p, 0..=10))
                        .labelled_by(label.id)
                        .changed();
                }
            });
            ui.end_row();
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
    changed
}

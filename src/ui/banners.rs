//! The banners under the menu that say why the visit cannot be edited: read-only (with "Take over
//! the lock…" when another instance holds it), signed, amending.

use super::action::Action;
use super::commands::Command;
use crate::session::Session;
use egui::{RichText, Ui};

/// Shows the banners that apply; returns what the user asked for in them.
pub fn show(ui: &mut Ui, session: &Session) -> Option<Action> {
    let mut action = None;
    if let Some(reason) = session.file_read_only() {
        egui::Panel::top("read_only").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Read-only. {reason}"));
                if reason.can_take_over()
                    && ui
                        .button(Command::TakeOverLock.label())
                        .on_hover_text(Command::TakeOverLock.tooltip())
                        .clicked()
                {
                    action = Some(Action::Command(Command::TakeOverLock));
                }
            });
        });
    }
    let Some(signature) = &session.visit().signature else {
        return action;
    };
    let amendments = session.visit().amendments.len();
    egui::Panel::top("signed").show(ui, |ui| {
        ui.add_space(2.0);
        ui.horizontal_wrapped(|ui| {
            let text = format!(
                "Signed by {} on {}",
                signature.clinician,
                signature.signed_at.format("%Y-%m-%d %H:%M")
            );
            ui.label(RichText::new(text).strong());
            if amendments > 0 {
                ui.weak(format!(
                    "· {amendments} amendment{}",
                    if amendments == 1 { "" } else { "s" }
                ));
            }
            if session.is_amending() {
                ui.separator();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "AMENDING: your corrections are recorded as an amendment (who, when, what, why).",
                );
                for command in [Command::FinishAmendment, Command::CancelAmendment] {
                    if ui.button(command.label()).clicked() {
                        action = Some(Action::Command(command));
                    }
                }
            } else {
                ui.weak("· read-only; corrections are recorded as amendments.");
                if ui
                    .add_enabled(session.can_amend(), egui::Button::new(Command::Amend.label()))
                    .clicked()
                {
                    action = Some(Action::Command(Command::Amend));
                }
            }
        });
        ui.add_space(2.0);
    });
    action
}

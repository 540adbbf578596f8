//! The body-chart canvas: draws the front and back diagrams with their muscles and points, and
//! turns clicks and drags into [`CanvasAction`]s. It never changes the visit itself.

use super::style;
use crate::atlas::{Atlas, Layer, RegionIndex, Shape};
use crate::editing::{Edit, identify};
use crate::geometry::{DiagramPoint, PatientPoint, from_diagram, to_diagram};
use crate::model::{PointId, Side, TriggerPoint, View, Visit};
use egui::{Color32, Id, Mesh, Painter, Pos2, Rect, Response, Sense, Stroke, Ui, Vec2, pos2, vec2};

/// Half the width of the drawn area around the figure, in fractions of height.
const HALF_WIDTH: f32 = 0.25;
/// Top and bottom of the drawn area, in fractions of height.
const TOP: f32 = -0.05;
const BOTTOM: f32 = 1.02;
/// Radius of a point marker, in screen points.
const MARKER_RADIUS: f32 = 8.0;
/// How near (screen points) the pointer must be to a marker to pick it.
const PICK_RADIUS: f32 = 11.0;
/// Zoom limits.
const MIN_ZOOM: f32 = 0.5;
const MAX_ZOOM: f32 = 8.0;
/// Where the side letters stand: distance from the midline and height, patient frame.
const SIDE_LETTER_X: f32 = 0.215;
const SIDE_LETTER_Y: f32 = 0.08;

/// Which diagrams are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Front and back side by side.
    Both,
    /// One view only.
    Single(View),
}

/// Pan and zoom of one diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// 1 = the whole figure fits.
    pub zoom: f32,
    /// Offset of the figure's centre from the diagram's centre, in screen points.
    pub pan: Vec2,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            zoom: 1.0,
            pan: Vec2::ZERO,
        }
    }
}

/// What the user did on the canvas, for the app to apply.
#[derive(Clone, Debug, PartialEq)]
pub enum CanvasAction {
    /// Select this point, or clear the selection.
    Select(Option<PointId>),
    /// Change the visit.
    Edit(Edit),
}

/// A point being dragged: where it is now (not yet in the visit).
#[derive(Clone, Copy, Debug)]
struct PointDrag {
    id: PointId,
    view: View,
    pos: PatientPoint,
}

/// The canvas's own state: layout, cameras and any drag in progress.
#[derive(Debug)]
pub struct CanvasState {
    /// Which diagrams are shown.
    pub layout: Layout,
    /// Whether deep muscles are outlined.
    pub show_deep: bool,
    cameras: [Camera; 2],
    point_drag: Option<PointDrag>,
    /// The screen rectangle and transform of each diagram last frame, for tests and tooltips.
    last_frames: [Option<DiagramFrame>; 2],
}

impl Default for CanvasState {
    fn default() -> Self {
        CanvasState {
            layout: Layout::Both,
            show_deep: true,
            cameras: [Camera::default(); 2],
            point_drag: None,
            last_frames: [None; 2],
        }
    }
}

fn view_slot(view: View) -> usize {
    match view {
        View::Front => 0,
        View::Back => 1,
    }
}

/// Maps a diagram to the screen: the figure's midline at `origin.x`, its vertex at `origin.y`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DiagramFrame {
    view: View,
    rect: Rect,
    origin: Pos2,
    scale: f32,
}

impl DiagramFrame {
    fn new(view: View, rect: Rect, camera: Camera) -> Self {
        let fit = (rect.width() / (2.0 * HALF_WIDTH)).min(rect.height() / (BOTTOM - TOP));
        let scale = fit * camera.zoom;
        let mid = (TOP + BOTTOM) / 2.0;
        let origin = rect.center() + camera.pan - vec2(0.0, mid * scale);
        DiagramFrame {
            view,
            rect,
            origin,
            scale,
        }
    }

    fn to_screen(&self, p: PatientPoint) -> Pos2 {
        let d = to_diagram(self.view, p);
        pos2(
            self.origin.x + d.u * self.scale,
            self.origin.y + d.v * self.scale,
        )
    }

    fn to_patient(&self, s: Pos2) -> PatientPoint {
        from_diagram(
            self.view,
            DiagramPoint {
                u: (s.x - self.origin.x) / self.scale,
                v: (s.y - self.origin.y) / self.scale,
            },
        )
    }
}

impl CanvasState {
    /// The camera of a view.
    pub fn camera(&self, view: View) -> Camera {
        self.cameras[view_slot(view)]
    }

    /// Zooms a view by `factor` about its centre.
    pub fn zoom_by(&mut self, view: View, factor: f32) {
        let camera = &mut self.cameras[view_slot(view)];
        let zoom = (camera.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        camera.pan *= zoom / camera.zoom;
        camera.zoom = zoom;
    }

    /// Restores the whole-figure view of every diagram.
    pub fn reset_cameras(&mut self) {
        self.cameras = [Camera::default(); 2];
    }

    /// The views shown in the current layout.
    pub fn shown_views(&self) -> Vec<View> {
        match self.layout {
            Layout::Both => View::ALL.to_vec(),
            Layout::Single(view) => vec![view],
        }
    }

    /// Where a patient-frame point of `view` was drawn last frame (None if that view was not
    /// shown). Used by UI tests to click where a clinician would.
    pub fn screen_pos(&self, view: View, p: PatientPoint) -> Option<Pos2> {
        self.last_frames[view_slot(view)].map(|f| f.to_screen(p))
    }

    /// The point being dragged, if any, with its current position.
    pub fn dragged_point(&self) -> Option<(PointId, PatientPoint)> {
        self.point_drag.map(|d| (d.id, d.pos))
    }
}

/// Draws the canvas and returns what the user did.
pub fn show(
    ui: &mut Ui,
    state: &mut CanvasState,
    atlas: &Atlas,
    visit: &Visit,
    selected: Option<PointId>,
) -> Vec<CanvasAction> {
    let mut actions = Vec::new();
    let views = state.shown_views();
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, Sense::hover());
    let width = full.width() / views.len() as f32;
    state.last_frames = [None; 2];
    for (i, &view) in views.iter().enumerate() {
        let rect = Rect::from_min_size(
            pos2(full.left() + i as f32 * width, full.top()),
            vec2(width, full.height()),
        )
        .shrink(4.0);
        show_view(ui, state, atlas, visit, selected, view, rect, &mut actions);
    }
    actions
}

#[allow(clippy::too_many_arguments)]
fn show_view(
    ui: &mut Ui,
    state: &mut CanvasState,
    atlas: &Atlas,
    visit: &Visit,
    selected: Option<PointId>,
    view: View,
    rect: Rect,
    actions: &mut Vec<CanvasAction>,
) {
    let id = Id::unique(("body_chart", view.label()));
    let response = ui.interact(rect, id, Sense::click_and_drag());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            format!("{} body chart", view.label()),
        )
    });
    handle_zoom(ui, state, view, rect, &response);
    let frame = DiagramFrame::new(view, rect, state.camera(view));
    state.last_frames[view_slot(view)] = Some(frame);

    let pointer = response.hover_pos();
    let hovered_point = pointer.and_then(|s| point_near(visit, &frame, state, s));
    let hovered_regions = match (pointer, hovered_point) {
        (Some(s), None) => atlas.regions_at(view, frame.to_patient(s)),
        _ => Vec::new(),
    };

    handle_pointer(ui, state, atlas, visit, &frame, &response, actions);

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 6.0, style::PAPER);
    painter.rect_stroke(
        rect,
        6.0,
        Stroke::new(1.0, Color32::from_gray(210)),
        egui::StrokeKind::Inside,
    );
    draw_body(&painter, atlas, &frame);
    let selected_region = selected
        .and_then(|id| visit.point(id))
        .filter(|p| p.view == view)
        .and_then(|p| {
            p.muscle
                .as_ref()
                .and_then(|m| atlas.region_of(m, p.side, view))
        });
    draw_muscles(
        &painter,
        atlas,
        &frame,
        state.show_deep,
        &hovered_regions,
        selected_region,
    );
    draw_titles(&painter, &frame);
    draw_points(&painter, visit, &frame, state, selected);

    if let Some(s) = pointer {
        let text = match hovered_point.and_then(|id| visit.point(id)) {
            Some(point) => Some(point_caption(atlas, visit, point)),
            None => hover_caption(atlas, &hovered_regions),
        };
        if let Some(text) = text {
            draw_caption(&painter, style::label_offset(s), &text);
        }
        if hovered_point.is_some() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grab);
        } else if !hovered_regions.is_empty() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
        }
    }
}

/// Mouse wheel and pinch zoom about the pointer.
fn handle_zoom(ui: &Ui, state: &mut CanvasState, view: View, rect: Rect, response: &Response) {
    let Some(pointer) = response.hover_pos() else {
        return;
    };
    let (pinch, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta().y));
    let factor = pinch * (scroll * 0.0025).exp();
    if (factor - 1.0).abs() < 1e-4 {
        return;
    }
    let camera = &mut state.cameras[view_slot(view)];
    let zoom = (camera.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
    let applied = zoom / camera.zoom;
    // Keep the figure point under the pointer where it is.
    let from_center = pointer - rect.center();
    camera.pan = from_center - (from_center - camera.pan) * applied;
    camera.zoom = zoom;
}

/// Clicks place or select points; drags move a point (from its marker) or pan (elsewhere).
fn handle_pointer(
    ui: &Ui,
    state: &mut CanvasState,
    atlas: &Atlas,
    visit: &Visit,
    frame: &DiagramFrame,
    response: &Response,
    actions: &mut Vec<CanvasAction>,
) {
    let view = frame.view;
    if response.drag_started_by(egui::PointerButton::Primary) {
        let origin = ui.input(|i| i.pointer.press_origin());
        let grabbed = origin.and_then(|s| point_near(visit, frame, state, s));
        if let Some(id) = grabbed
            && let Some(point) = visit.point(id)
        {
            state.point_drag = Some(PointDrag {
                id,
                view,
                pos: point.pos,
            });
            actions.push(CanvasAction::Select(Some(id)));
        }
    }
    let dragging_here = state.point_drag.is_some_and(|d| d.view == view);
    if response.dragged() {
        if dragging_here {
            if let (Some(drag), Some(s)) =
                (state.point_drag.as_mut(), response.interact_pointer_pos())
            {
                drag.pos = frame.to_patient(s);
            }
        } else {
            state.cameras[view_slot(view)].pan += response.drag_delta();
        }
    }
    if response.drag_stopped() && dragging_here {
        if let Some(drag) = state.point_drag.take()
            && atlas.inside_body(drag.pos)
            && visit.point(drag.id).is_some_and(|p| p.pos != drag.pos)
        {
            let (muscle, side) = identify(atlas, view, drag.pos);
            actions.push(CanvasAction::Edit(Edit::MovePoint {
                id: drag.id,
                pos: drag.pos,
                muscle,
                side,
            }));
        }
        state.point_drag = None;
    }
    if response.clicked()
        && let Some(s) = response.interact_pointer_pos()
    {
        if let Some(id) = point_near(visit, frame, state, s) {
            actions.push(CanvasAction::Select(Some(id)));
        } else {
            let pos = frame.to_patient(s);
            if atlas.inside_body(pos) {
                let (muscle, side) = identify(atlas, view, pos);
                let point = TriggerPoint::new(view, pos, muscle, side);
                let id = point.id;
                actions.push(CanvasAction::Edit(Edit::AddPoint(point)));
                actions.push(CanvasAction::Select(Some(id)));
            } else {
                actions.push(CanvasAction::Select(None));
            }
        }
    }
}

/// The point of this view whose marker is under screen position `s`, the nearest if several.
fn point_near(
    visit: &Visit,
    frame: &DiagramFrame,
    state: &CanvasState,
    s: Pos2,
) -> Option<PointId> {
    visit
        .points
        .iter()
        .filter(|p| p.view == frame.view)
        .map(|p| {
            let pos = match state.point_drag {
                Some(d) if d.id == p.id => d.pos,
                _ => p.pos,
            };
            (p.id, frame.to_screen(pos).distance(s))
        })
        .filter(|(_, d)| *d <= PICK_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

fn shape_points(frame: &DiagramFrame, shape: &Shape) -> Vec<Pos2> {
    shape.polygon.iter().map(|&p| frame.to_screen(p)).collect()
}

fn fill_shape(painter: &Painter, frame: &DiagramFrame, shape: &Shape, color: Color32) {
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(shape.polygon.len());
    mesh.reserve_triangles(shape.triangles.len() / 3);
    for &p in &shape.polygon {
        mesh.colored_vertex(frame.to_screen(p), color);
    }
    for tri in shape.triangles.chunks_exact(3) {
        mesh.add_triangle(tri[0], tri[1], tri[2]);
    }
    painter.add(egui::Shape::mesh(mesh));
}

/// The silhouette: every part's outline first, then every fill over it, so that only the outer
/// edge of the union shows.
fn draw_body(painter: &Painter, atlas: &Atlas, frame: &DiagramFrame) {
    let outline = Stroke::new(2.5, style::SKIN_OUTLINE);
    for part in atlas.silhouette() {
        painter.add(egui::Shape::closed_line(shape_points(frame, part), outline));
    }
    for part in atlas.silhouette() {
        fill_shape(painter, frame, part, style::SKIN);
    }
}

fn draw_muscles(
    painter: &Painter,
    atlas: &Atlas,
    frame: &DiagramFrame,
    show_deep: bool,
    hovered: &[RegionIndex],
    selected: Option<RegionIndex>,
) {
    let regions = atlas.regions();
    for (index, region) in regions.iter().enumerate() {
        if region.view != frame.view || atlas.muscle_of(region).layer != Layer::Superficial {
            continue;
        }
        fill_shape(painter, frame, &region.shape, style::MUSCLE_FILL);
        painter.add(egui::Shape::closed_line(
            shape_points(frame, &region.shape),
            Stroke::new(1.0, style::MUSCLE_OUTLINE),
        ));
        let _ = index;
    }
    if show_deep {
        for region in regions.iter() {
            if region.view != frame.view || atlas.muscle_of(region).layer != Layer::Deep {
                continue;
            }
            let mut points = shape_points(frame, &region.shape);
            if let Some(&first) = points.first() {
                points.push(first);
            }
            painter.extend(egui::Shape::dashed_line(
                &points,
                Stroke::new(1.0, style::DEEP_OUTLINE),
                4.0,
                3.0,
            ));
        }
    }
    if let Some(index) = selected {
        let shape = &regions[index].shape;
        fill_shape(painter, frame, shape, style::SELECTED_MUSCLE_FILL);
    }
    // Only the best candidate is highlighted: the one a click would choose.
    if let Some(&index) = hovered.first() {
        let shape = &regions[index].shape;
        fill_shape(painter, frame, shape, style::HOVER_FILL);
        painter.add(egui::Shape::closed_line(
            shape_points(frame, shape),
            Stroke::new(2.0, style::HOVER_FILL.to_opaque()),
        ));
    }
}

/// The view's title and the patient's sides, placed through the same transform as the figure so
/// that the letters can never disagree with the drawing.
fn draw_titles(painter: &Painter, frame: &DiagramFrame) {
    let title = match frame.view {
        View::Front => "FRONT (anterior)",
        View::Back => "BACK (posterior)",
    };
    painter.text(
        frame.rect.center_top() + vec2(0.0, 8.0),
        egui::Align2::CENTER_TOP,
        title,
        egui::FontId::proportional(15.0),
        style::LABEL,
    );
    for side in [Side::Left, Side::Right] {
        let x = match side {
            Side::Left => SIDE_LETTER_X,
            _ => -SIDE_LETTER_X,
        };
        let at = frame.to_screen(PatientPoint::new(x, SIDE_LETTER_Y));
        let at = pos2(
            at.x.clamp(frame.rect.left() + 18.0, frame.rect.right() - 18.0),
            at.y.clamp(frame.rect.top() + 40.0, frame.rect.bottom() - 20.0),
        );
        painter.text(
            at,
            egui::Align2::CENTER_CENTER,
            side.letter(),
            egui::FontId::proportional(30.0),
            style::LABEL,
        );
    }
}

fn draw_points(
    painter: &Painter,
    visit: &Visit,
    frame: &DiagramFrame,
    state: &CanvasState,
    selected: Option<PointId>,
) {
    for (index, point) in visit.points.iter().enumerate() {
        if point.view != frame.view {
            continue;
        }
        let pos = match state.point_drag {
            Some(d) if d.id == point.id => d.pos,
            _ => point.pos,
        };
        style::draw_marker(
            painter,
            frame.to_screen(pos),
            MARKER_RADIUS,
            point.status,
            Some(index + 1),
            selected == Some(point.id),
        );
    }
}

/// "Upper trapezius · Left", with any deeper candidates after it.
fn hover_caption(atlas: &Atlas, regions: &[RegionIndex]) -> Option<String> {
    let (&first, rest) = regions.split_first()?;
    let mut text = region_caption(atlas, first);
    if !rest.is_empty() {
        let others: Vec<String> = rest.iter().map(|&r| atlas.region_label(r)).collect();
        text.push_str(&format!("\nalso here: {}", others.join(", ")));
    }
    Some(text)
}

fn region_caption(atlas: &Atlas, index: RegionIndex) -> String {
    let region = &atlas.regions()[index];
    format!("{} · {}", atlas.muscle_of(region).name, region.side)
}

fn point_caption(atlas: &Atlas, visit: &Visit, point: &TriggerPoint) -> String {
    let number = visit.number_of(point.id).unwrap_or(0);
    let muscle = point
        .muscle
        .as_ref()
        .map_or("No muscle assigned", |m| atlas.muscle_name(m));
    format!(
        "#{number} {muscle} · {} · {}",
        point.side,
        point.status.label()
    )
}

fn draw_caption(painter: &Painter, at: Pos2, text: &str) {
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        egui::FontId::proportional(13.0),
        Color32::from_gray(20),
    );
    let rect = Rect::from_min_size(at, galley.size()).expand(4.0);
    let clip = painter.clip_rect();
    // Keep the caption inside the diagram.
    let shift = vec2(
        (clip.right() - rect.right()).min(0.0) + (clip.left() - rect.left()).max(0.0),
        (clip.top() - rect.top()).max(0.0),
    );
    let rect = rect.translate(shift);
    painter.rect_filled(
        rect,
        4.0,
        Color32::from_rgba_unmultiplied(255, 255, 240, 235),
    );
    painter.rect_stroke(
        rect,
        4.0,
        Stroke::new(1.0, Color32::from_gray(160)),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.min + vec2(4.0, 4.0), galley, Color32::from_gray(20));
}

//! The body-chart canvas: draws the front and back diagrams with their muscles and points, and
//! turns clicks and drags into [`Action`]s. It never changes the visit itself.

use super::action::Action;
use super::marker_sprites::{MarkerSprites, Sprite};
use super::style;
use crate::atlas::{Atlas, Layer, RegionIndex, Shape};
use crate::chart_style;
use crate::editing::{Edit, identify};
use crate::geometry::{DiagramPoint, PatientPoint, ViewExtent, from_diagram, to_diagram};
use crate::model::{PointId, Side, TriggerPoint, View, Visit};
use egui::{Color32, Id, Mesh, Painter, Pos2, Rect, Response, Sense, Stroke, Ui, Vec2, pos2, vec2};
use std::sync::Arc;

/// The area drawn around a view's figure (shared with the printed chart), and how it fits the
/// screen.
type Extent = ViewExtent;

/// How a view's extent fits a screen rectangle.
trait Fit {
    /// The scale at which it fits `rect`.
    fn fit(self, rect: Rect) -> f32;
    /// Its vertical middle.
    fn middle(self) -> f32;
}

impl Fit for Extent {
    fn fit(self, rect: Rect) -> f32 {
        (rect.width() / self.width()).min(rect.height() / self.height())
    }

    fn middle(self) -> f32 {
        (self.top + self.bottom) / 2.0
    }
}

/// How many views there are (the size of the per-view arrays).
const VIEWS: usize = View::ALL.len();
/// How near (screen points) the pointer must be to a marker to pick it.
const PICK_RADIUS: f32 = 11.0;
/// Screen distance below which outline vertices are merged when drawing.
const MIN_VERTEX_SPACING: f32 = 5.0;
/// Zoom limits.
const MIN_ZOOM: f32 = 0.5;
const MAX_ZOOM: f32 = 8.0;
/// How near the midline (patient frame, ≈5 mm at 175 cm) a click is said to be on it: its side
/// is then told in the status bar.
const MIDLINE_BAND: f32 = 0.003;

/// Which diagrams are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Front and back side by side.
    Both,
    /// One view only.
    Single(View),
    /// The left and right profiles of the head and neck side by side.
    Profiles,
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
    /// Whether every deep muscle is outlined; otherwise only those under the pointer are.
    pub show_deep: bool,
    /// Whether the landmark layer (face, ears, bones) is drawn.
    pub show_landmarks: bool,
    cameras: [Camera; VIEWS],
    point_drag: Option<PointDrag>,
    /// The screen rectangle and transform of each diagram last frame, for tests and tooltips.
    last_frames: [Option<DiagramFrame>; VIEWS],
    /// The body and its muscles of each view, tessellated once for the current frame geometry:
    /// they change only on zoom, pan or resize, and drawing them anew every frame would cost more
    /// than the rest of the window together.
    static_layers: [Option<StaticLayer>; VIEWS],
    /// The point markers of each view, tessellated once per change (see [`draw_points`]).
    marker_layers: [Option<MarkerLayer>; VIEWS],
}

/// The point markers (one sprite quad each) and their numbers, tessellated, and what they were
/// made for.
#[derive(Debug)]
struct MarkerLayer {
    key: MarkerLayerKey,
    probe: Arc<egui::Galley>,
    markers: Arc<Mesh>,
    numbers: Arc<Mesh>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct MarkerLayerKey {
    frame: DiagramFrame,
    revision: u64,
    selected: Option<PointId>,
    drag: Option<(PointId, PatientPoint)>,
    pixels_per_point: f32,
}

/// A tessellated body-and-muscles layer and what it was made for.
#[derive(Debug)]
struct StaticLayer {
    key: StaticLayerKey,
    mesh: Arc<Mesh>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct StaticLayerKey {
    frame: DiagramFrame,
    /// Which atlas (figure) it was drawn from: another visit may be of another figure.
    atlas: usize,
    show_deep: bool,
    show_landmarks: bool,
    pixels_per_point: f32,
}

impl Default for CanvasState {
    fn default() -> Self {
        CanvasState {
            layout: Layout::Both,
            show_deep: false,
            show_landmarks: true,
            cameras: [Camera::default(); VIEWS],
            point_drag: None,
            last_frames: [None; VIEWS],
            static_layers: std::array::from_fn(|_| None),
            marker_layers: std::array::from_fn(|_| None),
        }
    }
}

fn view_slot(view: View) -> usize {
    match view {
        View::Front => 0,
        View::Back => 1,
        View::LeftProfile => 2,
        View::RightProfile => 3,
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
        let extent = Extent::of(view);
        let scale = extent.fit(rect) * camera.zoom;
        let origin = rect.center() + camera.pan - vec2(0.0, extent.middle() * scale);
        DiagramFrame {
            view,
            rect,
            origin,
            scale,
        }
    }

    fn screen_of(&self, p: PatientPoint) -> Pos2 {
        let d = to_diagram(self.view, p);
        pos2(
            self.origin.x + d.u * self.scale,
            self.origin.y + d.v * self.scale,
        )
    }

    fn patient_at(&self, s: Pos2) -> PatientPoint {
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

    /// Zooms `view` in on `points` (patient frame), with a margin around them, so that they
    /// and what lies between them fill the diagram; the whole figure when there are none. Uses
    /// the diagram's size last frame; nothing happens for a view not shown.
    pub fn zoom_to_points(&mut self, view: View, points: &[PatientPoint]) {
        /// The margin around the points, in fractions of body height (about 15 cm).
        const MARGIN: f32 = 0.08;
        let Some(frame) = self.last_frames[view_slot(view)] else {
            return;
        };
        let camera = &mut self.cameras[view_slot(view)];
        if points.is_empty() {
            *camera = Camera::default();
            return;
        }
        let (mut min, mut max) = (vec2(f32::MAX, f32::MAX), vec2(f32::MIN, f32::MIN));
        for &p in points {
            let d = to_diagram(view, p);
            min = min.min(vec2(d.u, d.v));
            max = max.max(vec2(d.u, d.v));
        }
        let size = (max - min) + Vec2::splat(2.0 * MARGIN);
        let extent = Extent::of(view);
        let zoom = ((2.0 * extent.half_width) / size.x)
            .min((extent.bottom - extent.top) / size.y)
            .clamp(MIN_ZOOM, MAX_ZOOM);
        let scale = extent.fit(frame.rect) * zoom;
        let centre = (min + max) / 2.0;
        let mid = extent.middle();
        *camera = Camera {
            zoom,
            pan: vec2(-centre.x * scale, -(centre.y - mid) * scale),
        };
    }

    /// Restores the whole-figure view of every diagram.
    pub fn reset_cameras(&mut self) {
        self.cameras = [Camera::default(); VIEWS];
    }

    /// The views shown in the current layout.
    pub fn shown_views(&self) -> Vec<View> {
        match self.layout {
            Layout::Both => View::BODY.to_vec(),
            Layout::Single(view) => vec![view],
            Layout::Profiles => View::PROFILES.to_vec(),
        }
    }

    /// How each view shown last frame maps to the screen, one line each: the view, the screen
    /// position of its origin (the midline at the vertex; the ear plane at the vertex on a
    /// profile), its scale in points per fraction of height, and the sign of `x` on screen
    /// (`u = sign × x`). For checks of the real window, which click where a clinician would.
    pub fn layout_report(&self) -> String {
        let mut report = String::new();
        for frame in self.last_frames.iter().flatten() {
            let sign = to_diagram(frame.view, PatientPoint::new(1.0, 0.0)).u;
            report.push_str(&format!(
                "{:?}\t{:.2}\t{:.2}\t{:.3}\t{sign}\n",
                frame.view, frame.origin.x, frame.origin.y, frame.scale
            ));
        }
        report
    }

    /// Where a patient-frame point of `view` was drawn last frame (None if that view was not
    /// shown). Used by UI tests to click where a clinician would.
    pub fn screen_pos(&self, view: View, p: PatientPoint) -> Option<Pos2> {
        self.last_frames[view_slot(view)].map(|f| f.screen_of(p))
    }

    /// The screen rectangle `view` was drawn in last frame (None if it was not shown), for
    /// overlays drawn over the chart (the previous visit's points, comparison rings).
    pub fn view_rect(&self, view: View) -> Option<Rect> {
        self.last_frames[view_slot(view)].map(|f| f.rect)
    }

    /// The point being dragged, if any, with its current position.
    pub fn dragged_point(&self) -> Option<(PointId, PatientPoint)> {
        self.point_drag.map(|d| (d.id, d.pos))
    }
}

/// Draws the canvas and returns what the user did. `revision` changes whenever the visit does
/// (see [`Document::revision`](crate::editing::Document::revision)).
pub fn show(
    ui: &mut Ui,
    state: &mut CanvasState,
    atlas: &Atlas,
    visit: &Visit,
    revision: u64,
    selected: Option<PointId>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let views = state.shown_views();
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, Sense::hover());
    let width = full.width() / views.len() as f32;
    state.last_frames = [None; VIEWS];
    for (i, &view) in views.iter().enumerate() {
        let rect = Rect::from_min_size(
            pos2(full.left() + i as f32 * width, full.top()),
            vec2(width, full.height()),
        )
        .shrink(4.0);
        let chart = Chart {
            visit,
            revision,
            selected,
        };
        show_view(ui, state, atlas, &chart, view, rect, &mut actions);
    }
    actions
}

/// What is charted: the visit, its revision and the selected point.
struct Chart<'a> {
    visit: &'a Visit,
    revision: u64,
    selected: Option<PointId>,
}

fn show_view(
    ui: &mut Ui,
    state: &mut CanvasState,
    atlas: &Atlas,
    chart: &Chart<'_>,
    view: View,
    rect: Rect,
    actions: &mut Vec<Action>,
) {
    let Chart {
        visit,
        revision,
        selected,
    } = *chart;
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
        (Some(s), None) => atlas.regions_at(view, frame.patient_at(s)),
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
    let layer = static_layer(ui.ctx(), state, atlas, &frame);
    painter.add(egui::Shape::mesh(layer));
    let selected_region = selected
        .and_then(|id| visit.point(id))
        .filter(|p| p.view == view)
        .and_then(|p| {
            p.muscle
                .as_ref()
                .and_then(|m| atlas.region_of(m, p.side, view))
        });
    draw_highlights(&painter, atlas, &frame, &hovered_regions, selected_region);
    draw_titles(&painter, &frame);
    draw_points(&painter, visit, revision, &frame, state, selected);

    if let Some(s) = pointer {
        let text = match hovered_point.and_then(|id| visit.point(id)) {
            Some(point) => Some(point_caption(atlas, visit, point)),
            None => hover_caption(atlas, &hovered_regions),
        };
        if let Some(text) = text {
            // Over the whole window, so that a long caption is not cut at the diagram's edge.
            let caption_painter = ui
                .ctx()
                .layer_painter(egui::LayerId::new(egui::Order::Tooltip, id.with("caption")))
                .with_clip_rect(ui.clip_rect());
            draw_caption(&caption_painter, style::label_offset(s), &text);
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
    actions: &mut Vec<Action>,
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
            actions.push(Action::Select(Some(id)));
        }
    }
    let dragging_here = state.point_drag.is_some_and(|d| d.view == view);
    if response.dragged() {
        if dragging_here {
            if let (Some(drag), Some(s)) =
                (state.point_drag.as_mut(), response.interact_pointer_pos())
            {
                drag.pos = frame.patient_at(s);
            }
        } else {
            state.cameras[view_slot(view)].pan += response.drag_delta();
        }
    }
    if response.drag_stopped() && dragging_here {
        if let Some(drag) = state.point_drag.take()
            && atlas.inside_body_on(view, drag.pos)
            && visit.point(drag.id).is_some_and(|p| p.pos != drag.pos)
        {
            let (muscle, side) = identify(atlas, view, drag.pos);
            actions.push(Action::Edit(Edit::MovePoint {
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
            actions.push(Action::Select(Some(id)));
        } else {
            let pos = frame.patient_at(s);
            if atlas.inside_body_on(view, pos) {
                let (muscle, side) = identify(atlas, view, pos);
                let on_midline = pos.x.abs() < MIDLINE_BAND && side != Side::Midline;
                let point = TriggerPoint::new(view, pos, muscle, side);
                let id = point.id;
                actions.push(Action::Edit(Edit::AddPoint(point)));
                actions.push(Action::Select(Some(id)));
                if on_midline {
                    // A pixel decides the side here: say which one was recorded.
                    actions.push(Action::Status(format!(
                        "Placed on the midline: recorded as the patient's {}. Check the side in the form.",
                        side.label()
                    )));
                }
            } else {
                actions.push(Action::Select(None));
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
            (p.id, frame.screen_of(pos).distance(s))
        })
        .filter(|(_, d)| *d <= PICK_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

fn shape_points(frame: &DiagramFrame, shape: &Shape) -> Vec<Pos2> {
    shape.polygon.iter().map(|&p| frame.screen_of(p)).collect()
}

/// The outline on screen without vertices closer than [`MIN_VERTEX_SPACING`] to the last one
/// kept: the smooth outlines have more vertices than a screen needs at ordinary zoom.
fn screen_outline(frame: &DiagramFrame, shape: &Shape) -> Vec<Pos2> {
    screen_line(frame, &shape.polygon)
}

/// `points` on screen, vertices closer than [`MIN_VERTEX_SPACING`] merged.
fn screen_line(frame: &DiagramFrame, points: &[PatientPoint]) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(points.len());
    for p in points.iter().map(|&p| frame.screen_of(p)) {
        if out
            .last()
            .is_none_or(|last| last.distance(p) >= MIN_VERTEX_SPACING)
        {
            out.push(p);
        }
    }
    out
}

/// A filled outline as a mesh (egui fills only convex paths; the outlines are concave),
/// triangulated on screen after merging close vertices.
fn simplified_fill(points: &[Pos2], color: Color32) -> egui::Shape {
    let triangles = crate::geometry::triangulate_xy(points.iter().map(|p| [p.x, p.y]));
    filled_mesh(points.iter().copied(), &triangles, color)
}

/// A filled shape as a mesh (egui fills only convex paths; the outlines are concave).
fn fill_mesh(frame: &DiagramFrame, shape: &Shape, color: Color32) -> egui::Shape {
    let points = shape.polygon.iter().map(|&p| frame.screen_of(p));
    filled_mesh(points, &shape.triangles, color)
}

/// A mesh of `points` in one colour, filled by `triangles` (indices, three per triangle).
fn filled_mesh(
    points: impl ExactSizeIterator<Item = Pos2>,
    triangles: &[u32],
    color: Color32,
) -> egui::Shape {
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(points.len());
    mesh.reserve_triangles(triangles.len() / 3);
    for p in points {
        mesh.colored_vertex(p, color);
    }
    for tri in triangles.chunks_exact(3) {
        mesh.add_triangle(tri[0], tri[1], tri[2]);
    }
    egui::Shape::mesh(mesh)
}

/// The body and muscles of a view, from the cache when the geometry has not changed.
fn static_layer(
    ctx: &egui::Context,
    state: &mut CanvasState,
    atlas: &Atlas,
    frame: &DiagramFrame,
) -> Arc<Mesh> {
    let key = StaticLayerKey {
        frame: *frame,
        atlas: std::ptr::from_ref(atlas) as usize,
        show_deep: state.show_deep,
        show_landmarks: state.show_landmarks,
        pixels_per_point: ctx.pixels_per_point(),
    };
    let slot = &mut state.static_layers[view_slot(frame.view)];
    if let Some(layer) = slot.as_ref().filter(|l| l.key == key) {
        return layer.mesh.clone();
    }
    let mut shapes = Vec::new();
    body_shapes(atlas, frame, &mut shapes);
    if state.show_landmarks {
        landmark_shapes(atlas, frame, &mut shapes);
    }
    muscle_shapes(atlas, frame, state.show_deep, &mut shapes);
    let mesh = tessellate(ctx, key.pixels_per_point, shapes);
    *slot = Some(StaticLayer {
        key,
        mesh: mesh.clone(),
    });
    mesh
}

/// Tessellates `shapes` once into one mesh, to be drawn again unchanged in later frames.
fn tessellate(ctx: &egui::Context, pixels_per_point: f32, shapes: Vec<egui::Shape>) -> Arc<Mesh> {
    let mut tessellator = egui::epaint::Tessellator::new(
        pixels_per_point,
        ctx.tessellation_options(|o| *o),
        ctx.fonts(|f| f.font_image_size()),
        Vec::new(),
    );
    let mut mesh = Mesh::default();
    for shape in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    Arc::new(mesh)
}

/// The silhouette: every part's outline first, then every fill over it, so that only the outer
/// edge of the union shows.
fn body_shapes(atlas: &Atlas, frame: &DiagramFrame, out: &mut Vec<egui::Shape>) {
    let outline = Stroke::new(2.5, style::SKIN_OUTLINE);
    let parts: Vec<Vec<Pos2>> = atlas
        .silhouette_on(frame.view)
        .map(|part| screen_outline(frame, part))
        .collect();
    for points in &parts {
        out.push(egui::Shape::closed_line(points.clone(), outline));
    }
    for points in &parts {
        out.push(simplified_fill(points, style::SKIN));
    }
}

/// The landmark layer (face, ears, clavicles, scapulae, crests, patellae, malleoli): faint lines
/// over the skin and under the muscles, never hit-tested.
fn landmark_shapes(atlas: &Atlas, frame: &DiagramFrame, out: &mut Vec<egui::Shape>) {
    for landmark in atlas.landmarks_on(frame.view) {
        let stroke = if landmark.emphasis {
            Stroke::new(1.6, style::SKIN_OUTLINE)
        } else {
            Stroke::new(1.2, style::LANDMARK)
        };
        // Merged like the muscles' outlines: an ear or a patella needs no more vertices.
        let points = screen_line(frame, &landmark.points);
        out.push(if landmark.closed {
            egui::Shape::closed_line(points, stroke)
        } else {
            egui::Shape::line(points, stroke)
        });
    }
}

/// Superficial muscles filled and outlined; deep muscles as dashed outlines over them.
fn muscle_shapes(atlas: &Atlas, frame: &DiagramFrame, show_deep: bool, out: &mut Vec<egui::Shape>) {
    let on_view = |layer: Layer| {
        atlas
            .regions()
            .iter()
            .filter(move |r| r.view == frame.view && atlas.muscle_of(r).layer == layer)
    };
    for region in on_view(Layer::Superficial) {
        let points = screen_outline(frame, &region.shape);
        out.push(simplified_fill(&points, style::MUSCLE_FILL));
        out.push(egui::Shape::closed_line(
            points,
            Stroke::new(1.0, style::MUSCLE_OUTLINE),
        ));
    }
    if show_deep {
        for region in on_view(Layer::Deep) {
            let mut points = screen_outline(frame, &region.shape);
            if let Some(&first) = points.first() {
                points.push(first);
            }
            out.extend(egui::Shape::dashed_line(
                &points,
                Stroke::new(1.0, style::DEEP_OUTLINE),
                7.0,
                4.0,
            ));
        }
    }
}

/// The selected point's muscle and the muscle a click would choose, over the static layer.
fn draw_highlights(
    painter: &Painter,
    atlas: &Atlas,
    frame: &DiagramFrame,
    hovered: &[RegionIndex],
    selected: Option<RegionIndex>,
) {
    let regions = atlas.regions();
    if let Some(index) = selected {
        painter.add(fill_mesh(
            frame,
            &regions[index].shape,
            style::SELECTED_MUSCLE_FILL,
        ));
    }
    // The best candidate, the one a click would choose, is filled; the muscles under it (deep
    // ones, hidden until then unless all deep muscles are shown) are outlined.
    if let Some((&index, others)) = hovered.split_first() {
        let shape = &regions[index].shape;
        painter.add(fill_mesh(frame, shape, style::HOVER_FILL));
        painter.add(egui::Shape::closed_line(
            shape_points(frame, shape),
            Stroke::new(2.0, style::HOVER_FILL.to_opaque()),
        ));
        for &other in others {
            let mut points = shape_points(frame, &regions[other].shape);
            if let Some(&first) = points.first() {
                points.push(first);
            }
            painter.extend(egui::Shape::dashed_line(
                &points,
                Stroke::new(1.5, style::DEEP_OUTLINE.to_opaque()),
                5.0,
                3.0,
            ));
        }
    }
}

/// The view's title and the patient's sides, placed through the same transform as the figure so
/// that the letters can never disagree with the drawing.
fn draw_titles(painter: &Painter, frame: &DiagramFrame) {
    let title = chart_style::view_title(frame.view);
    painter.text(
        frame.rect.center_top() + vec2(0.0, 8.0),
        egui::Align2::CENTER_TOP,
        title,
        egui::FontId::proportional(15.0),
        style::LABEL,
    );
    let letters = chart_style::side_letters(frame.view);
    for (side, place) in letters {
        let at = frame.screen_of(place);
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

/// The points of a view, from the cache when neither the visit, the selection, a drag nor the
/// geometry has changed since the last frame (laying out hundreds of numbers every frame would
/// cost more than the rest of the window).
fn draw_points(
    painter: &Painter,
    visit: &Visit,
    revision: u64,
    frame: &DiagramFrame,
    state: &mut CanvasState,
    selected: Option<PointId>,
) {
    // A galley egui lays out again whenever its font atlas is rebuilt: the cached numbers are
    // valid as long as egui hands back this same galley.
    let probe = painter.layout_no_wrap(
        "0123456789".to_owned(),
        style::number_font(1),
        Color32::WHITE,
    );
    let key = MarkerLayerKey {
        frame: *frame,
        revision,
        selected,
        drag: state.dragged_point(),
        pixels_per_point: painter.pixels_per_point(),
    };
    let sprites = MarkerSprites::of(painter.ctx());
    let slot = &mut state.marker_layers[view_slot(frame.view)];
    if let Some(layer) = slot
        .as_ref()
        .filter(|l| l.key == key && Arc::ptr_eq(&l.probe, &probe))
    {
        painter.add(egui::Shape::mesh(layer.markers.clone()));
        painter.add(egui::Shape::mesh(layer.numbers.clone()));
        return;
    }
    let mut markers = sprites.mesh();
    let mut numbers = Vec::new();
    for (index, point) in visit.points.iter().enumerate() {
        if point.view != frame.view {
            continue;
        }
        let pos = match key.drag {
            Some((id, pos)) if id == point.id => pos,
            _ => point.pos,
        };
        let center = frame.screen_of(pos);
        if selected == Some(point.id) {
            sprites.add(&mut markers, Sprite::Halo, center);
        }
        sprites.add(&mut markers, Sprite::Marker(point.status), center);
        numbers.push(style::number_shape(
            painter,
            center,
            point.status,
            index + 1,
        ));
    }
    let markers = Arc::new(markers);
    let numbers = tessellate(painter.ctx(), key.pixels_per_point, numbers);
    painter.add(egui::Shape::mesh(markers.clone()));
    painter.add(egui::Shape::mesh(numbers.clone()));
    *slot = Some(MarkerLayer {
        key,
        probe,
        markers,
        numbers,
    });
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
    // Keep the caption inside the chart: pushed left from the right edge first, then right from
    // the left edge, so that its start stays readable.
    let dx = (clip.right() - rect.right()).min(0.0);
    let dx = dx + (clip.left() - (rect.left() + dx)).max(0.0);
    let shift = vec2(dx, (clip.top() - rect.top()).max(0.0));
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

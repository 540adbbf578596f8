//! Point markers drawn once into a small texture, so that each marker on the chart is a single
//! textured quad: a visit of hundreds of points then costs little more per frame than an empty
//! one.
//!
//! The chart, the point list and the legend all draw their markers from these sprites, so they
//! always agree. The sprites are rasterised here from signed distances, with one pixel of
//! anti-aliasing at four times the marker's size: active points are filled circles, latent points
//! diamonds, unclassified points open circles, points to re-examine dashed circles and resolved
//! points open squares.

use super::style;
use crate::model::Status;
use egui::{Color32, ColorImage, Mesh, Pos2, Rect, TextureHandle, TextureOptions, pos2, vec2};
use std::sync::Arc;

/// Half the side of a sprite cell, in points: room for the selection halo.
const HALF: f32 = 15.0;
/// Pixels per point in the texture.
const SCALE: f32 = 4.0;
/// A cell's side in pixels.
const CELL: usize = (2.0 * HALF * SCALE) as usize;

/// One picture in the texture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sprite {
    /// A marker of this status.
    Marker(Status),
    /// The ring drawn under the selected marker.
    Halo,
}

const SPRITES: [Sprite; 6] = [
    Sprite::Marker(Status::Active),
    Sprite::Marker(Status::Latent),
    Sprite::Marker(Status::Unclassified),
    Sprite::Marker(Status::ToReexamine),
    Sprite::Marker(Status::Resolved),
    Sprite::Halo,
];

/// The radius of a point marker on the chart, in points.
pub const MARKER_RADIUS: f32 = crate::chart_style::MARKER_RADIUS;

/// The marker texture, uploaded once per app.
pub struct MarkerSprites {
    texture: TextureHandle,
}

impl std::fmt::Debug for MarkerSprites {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MarkerSprites")
    }
}

impl MarkerSprites {
    /// The app's sprites, made and uploaded on first use and kept in egui's memory. (Shared
    /// behind an `Arc`: cloning a texture handle takes egui's texture lock, and the point list
    /// asks for the sprites once per row.)
    pub fn of(ctx: &egui::Context) -> Arc<Self> {
        let id = egui::Id::unique("triggermap-marker-sprites");
        if let Some(sprites) = ctx.data(|d| d.get_temp::<Arc<MarkerSprites>>(id)) {
            return sprites;
        }
        let sprites = Arc::new(MarkerSprites::new(ctx, MARKER_RADIUS));
        ctx.data_mut(|d| d.insert_temp(id, sprites.clone()));
        sprites
    }

    /// Paints `sprite` centred at `center`, `scale` times its chart size (for lists and legends).
    pub fn paint(&self, painter: &egui::Painter, sprite: Sprite, center: Pos2, scale: f32) {
        let rect = Rect::from_center_size(center, vec2(2.0 * HALF, 2.0 * HALF) * scale);
        painter.image(self.texture.id(), rect, Self::uv(sprite), Color32::WHITE);
    }

    fn uv(sprite: Sprite) -> Rect {
        let index = SPRITES.iter().position(|s| *s == sprite).unwrap_or(0) as f32;
        let count = SPRITES.len() as f32;
        Rect::from_min_max(pos2(index / count, 0.0), pos2((index + 1.0) / count, 1.0))
    }

    /// Draws the sprites for a marker of `radius` points and uploads them.
    fn new(ctx: &egui::Context, radius: f32) -> Self {
        let width = CELL * SPRITES.len();
        let mut pixels = vec![Color32::TRANSPARENT; width * CELL];
        for (cell, sprite) in SPRITES.iter().enumerate() {
            for py in 0..CELL {
                for px in 0..CELL {
                    let x = (px as f32 + 0.5) / SCALE - HALF;
                    let y = (py as f32 + 0.5) / SCALE - HALF;
                    pixels[py * width + cell * CELL + px] = shade(*sprite, radius, x, y);
                }
            }
        }
        let image = ColorImage::new([width, CELL], pixels);
        let texture = ctx.load_texture("point-markers", image, TextureOptions::LINEAR);
        MarkerSprites { texture }
    }

    /// An empty mesh on the sprite texture.
    pub fn mesh(&self) -> Mesh {
        Mesh::with_texture(self.texture.id())
    }

    /// Adds `sprite` centred at `center` to `mesh` (made by [`MarkerSprites::mesh`]).
    pub fn add(&self, mesh: &mut Mesh, sprite: Sprite, center: Pos2) {
        let rect = Rect::from_center_size(center, vec2(2.0 * HALF, 2.0 * HALF));
        mesh.add_rect_with_uv(rect, Self::uv(sprite), Color32::WHITE);
    }
}

/// A layer of a sprite: a shape (its signed distance in points, negative inside) and a colour.
type Layer = (f32, Color32);

/// The premultiplied colour of `sprite` at (`x`, `y`) points from its centre.
fn shade(sprite: Sprite, radius: f32, x: f32, y: f32) -> Color32 {
    let r = radius;
    let len = x.hypot(y);
    let disc = |radius: f32| len - radius;
    let diamond = |radius: f32| (x.abs() + y.abs() - radius) / std::f32::consts::SQRT_2;
    let square = |half: f32| x.abs().max(y.abs()) - half;
    let ring = |inner: f32, outer: f32| (inner - len).max(len - outer);
    let layers: Vec<Layer> = match sprite {
        Sprite::Halo => vec![
            (ring(r + 3.5, r + 6.0), Color32::from_rgb(255, 200, 0)),
            (disc(r + 3.5), Color32::WHITE),
        ],
        Sprite::Marker(status) => {
            let color = style::status_color(status);
            match status {
                Status::Active => vec![(disc(r + 1.5), Color32::WHITE), (disc(r), color)],
                Status::Latent => vec![
                    (diamond(r * 1.25 + 2.0), Color32::WHITE),
                    (diamond(r * 1.25), color),
                ],
                Status::Unclassified => {
                    vec![(disc(r + 1.0), color), (disc(r - 1.0), Color32::WHITE)]
                }
                Status::ToReexamine => {
                    let angle = y.atan2(x) / std::f32::consts::TAU + 0.5;
                    let in_dash = (angle * 12.0).fract() < 0.6;
                    let mut layers = vec![(disc(r), Color32::from_white_alpha(220))];
                    if in_dash {
                        layers.push((ring(r - 1.0, r + 1.0), color));
                    }
                    layers
                }
                Status::Resolved => vec![
                    (square(r * 0.9 + 0.75), color),
                    (square(r * 0.9 - 0.75), Color32::WHITE),
                ],
            }
        }
    };
    layers
        .into_iter()
        .fold(Color32::TRANSPARENT, |below, (distance, color)| {
            let coverage = (0.5 - distance * SCALE).clamp(0.0, 1.0);
            over(color.gamma_multiply(coverage), below)
        })
}

/// `top` composited over `below` (premultiplied alpha).
fn over(top: Color32, below: Color32) -> Color32 {
    let keep = 1.0 - top.a() as f32 / 255.0;
    let mix = |t: u8, b: u8| (t as f32 + b as f32 * keep).round().min(255.0) as u8;
    Color32::from_rgba_premultiplied(
        mix(top.r(), below.r()),
        mix(top.g(), below.g()),
        mix(top.b(), below.b()),
        mix(top.a(), below.a()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_markers_are_red_inside_white_at_the_rim_and_clear_outside() {
        let status = Status::Active;
        let inside = shade(Sprite::Marker(status), 8.0, 0.0, 0.0);
        assert_eq!(inside, style::status_color(status));
        let rim = shade(Sprite::Marker(status), 8.0, 8.8, 0.0);
        assert_eq!(rim, Color32::WHITE);
        assert_eq!(
            shade(Sprite::Marker(status), 8.0, 12.0, 0.0),
            Color32::TRANSPARENT
        );
    }

    #[test]
    fn latent_markers_are_diamonds_not_circles() {
        let status = Status::Latent;
        // On the diagonal, a circle of the same size would cover this point; a diamond does not.
        let diagonal = shade(Sprite::Marker(status), 8.0, 6.5, 6.5);
        assert_eq!(diagonal, Color32::TRANSPARENT);
        let on_axis = shade(Sprite::Marker(status), 8.0, 9.0, 0.0);
        assert_eq!(on_axis, style::status_color(status));
    }
}

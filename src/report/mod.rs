//! The visit drawn for the patient's record: the body charts as SVG ([`chart`]) and as a PNG at
//! print resolution ([`chart_png`]), rendered without a window or GPU from the same geometry and
//! palette as the screen, and the visit report as PDF ([`report_pdf`]), with the font shipped in
//! `assets/fonts` (no system font assumed).

pub mod chart;
mod pdf;

use crate::atlas::Atlas;
use crate::model::Visit;

pub use chart::{Panel, chart_svg, chart_views, layout};
pub use pdf::report_pdf;

/// The font the charts are set in: DejaVu Sans (its licence is `assets/fonts/DejaVu-LICENSE.txt`).
const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Its bold face, for the report's headings and table headers.
const DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Pixels per fraction of body height of the PNG chart: a body about 2,800 pixels tall, 24 cm
/// at 300 dots per inch.
pub const PRINT_SCALE: f32 = 2600.0;

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The SVG could not be read back (a bug: it is made here).
    #[error("the chart could not be drawn: {0}")]
    Svg(String),
    /// The picture has no size or could not be encoded.
    #[error("the chart could not be rendered: {0}")]
    Render(String),
    /// The report could not be laid out (a bug in the template: it is made here).
    #[error("the report could not be laid out: {0}")]
    Layout(String),
}

/// The chart of `visit` (its front and back, and the head profiles when it has a point on one)
/// as a PNG at `scale` pixels per fraction of body height ([`PRINT_SCALE`] for print).
pub fn chart_png(visit: &Visit, atlas: &Atlas, scale: f32) -> Result<Vec<u8>, ReportError> {
    let svg = chart_svg(visit, atlas, &chart_views(visit), scale);
    svg_to_png(&svg)
}

/// Renders an SVG made here to PNG, with the shipped font only.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, ReportError> {
    let mut options = usvg::Options::default();
    options.fontdb_mut().load_font_data(DEJAVU_SANS.to_vec());
    let fonts = options.fontdb_mut();
    fonts.set_sans_serif_family(chart::FONT_FAMILY);
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| ReportError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| ReportError::Render(format!("no picture of {size:?}")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ReportError::Render(e.to_string()))
}

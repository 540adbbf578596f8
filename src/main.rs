//! The `triggermap` binary: the charting app, or a headless command.

use clap::{Parser, Subcommand};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use triggermap::atlas::Atlas;
use triggermap::cli;
use triggermap::history::table::VisitColumns;
use triggermap::model::{Figure, View};

/// Chart myofascial trigger points on anatomical body maps.
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Args {
    /// A visit file to open in the app.
    file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check visit files: one line per file, exit status 1 if any is invalid.
    Check {
        /// The visit files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the atlas regions: id, name, side, views, group (tab-separated).
    Atlas,
    /// List unsaved work that crashed or killed sessions left for recovery.
    Recovery,
    /// Name the regions at a point of the patient frame.
    Locate {
        /// front, back, left-profile or right-profile.
        #[arg(long, value_parser = parse_view)]
        view: View,
        /// The body figure: male (the default) or female.
        #[arg(long, value_parser = parse_figure, default_value = "male")]
        figure: Figure,
        /// Distance from the midline as a fraction of height, + toward the patient's left; on a
        /// profile, the distance in front of the ear, + toward the face.
        #[arg(allow_negative_numbers = true)]
        x: f32,
        /// Fraction of height from the vertex (0) to the sole (1).
        #[arg(allow_negative_numbers = true)]
        y: f32,
    },
    /// Print a patient's knots across visits as a table, with the files that could not be loaded.
    ///
    /// One row per knot: muscle, side, first and last seen, status and pain at each visit, trend.
    /// The last 12 visits are shown as columns, with the knots charted at them.
    History {
        /// The patient's folder of visit files.
        folder: PathBuf,
        /// Show the last N visits as columns (and the knots charted at them).
        #[arg(long, value_name = "N", conflicts_with = "all")]
        last: Option<NonZeroUsize>,
        /// Show every visit as a column, and every knot.
        #[arg(long)]
        all: bool,
    },
    /// Compare two visits of a patient: new, resolved, better, worse and unchanged knots.
    Compare {
        /// The earlier visit file.
        a: PathBuf,
        /// The later visit file.
        b: PathBuf,
    },
    /// Export a visit for the patient's record; the visit file is only read.
    Export {
        /// The visit file to export as a FHIR R4 Bundle (JSON, type collection).
        #[arg(long, value_name = "VISIT")]
        fhir: PathBuf,
        /// Write to FILE (replaced atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Draw a visit for the record; the visit file is only read.
    #[command(group(clap::ArgGroup::new("output").required(true).multiple(true).args(["png", "pdf"])))]
    Report {
        /// The visit file.
        visit: PathBuf,
        /// Write its body charts as a PNG at print resolution to FILE (replaced atomically).
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
        /// Write the visit report (charts, findings, procedure note, coding, signature,
        /// aftercare) as a PDF to FILE (replaced atomically).
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
    },
    /// Suggest the procedure (CPT) and diagnosis (ICD-10-CM) codes of a visit, to be confirmed.
    Coding {
        /// The visit file.
        visit: PathBuf,
    },
}

fn parse_view(text: &str) -> Result<View, String> {
    View::parse(text).ok_or_else(|| {
        format!("{text:?} is not a view: use front, back, left-profile or right-profile")
    })
}

fn parse_figure(text: &str) -> Result<Figure, String> {
    Figure::parse(text).ok_or_else(|| format!("{text:?} is not a figure: use male or female"))
}

/// Starts the charting app, optionally opening `file`.
#[cfg(feature = "gui")]
fn run_app(atlas: Atlas, file: Option<PathBuf>) -> ExitCode {
    match triggermap::ui::run(atlas, file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("triggermap: cannot open the window: {error}");
            ExitCode::from(cli::EXIT_INVALID as u8)
        }
    }
}

/// This build has no app: says so and which commands it has.
#[cfg(not(feature = "gui"))]
fn run_app(_atlas: Atlas, _file: Option<PathBuf>) -> ExitCode {
    eprintln!(
        "triggermap: this build has no window (built without the `gui` feature); \
         use a command: check, atlas, locate, recovery, history, compare, export, coding \
         (see --help)"
    );
    ExitCode::from(cli::EXIT_USAGE as u8)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let atlas = match Atlas::builtin() {
        Ok(atlas) => atlas,
        Err(error) => {
            eprintln!("triggermap: the anatomy atlas is broken: {error}");
            return ExitCode::from(cli::EXIT_INVALID as u8);
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match args.command {
        Some(Command::Check { files }) => cli::check(&files, &atlas, &mut out),
        Some(Command::Atlas) => cli::atlas(&atlas, &mut out),
        Some(Command::Recovery) => cli::recovery(&atlas, &mut out),
        Some(Command::Locate { view, figure, x, y }) => {
            cli::locate(&atlas.for_figure(figure), view, x, y, &mut out)
        }
        Some(Command::History { folder, last, all }) => {
            let columns = match (all, last) {
                (true, _) => VisitColumns::All,
                (false, Some(n)) => VisitColumns::Last(n.get()),
                (false, None) => VisitColumns::DEFAULT,
            };
            cli::history(&folder, columns, &atlas, &mut out, &mut std::io::stderr())
        }
        Some(Command::Compare { a, b }) => {
            cli::compare(&a, &b, &atlas, &mut out, &mut std::io::stderr())
        }
        Some(Command::Export { fhir, out: file }) => cli::export_fhir(
            &fhir,
            file.as_deref(),
            &atlas,
            &mut out,
            &mut std::io::stderr(),
        ),
        Some(Command::Report { visit, png, pdf }) => cli::report(
            &visit,
            png.as_deref(),
            pdf.as_deref(),
            &atlas,
            &mut std::io::stderr(),
        ),
        Some(Command::Coding { visit }) => {
            cli::coding(&visit, &atlas, &mut out, &mut std::io::stderr())
        }
        None => {
            drop(out);
            return run_app(atlas, args.file);
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        // A closed pipe (`triggermap atlas | head`) is not an error worth a message.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("triggermap: {error}");
            ExitCode::from(cli::EXIT_INVALID as u8)
        }
    }
}

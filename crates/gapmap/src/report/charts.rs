//! The report's pictures, drawn with plotters' SVG backend: gap bar charts and the map.
//!
//! plotters is built without its `ttf` feature: the SVG backend then writes `<text>` elements that the
//! browser renders with its own fonts, so drawing needs no system font and the SVG stays small. Text
//! widths are only estimated, so label areas are sized generously and long labels are shortened.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::i18n::{Lang, Msg};
use super::model::{GeoPoint, ReportInput, TableRow};

/// Font family of every text; the HTML page's CSS font stack applies to inline SVG text as well.
const FONT: &str = "sans-serif";
/// Colour of covered demand.
pub const COVERED_COLOR: RGBColor = RGBColor(0x4c, 0x78, 0xa8);
/// Colour of gaps and uncovered demand.
pub const GAP_COLOR: RGBColor = RGBColor(0xd6, 0x45, 0x3d);
/// Colour of training sites.
pub const SITE_COLOR: RGBColor = RGBColor(0x1f, 0x4e, 0x8c);
const INK: RGBColor = RGBColor(0x22, 0x2b, 0x38);
const MUTED: RGBColor = RGBColor(0x5b, 0x67, 0x78);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xec);
const COMMUNE_COLOR: RGBColor = RGBColor(0xc5, 0xcd, 0xd8);

const BAR_CHART_WIDTH: u32 = 960;
const BAR_ROW_HEIGHT: u32 = 28;
const BAR_LABEL_AREA: u32 = 360;
/// Characters of a bar label that fit in the label area at 13 px.
const BAR_LABEL_CHARS: usize = 48;

/// A horizontal bar chart of `rows`, one bar per row, largest first as given: the covered part in
/// blue, the gap in red, the gap's figure at the end of the bar.
pub fn gap_bars(rows: &[&TableRow], lang: Lang) -> anyhow::Result<String> {
    let count = rows.len().max(1);
    let height = 44 + 40 + BAR_ROW_HEIGHT * count as u32;
    let longest = rows
        .iter()
        .map(|row| (row.row.covered + row.row.gap).max(row.row.volume).as_f64())
        .fold(0.0_f64, f64::max);
    let x_max = if longest > 0.0 { longest * 1.12 } else { 1.0 };
    let labels: Vec<String> = rows
        .iter()
        .map(|row| shorten(&bar_label(row), BAR_LABEL_CHARS))
        .collect();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (BAR_CHART_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let (legend, plot) = root.split_vertically(34);
        draw_bar_legend(&legend, lang)?;

        let mut chart = ChartBuilder::on(&plot)
            .margin_left(6)
            .margin_right(28)
            .margin_bottom(6)
            .x_label_area_size(36)
            .y_label_area_size(BAR_LABEL_AREA)
            .build_cartesian_2d(0.0..x_max, (0..count).into_segmented())?;
        let row_label = |value: &SegmentValue<usize>| match value {
            // Rows are drawn top down: the segment at the top (count - 1) holds the first row.
            SegmentValue::CenterOf(position) => count
                .checked_sub(position + 1)
                .and_then(|index| labels.get(index))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        let people = |value: &f64| lang.decimal(*value, 0);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .y_labels(count)
            .y_label_formatter(&row_label)
            .x_labels(6)
            .x_label_formatter(&people)
            .x_desc(lang.text(Msg::AxisPeople))
            .label_style((FONT, 16).into_font().color(&INK))
            .axis_desc_style((FONT, 14).into_font().color(&MUTED))
            .draw()?;

        let segment = |index: usize| count - 1 - index;
        let bar = |from: f64, to: f64, index: usize, color: RGBColor| {
            let position = segment(index);
            let mut rectangle = Rectangle::new(
                [
                    (from, SegmentValue::Exact(position)),
                    (to, SegmentValue::Exact(position + 1)),
                ],
                color.filled(),
            );
            rectangle.set_margin(4, 4, 0, 0);
            rectangle
        };
        chart.draw_series(
            rows.iter()
                .enumerate()
                .map(|(index, row)| bar(0.0, row.row.covered.as_f64(), index, COVERED_COLOR)),
        )?;
        chart.draw_series(
            rows.iter()
                .enumerate()
                .filter(|(_, row)| !row.row.gap.is_zero())
                .map(|(index, row)| {
                    let start = row.row.covered.as_f64();
                    bar(start, start + row.row.gap.as_f64(), index, GAP_COLOR)
                }),
        )?;
        let value_style = TextStyle::from((FONT, 16).into_font().style(FontStyle::Bold))
            .color(&GAP_COLOR)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(rows.iter().enumerate().map(|(index, row)| {
            let (covered, gap) = (row.row.covered.as_f64(), row.row.gap.as_f64());
            let anchor = (covered + gap, SegmentValue::CenterOf(segment(index)));
            EmptyElement::at(anchor) + Text::new(lang.people(gap), (6, 0), value_style.clone())
        }))?;
        root.present()?;
    }
    Ok(svg)
}

fn draw_bar_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, lang: Lang) -> anyhow::Result<()> {
    let style = TextStyle::from((FONT, 16).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let entries = [(Msg::Covered, COVERED_COLOR), (Msg::Gap, GAP_COLOR)];
    let mut x = BAR_LABEL_AREA as i32 + 6;
    for (msg, color) in entries {
        area.draw(&Rectangle::new([(x, 10), (x + 16, 26)], color.filled()))?;
        area.draw(&Text::new(lang.text(msg), (x + 22, 18), style.clone()))?;
        x += 140;
    }
    Ok(())
}

fn bar_label(row: &TableRow) -> String {
    let flag = if row.row.small { " †" } else { "" };
    let key = row.row.key.to_string();
    if key.is_empty() || key == row.label {
        format!("{}{flag}", row.label)
    } else {
        format!("{} ({key}){flag}", row.label)
    }
}

/// `text` cut to `max_chars` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

const MAP_WIDTH: u32 = 640;
const MAP_PANEL: u32 = 320;
const MAP_PAD: u32 = 12;
/// Radius in pixels of the circle of the largest uncovered demand.
const MAX_RADIUS: f64 = 30.0;
/// Uncovered places named on the map.
const NAMED_PLACES: usize = 6;

/// Geographic frame of the map: bounds with a margin, and the cos(latitude) factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapFrame {
    /// West edge, degrees.
    pub lon_min: f64,
    /// East edge, degrees.
    pub lon_max: f64,
    /// South edge, degrees.
    pub lat_min: f64,
    /// North edge, degrees.
    pub lat_max: f64,
}

impl MapFrame {
    /// The frame around `points` with a 4 % margin, or `None` when there is no finite point.
    pub fn around(points: impl IntoIterator<Item = GeoPoint>) -> Option<MapFrame> {
        let mut frame: Option<MapFrame> = None;
        for point in points {
            if !(point.lat.is_finite() && point.lon.is_finite()) {
                continue;
            }
            let grown = match frame {
                None => MapFrame {
                    lon_min: point.lon,
                    lon_max: point.lon,
                    lat_min: point.lat,
                    lat_max: point.lat,
                },
                Some(frame) => MapFrame {
                    lon_min: frame.lon_min.min(point.lon),
                    lon_max: frame.lon_max.max(point.lon),
                    lat_min: frame.lat_min.min(point.lat),
                    lat_max: frame.lat_max.max(point.lat),
                },
            };
            frame = Some(grown);
        }
        frame.map(|frame| {
            // A lone point still needs an extent to be drawn.
            let lon_margin = ((frame.lon_max - frame.lon_min) * 0.04).max(0.05);
            let lat_margin = ((frame.lat_max - frame.lat_min) * 0.04).max(0.05);
            MapFrame {
                lon_min: frame.lon_min - lon_margin,
                lon_max: frame.lon_max + lon_margin,
                lat_min: frame.lat_min - lat_margin,
                lat_max: frame.lat_max + lat_margin,
            }
        })
    }

    /// Shrink factor of longitudes at the frame's middle latitude (equirectangular projection).
    pub fn lon_factor(&self) -> f64 {
        ((self.lat_min + self.lat_max) / 2.0).to_radians().cos()
    }

    /// Height in pixels of the map drawn `width` pixels wide, keeping distances true at mid-latitude.
    pub fn height_for(&self, width: u32) -> u32 {
        let projected_width = (self.lon_max - self.lon_min) * self.lon_factor();
        let projected_height = self.lat_max - self.lat_min;
        let height = f64::from(width) * projected_height / projected_width;
        height.round().clamp(120.0, 2000.0) as u32
    }
}

/// The map: commune points as light dots outlining the region, training sites as blue squares,
/// uncovered demand as red circles whose area is proportional to the gap, and a legend panel.
/// `None` when there is nothing to place.
pub fn map(input: &ReportInput, lang: Lang) -> anyhow::Result<Option<String>> {
    let all_points = input
        .outline_points
        .iter()
        .copied()
        .chain(input.sites.iter().map(|site| GeoPoint {
            lat: site.lat,
            lon: site.lon,
        }))
        .chain(input.uncovered.iter().map(|point| GeoPoint {
            lat: point.lat,
            lon: point.lon,
        }));
    let Some(frame) = MapFrame::around(all_points) else {
        return Ok(None);
    };
    let map_height = frame.height_for(MAP_WIDTH);
    let width = MAP_WIDTH + MAP_PANEL + 2 * MAP_PAD;
    let height = map_height.max(420) + 2 * MAP_PAD;
    let largest_gap = input
        .uncovered
        .iter()
        .map(|point| point.gap)
        .filter(|gap| gap.is_finite())
        .fold(0.0_f64, f64::max);
    let radius = |gap: f64| -> i32 {
        if largest_gap <= 0.0 || gap <= 0.0 {
            0
        } else {
            // Area proportional to the gap; at least 2 px so that small gaps stay visible.
            (MAX_RADIUS * (gap / largest_gap).sqrt()).round().max(2.0) as i32
        }
    };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let inner = root.margin(MAP_PAD, MAP_PAD, MAP_PAD, MAP_PAD);
        let (map_area, panel) = inner.split_horizontally(MAP_WIDTH);
        let (map_area, _) = map_area.split_vertically(map_height);
        let mut chart = ChartBuilder::on(&map_area)
            .build_cartesian_2d(frame.lon_min..frame.lon_max, frame.lat_min..frame.lat_max)?;
        chart.draw_series(
            input
                .outline_points
                .iter()
                .map(|point| Circle::new((point.lon, point.lat), 2, COMMUNE_COLOR.filled())),
        )?;
        chart.draw_series(input.sites.iter().map(|site| {
            EmptyElement::at((site.lon, site.lat))
                + Rectangle::new([(-3, -3), (3, 3)], SITE_COLOR.filled())
        }))?;
        let mut by_gap: Vec<_> = input
            .uncovered
            .iter()
            .filter(|point| radius(point.gap) > 0)
            .collect();
        by_gap.sort_by(|a, b| b.gap.total_cmp(&a.gap));
        // Largest first, so that small circles stay on top and visible.
        chart.draw_series(by_gap.iter().map(|point| {
            EmptyElement::at((point.lon, point.lat))
                + Circle::new((0, 0), radius(point.gap), GAP_COLOR.mix(0.35).filled())
                + Circle::new((0, 0), radius(point.gap), GAP_COLOR.stroke_width(1))
        }))?;
        let name_style = TextStyle::from((FONT, 15).into_font().style(FontStyle::Bold))
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(by_gap.iter().take(NAMED_PLACES).map(|point| {
            EmptyElement::at((point.lon, point.lat))
                + Text::new(
                    shorten(&point.label, 28),
                    (radius(point.gap) + 4, 0),
                    name_style.clone(),
                )
        }))?;
        draw_map_panel(&panel, input, lang, &frame, largest_gap)?;
        root.present()?;
    }
    Ok(Some(svg))
}

fn draw_map_panel(
    panel: &DrawingArea<SVGBackend<'_>, Shift>,
    input: &ReportInput,
    lang: Lang,
    frame: &MapFrame,
    largest_gap: f64,
) -> anyhow::Result<()> {
    let text = |size: u32, color: &'static RGBColor| {
        TextStyle::from((FONT, size).into_font())
            .color(color)
            .pos(Pos::new(HPos::Left, VPos::Center))
    };
    let x = 24;
    let mut y = 24;
    panel.draw(&Circle::new((x + 8, y), 3, COMMUNE_COLOR.filled()))?;
    panel.draw(&Text::new(
        format!(
            "{} ({})",
            lang.text(Msg::Communes),
            input.outline_points.len()
        ),
        (x + 24, y),
        text(17, &INK),
    ))?;
    y += 30;
    panel.draw(&Rectangle::new(
        [(x + 4, y - 4), (x + 12, y + 4)],
        SITE_COLOR.filled(),
    ))?;
    panel.draw(&Text::new(
        format!("{} ({})", lang.text(Msg::TrainingSites), input.sites.len()),
        (x + 24, y),
        text(17, &INK),
    ))?;
    y += 30;
    panel.draw(&Circle::new((x + 8, y), 7, GAP_COLOR.mix(0.35).filled()))?;
    panel.draw(&Circle::new((x + 8, y), 7, GAP_COLOR.stroke_width(1)))?;
    panel.draw(&Text::new(
        lang.text(Msg::UncoveredDemand),
        (x + 24, y),
        text(17, &INK),
    ))?;

    // Reference circles, nested and standing on one base line, for three round values.
    if largest_gap > 0.0 {
        let values = [1.0, 4.0, 16.0].map(|divisor| round_down_nicely(largest_gap / divisor));
        let base = y + 30 + 2 * MAX_RADIUS as i32;
        let centre_x = x + 8 + MAX_RADIUS as i32;
        for value in values {
            let r = (MAX_RADIUS * (value / largest_gap).sqrt()).round() as i32;
            if r < 2 {
                continue;
            }
            panel.draw(&Circle::new(
                (centre_x, base - r),
                r,
                GAP_COLOR.stroke_width(1),
            ))?;
            panel.draw(&PathElement::new(
                vec![
                    (centre_x, base - 2 * r),
                    (centre_x + 2 * MAX_RADIUS as i32 + 8, base - 2 * r),
                ],
                MUTED.stroke_width(1),
            ))?;
            panel.draw(&Text::new(
                format!("{} {}", lang.people(value), lang.text(Msg::People)),
                (centre_x + 2 * MAX_RADIUS as i32 + 12, base - 2 * r),
                text(15, &MUTED),
            ))?;
        }
        y = base + 36;
    } else {
        y += 36;
    }

    // Scale bar: 50 km at the frame's middle latitude.
    let km_per_degree = 111.32 * frame.lon_factor();
    let pixels_per_degree = f64::from(MAP_WIDTH) / (frame.lon_max - frame.lon_min);
    let bar_km = 50.0;
    let bar_pixels = (bar_km / km_per_degree * pixels_per_degree).round() as i32;
    if bar_pixels > 0 && bar_pixels < MAP_PANEL as i32 - 40 {
        panel.draw(&PathElement::new(
            vec![
                (x, y - 5),
                (x, y),
                (x + bar_pixels, y),
                (x + bar_pixels, y - 5),
            ],
            INK.stroke_width(2),
        ))?;
        panel.draw(&Text::new(
            format!("{bar_km} km"),
            (x + bar_pixels + 8, y - 2),
            text(15, &INK),
        ))?;
        y += 34;
    }

    // The largest uncovered places, so that the circles can be read as figures.
    let mut largest: Vec<_> = input.uncovered.iter().collect();
    largest.sort_by(|a, b| b.gap.total_cmp(&a.gap));
    let title = TextStyle::from((FONT, 17).into_font().style(FontStyle::Bold))
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    if !largest.is_empty() {
        panel.draw(&Text::new(lang.text(Msg::UncoveredDemand), (x, y), title))?;
        y += 24;
    }
    let figure_style = TextStyle::from((FONT, 16).into_font().style(FontStyle::Bold))
        .color(&GAP_COLOR)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for point in largest.iter().take(10) {
        panel.draw(&Text::new(
            shorten(&point.label, 26),
            (x, y),
            text(16, &INK),
        ))?;
        panel.draw(&Text::new(
            lang.people(point.gap),
            (MAP_PANEL as i32 - 12, y),
            figure_style.clone(),
        ))?;
        y += 23;
    }
    Ok(())
}

/// The largest value of the form 1, 2 or 5 × 10^k that is at most `value` (for legends).
pub fn round_down_nicely(value: f64) -> f64 {
    if !(value.is_finite() && value > 0.0) {
        return 0.0;
    }
    let power = 10_f64.powf(value.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|step| step * power)
        .find(|candidate| *candidate <= value)
        .unwrap_or(power)
}

/// Width and height of a chart of one row over the years.
const YEAR_CHART: (u32, u32) = (460, 250);

/// A line chart of one row over the years: demand (dark), direct supply (blue) and gap (red),
/// each year a point; a year without a need of the row (demand not given) breaks the lines.
pub fn year_lines(series: &super::model::YearSeries, lang: Lang) -> anyhow::Result<String> {
    let years: Vec<u16> = series.points.iter().map(|&(y, _)| y).collect();
    let (first, last) = match (years.first(), years.last()) {
        (Some(&f), Some(&l)) => (f32::from(f), f32::from(l)),
        _ => return Ok(String::new()),
    };
    let top = series
        .points
        .iter()
        .filter_map(|(_, p)| *p)
        .map(|f| f.demand.max(f.direct).max(f.gap))
        .fold(0.0_f64, f64::max);
    let y_max = if top > 0.0 { top * 1.15 } else { 1.0 };
    let x_range = if first < last {
        first - 0.3..last + 0.3
    } else {
        first - 1.0..first + 1.0
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, YEAR_CHART).into_drawing_area();
        root.fill(&WHITE)?;
        let (legend, plot) = root.split_vertically(26);
        let style = TextStyle::from((FONT, 13).into_font())
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = 8;
        for (msg, color) in [
            (Msg::Demand, INK),
            (Msg::Direct, COVERED_COLOR),
            (Msg::Gap, GAP_COLOR),
        ] {
            legend.draw(&Rectangle::new([(x, 8), (x + 14, 18)], color.filled()))?;
            legend.draw(&Text::new(lang.text(msg), (x + 19, 13), style.clone()))?;
            x += 130;
        }
        let mut chart = ChartBuilder::on(&plot)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range, 0.0..y_max)?;
        let people = |value: &f64| lang.decimal(*value, 0);
        let year_label = |value: &f32| {
            if (value.round() - value).abs() < 1e-3 {
                format!("{}", value.round() as i32)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(years.len().max(2))
            .x_label_formatter(&year_label)
            .y_labels(5)
            .y_label_formatter(&people)
            .label_style((FONT, 12).into_font().color(&INK))
            .draw()?;
        type Pick = fn(&super::model::YearFigures) -> f64;
        let pick: [(Pick, RGBColor); 3] = [
            (|p| p.demand, INK),
            (|p| p.direct, COVERED_COLOR),
            (|p| p.gap, GAP_COLOR),
        ];
        for (value, color) in pick {
            // One line per run of consecutive years with a need.
            let mut run: Vec<(f32, f64)> = Vec::new();
            let mut runs: Vec<Vec<(f32, f64)>> = Vec::new();
            for &(year, point) in &series.points {
                match point {
                    Some(p) => run.push((f32::from(year), value(&p))),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for run in runs.into_iter().filter(|r| !r.is_empty()) {
                chart.draw_series(LineSeries::new(run.clone(), color.stroke_width(2)))?;
                chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
            }
        }
        root.present()?;
    }
    Ok(svg)
}

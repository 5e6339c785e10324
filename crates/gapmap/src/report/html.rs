//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network).
//!
//! Every text that comes from the input goes through [`escape`]. Numeric cells carry their exact
//! value in `data-value` (and the figure's name in `data-field`) so that tools and tests can read the
//! figures behind the rounded display.

use std::fmt::Write as _;

use super::charts;
use super::i18n::{Lang, Msg, fill};
use gapmap_match::GapRow;
use gapmap_model::Volume;

use super::model::{Axis, ReportInput, TableRow};
use super::{ReportOptions, file_names};

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// How a gap table orders and cuts its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowOrder {
    /// Largest gap first, cut to the options' `top_rows`: for long lists (occupations, needs).
    LargestGapFirst,
    /// The caller's order, every row: for short natural lists (levels, départements).
    AsGiven,
}

/// A section of the page about one axis.
struct AxisSection {
    axis: Axis,
    id: &'static str,
    title: Msg,
    order: RowOrder,
    chart: bool,
}

/// The axis sections, in page order.
const AXIS_SECTIONS: [AxisSection; 8] = [
    AxisSection {
        axis: Axis::Rome,
        id: "gaps-rome",
        title: Msg::GapsByRome,
        order: RowOrder::LargestGapFirst,
        chart: true,
    },
    AxisSection {
        axis: Axis::Competence,
        id: "gaps-competence",
        title: Msg::GapsByCompetence,
        order: RowOrder::LargestGapFirst,
        chart: true,
    },
    AxisSection {
        axis: Axis::Level,
        id: "gaps-level",
        title: Msg::GapsByLevel,
        order: RowOrder::AsGiven,
        chart: true,
    },
    AxisSection {
        axis: Axis::Departement,
        id: "gaps-departement",
        title: Msg::GapsByDepartement,
        order: RowOrder::AsGiven,
        chart: true,
    },
    AxisSection {
        axis: Axis::Bassin,
        id: "gaps-bassin",
        title: Msg::GapsByBassin,
        order: RowOrder::LargestGapFirst,
        chart: false,
    },
    AxisSection {
        axis: Axis::Need,
        id: "gaps-need",
        title: Msg::GapsByNeed,
        order: RowOrder::LargestGapFirst,
        chart: false,
    },
    AxisSection {
        axis: Axis::Tag,
        id: "gaps-tag",
        title: Msg::GapsByTag,
        order: RowOrder::LargestGapFirst,
        chart: false,
    },
    AxisSection {
        axis: Axis::Buyer,
        id: "gaps-buyer",
        title: Msg::GapsByBuyer,
        order: RowOrder::AsGiven,
        chart: false,
    },
];

/// Where the map section sits: after this axis section.
const MAP_AFTER: Axis = Axis::Bassin;

/// The page for `input`.
pub fn render(input: &ReportInput, options: &ReportOptions) -> anyhow::Result<String> {
    let lang = input.lang;
    let mut page = String::with_capacity(256 * 1024);
    let title = escape(&input.title);
    writeln!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gapmap {}\">\n<title>{title}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>",
        lang.tag(),
        env!("CARGO_PKG_VERSION"),
    )?;
    writeln!(
        page,
        "<header class=\"masthead\"><div class=\"wrap\"><h1>{title}</h1>\
         <p class=\"meta\">{} {}</p></div></header>\n<main class=\"wrap\">",
        lang.text(Msg::GeneratedAt),
        escape(&input.generated_at),
    )?;
    if let Some(note) = &input.data_note {
        writeln!(
            page,
            "<aside class=\"notice\" id=\"data-note\" role=\"note\"><strong>{}</strong> — {}. {}</aside>",
            lang.text(Msg::IllustrativeData),
            escape(note),
            lang.text(Msg::IllustrativeDataText),
        )?;
    }

    let map = charts::map(input, lang)?;
    contents(&mut page, input, map.is_some())?;
    summary(&mut page, input)?;
    for section in &AXIS_SECTIONS {
        if let Some(rows) = input.gaps_by.get(&section.axis) {
            axis_section(&mut page, section, rows, lang, options)?;
        }
        if section.axis == MAP_AFTER {
            map_section(&mut page, lang, map.as_deref())?;
        }
    }
    big_gaps(&mut page, input)?;
    supply(&mut page, input)?;
    scenario(&mut page, input)?;
    recommendations(&mut page, input)?;
    horizon(&mut page, input)?;
    sources(&mut page, input)?;
    configuration(&mut page, input)?;
    files(&mut page, input)?;
    page.push_str("</main>\n</body>\n</html>\n");
    Ok(page)
}

fn contents(page: &mut String, input: &ReportInput, has_map: bool) -> anyhow::Result<()> {
    let lang = input.lang;
    let mut entries: Vec<(&str, Msg)> = vec![("summary", Msg::Summary)];
    for section in &AXIS_SECTIONS {
        if input.gaps_by.contains_key(&section.axis) {
            entries.push((section.id, section.title));
        }
        if section.axis == MAP_AFTER && has_map {
            entries.push(("map", Msg::Map));
        }
    }
    if !input.big_gaps.is_empty() {
        entries.push(("big-gaps", Msg::BigGaps));
    }
    if input.supply.is_some() {
        entries.push(("supply", Msg::Supply));
    }
    if input.scenario.is_some() {
        entries.push(("scenario", Msg::Scenario));
    }
    if input.recommendations.is_some() {
        entries.push(("recommendations", Msg::Recommendations));
    }
    if input.horizon.is_some() {
        entries.push(("horizon", Msg::Horizon));
    }
    entries.extend([
        ("sources", Msg::Sources),
        ("configuration", Msg::Configuration),
        ("files", Msg::Files),
    ]);
    write!(
        page,
        "<nav class=\"contents\" aria-label=\"{0}\"><h2>{0}</h2><ol>",
        lang.text(Msg::Contents)
    )?;
    for (id, msg) in entries {
        write!(page, "<li><a href=\"#{id}\">{}</a></li>", lang.text(msg))?;
    }
    page.push_str("</ol></nav>\n");
    Ok(())
}

/// A numeric cell: rounded figure shown, exact value in `data-value`.
fn number_cell(page: &mut String, field: &str, value: f64, shown: &str) -> anyhow::Result<()> {
    write!(
        page,
        "<td class=\"num\" data-field=\"{field}\" data-value=\"{}\">{shown}</td>",
        json_number(value)
    )?;
    Ok(())
}

/// The value as JSON would write it (`null` when not finite).
fn json_number(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        "null".to_owned()
    }
}

/// A coverage cell: percentage with a small meter.
fn coverage_cell(page: &mut String, lang: Lang, coverage: Option<f64>) -> anyhow::Result<()> {
    match coverage.filter(|value| value.is_finite()) {
        Some(value) => {
            let width = (value * 100.0).clamp(0.0, 100.0);
            write!(
                page,
                "<td class=\"num coverage\" data-field=\"coverage\" data-value=\"{}\">\
                 <span class=\"meter\"><span style=\"width:{width:.1}%\"></span></span>{}</td>",
                json_number(value),
                lang.percent(value)
            )?;
        }
        None => page.push_str(
            "<td class=\"num coverage\" data-field=\"coverage\" data-value=\"null\">–</td>",
        ),
    }
    Ok(())
}

fn summary(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let lang = input.lang;
    let totals = &input.total.row;
    write!(
        page,
        "<section id=\"summary\"><h2>{}</h2><p class=\"intro\">{}</p>\n<div class=\"cards\">",
        lang.text(Msg::Summary),
        lang.text(Msg::SummaryIntro)
    )?;
    let cards = [
        ("demand", Msg::Demand, totals.volume.as_f64(), ""),
        ("covered", Msg::Covered, totals.covered.as_f64(), " covered"),
        (
            "covered_adjacent",
            Msg::Adjacent,
            totals.covered_adjacent.as_f64(),
            " adjacent",
        ),
        ("gap", Msg::Gap, totals.gap.as_f64(), " gap"),
    ];
    for (field, msg, value, class) in cards {
        write!(
            page,
            "<div class=\"card{class}\"><div class=\"card-label\">{}</div>\
             <div class=\"card-value\" data-field=\"{field}\" data-value=\"{}\">{}</div>\
             <div class=\"card-unit\">{}</div></div>",
            lang.text(msg),
            json_number(value),
            lang.people(value),
            lang.text(Msg::People)
        )?;
    }
    let coverage = totals.coverage();
    writeln!(
        page,
        "<div class=\"card\"><div class=\"card-label\">{}</div>\
         <div class=\"card-value\" data-field=\"coverage\" data-value=\"{}\">{}</div>\
         <div class=\"card-unit\">{}</div></div></div>",
        lang.text(Msg::Coverage),
        coverage.map_or_else(|| "null".to_owned(), json_number),
        coverage.map_or_else(|| "–".to_owned(), |value| lang.percent(value)),
        lang.text(Msg::Covered).to_lowercase(),
    )?;

    let rule = if input.count_adjacent {
        Msg::CoverageRuleAll
    } else {
        Msg::CoverageRuleDirect
    };
    write!(page, "<p class=\"note\">{}</p>", escape(lang.text(rule)))?;
    if let Some(unknown) = totals.capacity_unknown.filter(|u| u.needs > 0) {
        let gap = unknown.gap.as_f64();
        let note = fill(
            lang.text(Msg::CapacityUnknownNote),
            &[
                ("gap", &lang.people(gap)),
                ("needs", &unknown.needs.to_string()),
            ],
        );
        write!(
            page,
            "<p class=\"note\" id=\"capacity-unknown\" data-value=\"{}\">{}</p>",
            json_number(gap),
            escape(&note)
        )?;
    }
    write!(
        page,
        "<table class=\"figures\"><thead><tr><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        lang.text(Msg::Buyer),
        lang.text(Msg::Demand),
        lang.text(Msg::Covered),
        lang.text(Msg::Gap),
        lang.text(Msg::Coverage),
    )?;
    for buyer in &input.summary {
        write!(page, "<tr><th scope=\"row\">{}</th>", escape(&buyer.label))?;
        summary_cells(page, lang, &buyer.row)?;
        page.push_str("</tr>");
    }
    write!(
        page,
        "</tbody><tfoot><tr><th scope=\"row\">{}</th>",
        lang.text(Msg::Total)
    )?;
    summary_cells(page, lang, totals)?;
    page.push_str("</tr></tfoot></table></section>\n");
    Ok(())
}

/// Demand, covered, gap and coverage of a summary line.
fn summary_cells(page: &mut String, lang: Lang, row: &GapRow) -> anyhow::Result<()> {
    people_cell(page, lang, "demand", row.volume)?;
    people_cell(page, lang, "covered", row.covered)?;
    people_cell(page, lang, "gap", row.gap)?;
    coverage_cell(page, lang, row.coverage())
}

/// A cell of people a year.
fn people_cell(page: &mut String, lang: Lang, field: &str, value: Volume) -> anyhow::Result<()> {
    let value = value.as_f64();
    number_cell(page, field, value, &lang.people(value))
}

/// The rows a section shows, in its order.
fn shown_rows(rows: &[TableRow], order: RowOrder, top_rows: usize) -> Vec<&TableRow> {
    match order {
        RowOrder::AsGiven => rows.iter().collect(),
        RowOrder::LargestGapFirst => {
            let mut sorted: Vec<&TableRow> = rows.iter().collect();
            sorted.sort_by(|a, b| {
                b.row
                    .gap
                    .cmp(&a.row.gap)
                    .then_with(|| a.row.key.cmp(&b.row.key))
            });
            sorted.truncate(top_rows);
            sorted
        }
    }
}

fn axis_section(
    page: &mut String,
    section: &AxisSection,
    rows: &[TableRow],
    lang: Lang,
    options: &ReportOptions,
) -> anyhow::Result<()> {
    writeln!(
        page,
        "<section id=\"{}\" data-axis=\"{}\"><h2>{}</h2>",
        section.id,
        section.axis.key(),
        lang.text(section.title)
    )?;
    let shown = shown_rows(rows, section.order, options.top_rows);
    if shown.is_empty() {
        writeln!(
            page,
            "<p class=\"empty\">{}</p></section>",
            lang.text(Msg::NoRows)
        )?;
        return Ok(());
    }
    if section.chart {
        let chart_rows: Vec<&TableRow> = shown.iter().take(options.chart_rows).copied().collect();
        writeln!(
            page,
            "<figure class=\"chart\">{}</figure>",
            charts::gap_bars(&chart_rows, lang)?
        )?;
    }
    gap_table(page, &shown, lang)?;
    let mut notes = Vec::new();
    if shown.len() < rows.len() {
        let file = format!("{}.csv", file_names::table_stem(section.axis));
        notes.push(fill(
            lang.text(Msg::RowsShown),
            &[
                ("shown", &shown.len().to_string()),
                ("total", &rows.len().to_string()),
                ("file", &file),
            ],
        ));
    }
    if shown.iter().any(|row| row.row.small) {
        notes.push(lang.text(Msg::SmallCountNote).to_owned());
    }
    for note in notes {
        write!(page, "<p class=\"note\">{}</p>", escape(&note))?;
    }
    page.push_str("</section>\n");
    Ok(())
}

fn gap_table(page: &mut String, rows: &[&TableRow], lang: Lang) -> anyhow::Result<()> {
    write!(
        page,
        "<table class=\"figures\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        lang.text(Msg::Code),
        lang.text(Msg::Label),
        lang.text(Msg::Demand),
        lang.text(Msg::Covered),
        lang.text(Msg::Adjacent),
        lang.text(Msg::Gap),
        lang.text(Msg::Coverage),
        lang.text(Msg::Tension),
    )?;
    for TableRow { row, label } in rows.iter().copied() {
        let flag = if row.small {
            "<span class=\"flag\" title=\"small count\">†</span>"
        } else {
            ""
        };
        write!(
            page,
            "<tr data-key=\"{0}\"><td class=\"code\">{0}</td><td>{1}{flag}</td>",
            escape(&row.key.to_string()),
            escape(label)
        )?;
        people_cell(page, lang, "demand", row.volume)?;
        people_cell(page, lang, "covered", row.covered)?;
        people_cell(page, lang, "covered_adjacent", row.covered_adjacent)?;
        people_cell(page, lang, "gap", row.gap)?;
        coverage_cell(page, lang, row.coverage())?;
        coverage_cell(page, lang, row.tension())?;
        page.push_str("</tr>");
    }
    page.push_str("</tbody></table>\n");
    Ok(())
}

fn map_section(page: &mut String, lang: Lang, map: Option<&str>) -> anyhow::Result<()> {
    let Some(svg) = map else {
        return Ok(());
    };
    writeln!(
        page,
        "<section id=\"map\"><h2>{}</h2><figure class=\"map\">{svg}<figcaption>{}</figcaption></figure></section>",
        lang.text(Msg::Map),
        lang.text(Msg::MapCaption)
    )?;
    Ok(())
}

fn big_gaps(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    if input.big_gaps.is_empty() {
        return Ok(());
    }
    let lang = input.lang;
    writeln!(
        page,
        "<section id=\"big-gaps\"><h2>{}</h2><p class=\"intro\">{}</p>",
        lang.text(Msg::BigGaps),
        lang.text(Msg::BigGapsIntro)
    )?;
    for big in &input.big_gaps {
        write!(
            page,
            "<article class=\"big-gap\"><h3>{}<span class=\"badge\" data-field=\"gap\" data-value=\"{}\">{} {}</span></h3>",
            escape(&big.need_label),
            json_number(big.gap),
            lang.people(big.gap),
            lang.text(Msg::People),
        )?;
        if big.closest_offers.is_empty() {
            write!(
                page,
                "<p class=\"empty\">{}</p>",
                lang.text(Msg::NoCloseOffer)
            )?;
        } else {
            write!(
                page,
                "<table class=\"figures offers\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th>\
                 <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
                 <th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
                lang.text(Msg::Offer),
                lang.text(Msg::School),
                lang.text(Msg::DistanceKm),
                lang.text(Msg::Score),
                lang.text(Msg::Graduates),
                lang.text(Msg::PressurePeers),
                lang.text(Msg::EmploymentPeers),
                lang.text(Msg::Lacks),
            )?;
            for offer in &big.closest_offers {
                write!(
                    page,
                    "<tr><td>{}</td><td>{}</td>",
                    escape(&offer.label),
                    escape(&offer.school)
                )?;
                match offer.distance_km {
                    Some(km) => number_cell(page, "distance_km", km, &lang.decimal(km, 1))?,
                    None => page.push_str("<td class=\"num\">–</td>"),
                }
                number_cell(page, "score", offer.score, &lang.decimal(offer.score, 2))?;
                number_cell(
                    page,
                    "graduates",
                    offer.graduates,
                    &lang.decimal(offer.graduates, 1),
                )?;
                beside_mean(page, lang, offer.pressure, offer.pressure_mean, false);
                beside_mean(
                    page,
                    lang,
                    offer.employment_6m,
                    offer.employment_6m_mean,
                    true,
                );
                page.push_str("<td><ul class=\"lacks\">");
                for lack in &offer.lacks {
                    write!(page, "<li>{}</li>", escape(lack))?;
                }
                page.push_str("</ul></td></tr>");
            }
            page.push_str("</tbody></table>");
        }
        page.push_str("</article>\n");
    }
    page.push_str("</section>\n");
    Ok(())
}

/// A cell with a figure and its peers' mean in brackets (`–` when unknown, never 0).
fn beside_mean(page: &mut String, lang: Lang, own: Option<f64>, mean: Option<f64>, percent: bool) {
    let show = |v: Option<f64>| match (v, percent) {
        (Some(v), true) => lang.percent(v),
        (Some(v), false) => lang.decimal(v, 2),
        (None, _) => "–".to_owned(),
    };
    let _ = write!(
        page,
        "<td class=\"num\">{} ({})</td>",
        show(own),
        show(mean)
    );
}

fn supply(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let Some(supply) = &input.supply else {
        return Ok(());
    };
    let lang = input.lang;
    write!(
        page,
        "<section id=\"supply\"><h2>{}</h2><p class=\"intro\">{}</p><ul>",
        lang.text(Msg::Supply),
        lang.text(Msg::SupplyIntro)
    )?;
    for (source, value, measured) in &supply.per_application {
        let how = match (measured, lang) {
            (Some(n), Lang::Fr) => format!(
                "calé sur les {n} formations du constat : leurs entrants selon cette règle font le total du constat"
            ),
            (Some(n), _) => format!(
                "calibrated on the {n} offers of the census: their entrants by this rule add up to the census's"
            ),
            (None, Lang::Fr) => "paramètre, ou 1 faute de formations où le mesurer".to_owned(),
            (None, _) => "setting, or 1 for want of offers to measure it on".to_owned(),
        };
        let text = lang
            .text(Msg::PerApplication)
            .replace("{source}", source)
            .replace("{value}", &lang.decimal(*value, 2))
            .replace("{measured}", &how);
        write!(page, "<li>{}</li>", escape(&text))?;
    }
    write!(
        page,
        "</ul><table class=\"figures\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead><tbody>",
        lang.text(Msg::SourceColumn),
        lang.text(Msg::Mode),
        lang.text(Msg::LevelColumn),
        lang.text(Msg::Offers),
        lang.text(Msg::Seats),
        lang.text(Msg::Entrants),
        lang.text(Msg::Graduates),
        lang.text(Msg::FromCensus),
        lang.text(Msg::FromApplications),
        lang.text(Msg::MeasuredOutcomes),
    )?;
    // Groups whose entrants no data gives (the course list) are left out: no figure to show.
    for g in supply.groups.iter().filter(|g| g.with_entrants > 0) {
        write!(
            page,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            escape(g.source),
            escape(g.mode),
            g.level.map_or_else(|| "–".to_owned(), |l| l.to_string()),
            g.offers
        )?;
        number_cell(page, "seats", g.seats as f64, &lang.people(g.seats as f64))?;
        number_cell(page, "entrants", g.entrants, &lang.people(g.entrants))?;
        number_cell(page, "graduates", g.graduates, &lang.people(g.graduates))?;
        write!(
            page,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            g.entrants_from.census,
            g.entrants_from.applications,
            g.outcomes.of_the_course()
        )?;
    }
    page.push_str("</tbody></table></section>\n");
    Ok(())
}

fn scenario(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let Some(scenario) = &input.scenario else {
        return Ok(());
    };
    let lang = input.lang;
    write!(
        page,
        "<section id=\"scenario\"><h2>{}</h2><p class=\"intro\">{}</p>",
        lang.text(Msg::Scenario),
        escape(&scenario.description),
    )?;
    // What each changed offer supplies: an extension enters only the applicants turned away.
    if !scenario.supply_notes.is_empty() {
        page.push_str("<ul class=\"supply-notes\">");
        for note in &scenario.supply_notes {
            write!(page, "<li>{}</li>", escape(note))?;
        }
        page.push_str("</ul>");
    }
    write!(
        page,
        "<table class=\"figures\"><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead><tbody>",
        lang.text(Msg::Label),
        lang.text(Msg::Before),
        lang.text(Msg::After),
        lang.text(Msg::Change),
    )?;
    for row in &scenario.rows {
        write!(page, "<tr><td>{}</td>", escape(&row.label))?;
        number_cell(page, "before", row.before, &lang.people(row.before))?;
        number_cell(page, "after", row.after, &lang.people(row.after))?;
        // A smaller gap is an improvement: shown in green.
        let class = if row.delta < 0.0 {
            "better"
        } else if row.delta > 0.0 {
            "worse"
        } else {
            ""
        };
        let sign = if row.delta > 0.0 { "+" } else { "" };
        write!(
            page,
            "<td class=\"num {class}\" data-field=\"delta\" data-value=\"{}\">{sign}{}</td></tr>",
            json_number(row.delta),
            lang.people(row.delta)
        )?;
    }
    page.push_str("</tbody></table></section>\n");
    Ok(())
}

/// The recommended actions: the budget, the gap before and after, the assumptions, a table.
fn recommendations(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let Some(r) = &input.recommendations else {
        return Ok(());
    };
    let lang = input.lang;
    write!(
        page,
        "<section id=\"recommendations\"><h2>{}</h2><p class=\"intro\">{}</p><p class=\"intro\" data-field=\"direct-gap\">{} {} → {} ({} {} → {})</p><ul class=\"supply-notes\">",
        lang.text(Msg::Recommendations),
        escape(&r.budget),
        lang.text(Msg::DirectGapPerYear),
        lang.people(r.direct_gap.0),
        lang.people(r.direct_gap.1),
        lang.text(Msg::WeightedGap),
        lang.people(r.weighted_gap.0),
        lang.people(r.weighted_gap.1),
    )?;
    for a in &r.assumptions {
        write!(page, "<li>{}</li>", escape(a))?;
    }
    page.push_str("</ul><table class=\"figures\"><thead><tr>");
    for (msg, num) in [
        (Msg::Action, false),
        (Msg::Offer, false),
        (Msg::School, false),
        (Msg::Seats, true),
        (Msg::Euros, true),
        (Msg::Graduates, true),
        (Msg::Closed, true),
        (Msg::FirstGraduatesYear, true),
        (Msg::NeedsServed, false),
        (Msg::Why, false),
    ] {
        let class = if num { " class=\"num\"" } else { "" };
        write!(page, "<th{class}>{}</th>", lang.text(msg))?;
    }
    page.push_str("</tr></thead><tbody>");
    for row in &r.rows {
        write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            escape(&row.action),
            escape(&row.course),
            escape(&row.school)
        )?;
        number_cell(page, "seats", f64::from(row.seats), &row.seats.to_string())?;
        number_cell(page, "euros", row.euros as f64, &row.euros.to_string())?;
        number_cell(
            page,
            "graduates",
            row.graduates,
            &lang.people(row.graduates),
        )?;
        number_cell(page, "closed", row.closed, &lang.people(row.closed))?;
        number_cell(
            page,
            "first-graduates",
            f64::from(row.first_graduates),
            &row.first_graduates.to_string(),
        )?;
        write!(
            page,
            "<td>{}</td><td>{}</td></tr>",
            escape(&row.needs),
            escape(&row.why)
        )?;
    }
    page.push_str("</tbody></table>");
    if r.rows.is_empty() {
        write!(page, "<p>{}</p>", lang.text(Msg::NoAction))?;
    }
    page.push_str("</section>\n");
    Ok(())
}

/// The gaps year by year: a table of the totals, the assumptions, the charts, a scenario in time.
fn horizon(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let Some(h) = &input.horizon else {
        return Ok(());
    };
    let lang = input.lang;
    write!(
        page,
        "<section id=\"horizon\"><h2>{} ({})</h2><p class=\"intro\">{}</p>",
        lang.text(Msg::Horizon),
        escape(&h.years),
        lang.text(Msg::HorizonIntro),
    )?;
    let rule = match h.capacity_projection {
        "trend" => Msg::ProjectionTrend,
        _ => Msg::ProjectionLast,
    };
    write!(
        page,
        "<ul class=\"assumptions\"><li>{} : {} (<code>capacity_projection = \"{}\"</code>)</li>\
         <li>{} : {} (<code>bmo_growth</code>)</li><li>{} : {}</li></ul>",
        lang.text(Msg::ProjectionRule),
        lang.text(rule),
        escape(h.capacity_projection),
        lang.text(Msg::BmoGrowth),
        lang.percent(h.bmo_growth),
        lang.text(Msg::CourseLength),
        h.default_duration_years,
    )?;
    if let Some(years) = h.gaps_by.get(&Axis::Buyer) {
        horizon_totals(page, lang, years)?;
    }
    page.push_str("<div class=\"year-charts\">");
    for series in &h.charts {
        write!(
            page,
            "<figure class=\"chart year-chart\"><figcaption>{}</figcaption>{}</figure>",
            escape(&series.title),
            charts::year_lines(series, lang)?
        )?;
    }
    page.push_str("</div>");
    if let Some(s) = &h.scenario {
        write!(page, "<h3>{}</h3><ul>", escape(&s.name))?;
        for c in &s.changes {
            let when = match (c.intake, c.first_year) {
                (Some(intake), Some(year)) => {
                    format!("{intake} : {} {year}", lang.text(Msg::FirstGraduates))
                }
                _ => lang.text(Msg::EveryYear).to_owned(),
            };
            write!(
                page,
                "<li>{} — {} — {}</li>",
                escape(c.kind.key()),
                escape(&c.label),
                escape(&when)
            )?;
        }
        page.push_str("</ul><table class=\"figures\"><thead><tr>");
        for msg in [Msg::Year, Msg::Before, Msg::After] {
            write!(page, "<th>{}</th>", lang.text(msg))?;
        }
        page.push_str("</tr></thead><tbody>");
        for &(year, gaps) in &s.gaps {
            write!(page, "<tr><td>{year}</td>")?;
            match gaps {
                Some((before, after)) => {
                    number_cell(page, "before", before, &lang.people(before))?;
                    number_cell(page, "after", after, &lang.people(after))?;
                }
                None => write!(page, "<td colspan=\"2\">{}</td>", lang.text(Msg::NotGiven))?,
            }
            page.push_str("</tr>");
        }
        page.push_str("</tbody></table>");
        match s.first_year_it_helps {
            Some(year) => write!(page, "<p>{}{year}</p>", lang.text(Msg::FirstYearHelps))?,
            None => write!(page, "<p>{}</p>", lang.text(Msg::NeverHelps))?,
        }
    }
    page.push_str("</section>\n");
    Ok(())
}

/// The totals of each year: demand, direct supply, gap, coverage, the share of the direct
/// coverage by projected seats, and the buyers without a need that year.
fn horizon_totals(
    page: &mut String,
    lang: Lang,
    years: &[gapmap_engine::YearTable],
) -> anyhow::Result<()> {
    page.push_str("<table class=\"figures years\"><thead><tr>");
    for msg in [
        Msg::Year,
        Msg::Demand,
        Msg::Direct,
        Msg::Gap,
        Msg::Coverage,
        Msg::Projected,
    ] {
        write!(page, "<th>{}</th>", lang.text(msg))?;
    }
    page.push_str("</tr></thead><tbody>");
    for t in years {
        let r = &t.total.row;
        write!(page, "<tr data-year=\"{}\"><td>{}</td>", t.year, t.year)?;
        if !r.has_needs() {
            write!(
                page,
                "<td colspan=\"5\">{}</td></tr>",
                lang.text(Msg::NotGiven)
            )?;
            continue;
        }
        number_cell(
            page,
            "demand",
            r.volume.as_f64(),
            &lang.people(r.volume.as_f64()),
        )?;
        let direct = r.covered_direct.as_f64();
        number_cell(page, "covered_direct", direct, &lang.people(direct))?;
        number_cell(page, "gap", r.gap.as_f64(), &lang.people(r.gap.as_f64()))?;
        coverage_cell(page, lang, r.coverage())?;
        let projected = t.supply.projected_share();
        let shown = projected.map_or_else(|| "–".to_owned(), |p| lang.percent(p));
        number_cell(page, "projected", projected.unwrap_or(f64::NAN), &shown)?;
        page.push_str("</tr>");
        if !t.buyers_without_demand.is_empty() {
            let names: Vec<String> = t
                .buyers_without_demand
                .iter()
                .map(|b| b.label_fr())
                .collect();
            write!(
                page,
                "<tr class=\"note\"><td></td><td colspan=\"5\">{}{}</td></tr>",
                lang.text(Msg::NoDemandGiven),
                escape(&names.join(", "))
            )?;
        }
    }
    page.push_str("</tbody></table>");
    Ok(())
}

fn sources(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let lang = input.lang;
    write!(
        page,
        "<section id=\"sources\"><h2>{}</h2><p class=\"intro\">{}</p>\
         <table class=\"figures\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.text(Msg::Sources),
        lang.text(Msg::SourcesIntro),
        lang.text(Msg::Publisher),
        lang.text(Msg::Dataset),
        lang.text(Msg::Licence),
    )?;
    for source in &input.sources {
        write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&source.publisher),
            escape(&source.dataset),
            escape(&source.licence)
        )?;
    }
    page.push_str("</tbody></table></section>\n");
    Ok(())
}

fn configuration(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let lang = input.lang;
    writeln!(
        page,
        "<section id=\"configuration\"><h2>{}</h2><p class=\"intro\">{}</p><pre><code>{}</code></pre></section>",
        lang.text(Msg::Configuration),
        lang.text(Msg::ConfigurationIntro),
        escape(&input.config_toml)
    )?;
    Ok(())
}

fn files(page: &mut String, input: &ReportInput) -> anyhow::Result<()> {
    let lang = input.lang;
    write!(
        page,
        "<section id=\"files\"><h2>{}</h2><ul class=\"files\">",
        lang.text(Msg::Files)
    )?;
    for msg in [
        Msg::ReadmeHtml,
        Msg::ReadmeCsv,
        Msg::ReadmeParquet,
        Msg::ReadmeOffers,
        Msg::ReadmeJson,
        Msg::ReadmeSelf,
    ] {
        write!(page, "<li>{}</li>", escape(lang.text(msg)))?;
    }
    if input.horizon.is_some() {
        write!(page, "<li>{}</li>", escape(lang.text(Msg::ReadmeYears)))?;
    }
    writeln!(
        page,
        "</ul><p class=\"note\">{}</p><p class=\"note\">{}</p></section>",
        escape(lang.text(Msg::ReadmeColumns)),
        escape(lang.text(Msg::ReadmeCsvCells))
    )?;
    Ok(())
}

/// The page's style sheet: system fonts only, print-friendly.
const STYLE: &str = r#"
:root{--ink:#222b38;--muted:#5b6778;--line:#dde2e8;--bg:#f4f6f9;--covered:#4c78a8;--gap:#d6453d;--accent:#1f4e8c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
.wrap{max-width:1040px;margin:0 auto;padding:0 20px}
.masthead{background:linear-gradient(135deg,#1f3b63,#1f4e8c);color:#fff;padding:28px 0 22px}
.masthead h1{margin:0;font-size:28px;line-height:1.25;font-weight:650}
.masthead .meta{margin:6px 0 0;opacity:.85}
main{padding:20px 20px 48px}
.notice{background:#fff4d6;border:1px solid #f0c85a;border-left:6px solid #e0a800;border-radius:8px;padding:12px 16px;margin:0 0 18px}
section,nav.contents{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:0 0 18px;break-inside:avoid-page}
h2{font-size:20px;margin:0 0 10px;color:#1f3b63}
h3{font-size:16px;margin:14px 0 8px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.intro,.note,figcaption{color:var(--muted);margin:4px 0 12px}
.note{font-size:13px;margin:8px 0 0}
nav.contents ol{margin:0;padding-left:20px;columns:2;column-gap:32px}
nav.contents a{color:var(--accent);text-decoration:none}
.year-charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
.year-chart figcaption{font-weight:600;margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:8px 0 18px}
.card{border:1px solid var(--line);border-radius:10px;padding:12px 14px;background:#fafbfc}
.card-label{color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.04em}
.card-value{font-size:30px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.2}
.card-unit{color:var(--muted);font-size:13px}
.card.covered .card-value{color:var(--covered)}
.card.gap{border-color:#f0b7b3;background:#fdf3f2}
.card.gap .card-value{color:var(--gap)}
table.figures{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
table.figures th,table.figures td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.figures thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:2px solid var(--line)}
table.figures tbody tr:nth-child(even){background:#f8f9fb}
table.figures tfoot th,table.figures tfoot td{font-weight:700;border-top:2px solid var(--ink);border-bottom:none}
.num{text-align:right!important;white-space:nowrap}
td[data-field=gap]{color:var(--gap);font-weight:600}
td.code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px;color:var(--muted);white-space:nowrap}
.coverage{min-width:120px}
.meter{display:inline-block;width:56px;height:8px;border-radius:4px;background:#f3d3d0;margin-right:8px;vertical-align:middle;overflow:hidden}
.meter span{display:block;height:100%;background:var(--covered)}
.flag{color:var(--gap);margin-left:4px}
figure{margin:0 0 14px}
figure svg{display:block;max-width:100%;height:auto}
figure.map svg{margin:0 auto}
.badge{background:var(--gap);color:#fff;border-radius:999px;padding:1px 10px;font-size:13px;font-weight:600}
article.big-gap{border-top:1px solid var(--line);padding-top:4px}
article.big-gap:first-of-type{border-top:none}
ul.lacks{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px}
ul.lacks li{background:#eef2f7;border-radius:6px;padding:1px 8px;font-size:13px}
td.better{color:#2e7d32;font-weight:600}
td.worse{color:var(--gap);font-weight:600}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:8px;padding:12px;overflow:auto;font-size:13px;white-space:pre-wrap}
ul.files{margin:0;padding-left:20px}
.empty{color:var(--muted);font-style:italic}
@media (max-width:720px){.cards{grid-template-columns:repeat(2,1fr)}nav.contents ol{columns:1}}
@media print{body{background:#fff}section,nav.contents{border:none;padding:0}}
"#;

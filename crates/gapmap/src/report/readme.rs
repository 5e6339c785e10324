//! `README.txt`: what each file of the report folder is, the sources with their licences, the
//! configuration used, and the illustrative-data notice when set.

use std::fmt::Write as _;

use super::i18n::Msg;
use super::model::ReportInput;

/// The text of `README.txt` for `input`.
pub fn render(input: &ReportInput) -> anyhow::Result<String> {
    let lang = input.lang;
    let mut text = String::new();
    let heading = format!("{} — {}", lang.text(Msg::ReadmeTitle), input.title);
    writeln!(text, "{heading}")?;
    writeln!(text, "{}", "=".repeat(heading.chars().count()))?;
    writeln!(
        text,
        "{} {}",
        lang.text(Msg::GeneratedAt),
        input.generated_at
    )?;
    writeln!(text, "gapmap {}", env!("CARGO_PKG_VERSION"))?;
    if let Some(note) = &input.data_note {
        writeln!(text)?;
        writeln!(
            text,
            "!!! {} — {}. {}",
            lang.text(Msg::IllustrativeData).to_uppercase(),
            note,
            lang.text(Msg::IllustrativeDataText)
        )?;
    }

    section(&mut text, lang.text(Msg::Files))?;
    for msg in [
        Msg::ReadmeHtml,
        Msg::ReadmeCsv,
        Msg::ReadmeParquet,
        Msg::ReadmeOffers,
        Msg::ReadmeJson,
        Msg::ReadmeSelf,
    ] {
        writeln!(text, "- {}", lang.text(msg))?;
    }
    if input.horizon.is_some() {
        writeln!(text, "- {}", lang.text(Msg::ReadmeYears))?;
    }
    if input.recommendations.is_some() {
        writeln!(text, "- {}", lang.text(Msg::ReadmeRecommendation))?;
    }
    writeln!(text)?;
    writeln!(text, "{}", lang.text(Msg::ReadmeColumns))?;
    writeln!(text, "{}", lang.text(Msg::ReadmeCsvCells))?;

    section(&mut text, lang.text(Msg::Sources))?;
    writeln!(text, "{}", lang.text(Msg::SourcesIntro))?;
    for source in &input.sources {
        writeln!(
            text,
            "- {} — {} — {}",
            source.publisher, source.dataset, source.licence
        )?;
    }

    section(&mut text, lang.text(Msg::Configuration))?;
    text.push_str(&input.config_toml);
    if !input.config_toml.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn section(text: &mut String, title: &str) -> anyhow::Result<()> {
    writeln!(text)?;
    writeln!(text, "{title}")?;
    writeln!(text, "{}", "-".repeat(title.chars().count()))?;
    Ok(())
}

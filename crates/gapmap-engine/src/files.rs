//! The scenario and configuration files, read with positioned errors.

use std::path::Path;

use gapmap_match::{Change, MatchConfig, OpenSeats, Place, Scenario};
use gapmap_model::{OfferId, TrainingMode};

use crate::EngineError;

/// A text file's content; an error names the file.
pub(crate) fn read(path: &Path) -> Result<String, EngineError> {
    std::fs::read_to_string(path).map_err(|source| EngineError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Reads a matching configuration file (its `[match]` table; absent keys keep their defaults)
/// and checks it; returns it with the file's text, for reports. `None`: the defaults.
///
/// ```
/// let (config, text) = gapmap_engine::read_match_config(None)?;
/// assert_eq!(config, gapmap_match::MatchConfig::default());
/// assert!(text.contains("defaults"));
/// # Ok::<(), gapmap_engine::EngineError>(())
/// ```
pub fn read_match_config(path: Option<&Path>) -> Result<(MatchConfig, String), EngineError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default, rename = "match")]
        matching: Option<MatchConfig>,
    }
    let Some(path) = path else {
        return Ok((
            MatchConfig::default(),
            "# built-in defaults (see `gapmap-match` MatchConfig)\n".to_owned(),
        ));
    };
    let text = read(path)?;
    let invalid = |message: String| EngineError::Config {
        path: path.to_owned(),
        message,
    };
    let file: File = toml::from_str(&text).map_err(|e| {
        invalid(format!(
            "invalid configuration: {}",
            e.to_string().trim_end()
        ))
    })?;
    let config = file.matching.unwrap_or_default();
    config
        .validate()
        .map_err(|e| invalid(format!("invalid configuration in [match]: {e}")))?;
    Ok((config, text))
}

/// Reads a scenario file: TOML with an optional `name` and `[[change]]` tables of `kind` `open`
/// (`cfd`, one of `uai` or `commune`, `seats`, optional `mode`, `year`, `label`, `length`), `extend`
/// (`offer`, `seats`, optional `year`), `reduce` (`offer`, `seats`) or `close` (`offer`, optional
/// `year`). Errors name the file and the change.
pub fn read_scenario(path: &Path) -> Result<Scenario, EngineError> {
    let text = read(path)?;
    let invalid = |message: String| EngineError::Scenario {
        path: path.to_owned(),
        message,
    };
    let file: ScenarioFile = toml::from_str(&text)
        .map_err(|e| invalid(format!("invalid scenario: {}", e.to_string().trim_end())))?;
    let default_name = path.display().to_string();
    file.scenario(default_name)
        .map_err(|(i, m)| invalid(format!("change {}: {m}", i + 1)))
}

/// Reads a scenario sent as JSON (the HTTP API's): `{"name": ..., "changes": [...]}`, each change
/// with the fields of a scenario file's `[[change]]` table. Errors name the line and column, or
/// the change (`changes[1]`, counted from 0 as in JSON).
///
/// ```
/// let s = gapmap_engine::scenario_from_json(r#"{"changes": [{"kind": "close", "offer": "x"}]}"#)?;
/// assert_eq!(s.changes.len(), 1);
/// let err = gapmap_engine::scenario_from_json(r#"{"changes": [{"kind": "extend", "offer": "x"}]}"#);
/// assert!(err.is_err_and(|e| e.to_string() == "changes[0]: `seats` is required"));
/// # Ok::<(), gapmap_engine::EngineError>(())
/// ```
pub fn scenario_from_json(text: &str) -> Result<Scenario, EngineError> {
    let file: ScenarioFile = serde_json::from_str(text).map_err(|e| EngineError::ScenarioJson {
        field: None,
        message: format!("invalid scenario: {e}"),
    })?;
    file.scenario("scenario".to_owned())
        .map_err(|(i, message)| EngineError::ScenarioJson {
            field: Some(format!("changes[{i}]")),
            message,
        })
}

/// A scenario as written (TOML file or JSON).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: Option<String>,
    #[serde(default, rename = "change", alias = "changes")]
    changes: Vec<RawChange>,
}

impl ScenarioFile {
    /// The scenario; an error gives the position of the change and what is wrong.
    fn scenario(self, default_name: String) -> Result<Scenario, (usize, String)> {
        let changes = self
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| c.change().map_err(|m| (i, m)))
            .collect::<Result<Vec<_>, _>>()?;
        let name = self.name.unwrap_or(default_name);
        Ok(Scenario { name, changes })
    }
}

/// One `[[change]]` table as written.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    kind: String,
    cfd: Option<String>,
    uai: Option<String>,
    commune: Option<String>,
    seats: Option<u32>,
    mode: Option<String>,
    year: Option<u16>,
    label: Option<String>,
    offer: Option<String>,
    length: Option<u8>,
}

impl RawChange {
    fn change(&self) -> Result<Change, String> {
        let seats = || self.seats.ok_or("`seats` is required");
        let offer = || self.offer.clone().map(OfferId).ok_or("`offer` is required");
        Ok(match self.kind.as_str() {
            "open" => Change::Open(self.open()?),
            "extend" => Change::Extend {
                offer: offer()?,
                seats: seats()?,
                year: self.year,
            },
            "close" => Change::Close {
                offer: offer()?,
                year: self.year,
            },
            "reduce" if self.year.is_some() => {
                return Err(
                    "`year`: a reduction has no year (it is not followed over a plan horizon)"
                        .to_owned(),
                );
            }
            "reduce" => Change::Reduce {
                offer: offer()?,
                seats: seats()?,
            },
            other => {
                return Err(format!(
                    "kind {other:?}: expected open, extend, reduce or close"
                ));
            }
        })
    }

    fn open(&self) -> Result<OpenSeats, String> {
        let cfd = self.cfd.as_deref().ok_or("`cfd` is required")?;
        let place = match (&self.uai, &self.commune) {
            (Some(uai), None) => Place::School(uai.parse().map_err(|e| format!("{e}"))?),
            (None, Some(commune)) => Place::Commune(commune.parse().map_err(|e| format!("{e}"))?),
            _ => return Err("give exactly one of `uai` or `commune`".to_owned()),
        };
        let mode = match self.mode.as_deref() {
            None => TrainingMode::School,
            Some(name) => TrainingMode::from_name(name)
                .ok_or_else(|| format!("mode {name:?}: expected school or apprenticeship"))?,
        };
        Ok(OpenSeats {
            cfd: cfd.parse().map_err(|e| format!("{e}"))?,
            place,
            seats: self.seats.ok_or("`seats` is required")?,
            mode,
            year: self.year,
            label: self.label.clone(),
            length: self.length,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random input (property tests: random, not coverage-guided): any text posted as a scenario
    /// or written as a configuration file is read or refused with a message, never a panic.
    mod random_input {
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn any_text_is_a_scenario_or_an_error(text in "[{}\\[\\]\":,a-z0-9 .-]{0,200}") {
                if let Err(e) = super::super::scenario_from_json(&text) {
                    prop_assert!(!e.to_string().is_empty());
                }
            }

            #[test]
            fn scenario_like_json_is_a_scenario_or_an_error(
                kind in "(open|extend|close|grow)",
                seats in any::<i64>(),
                year in any::<i32>(),
                offer in "[a-z0-9:]{0,20}",
            ) {
                let text = format!(r#"{{"changes": [{{"kind": "{kind}", "offer": "{offer}", "seats": {seats}, "year": {year}}}]}}"#);
                match super::super::scenario_from_json(&text) {
                    Ok(s) => prop_assert_eq!(s.changes.len(), 1),
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                }
            }

            #[test]
            fn any_configuration_is_read_or_refused_by_name(
                key in "(completion_factor|min_subject_score|commute_radius_km|reach_km|min_edge_score|unknown_key)",
                value in "(-?[0-9]{1,6}(\\.[0-9]{1,3})?|nan|inf|-inf|true|\"x\")",
            ) {
                let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
                let path = tmp.path().join("gapmap.toml");
                std::fs::write(&path, format!("[match]\n{key} = {value}\n"))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                if let Err(e) = super::super::read_match_config(Some(&path)) {
                    prop_assert!(e.to_string().contains("gapmap.toml"), "{}", e);
                }
            }
        }
    }

    #[test]
    fn configuration_file_overrides_defaults() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("gapmap.toml");
        std::fs::write(
            &path,
            "[match]\nmin_subject_score = 0.6\ncommute_radius_km = 40.0\n",
        )?;
        let (config, text) = read_match_config(Some(&path))?;
        assert_eq!(config.min_subject_score, 0.6);
        assert_eq!(config.commute_radius_km, 40.0);
        assert_eq!(
            config.completion_factor,
            MatchConfig::default().completion_factor
        );
        assert!(
            text.contains("min_subject_score"),
            "the report records the file as given"
        );
        std::fs::write(&path, "[match]\nmin_subject_scor = 0.6\n")?;
        let err = read_match_config(Some(&path))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.contains("invalid configuration") && err.contains("min_subject_scor"),
            "{err}"
        );
        std::fs::write(&path, "[match]\ncompletion_factor = 1.5\n")?;
        let err = read_match_config(Some(&path))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.ends_with("`completion_factor` = 1.5: expected a number in [0, 1]"),
            "{err}"
        );
        Ok(())
    }

    /// The documented configuration file holds exactly the defaults, so the documentation cannot
    /// drift from the code.
    #[test]
    fn documented_configuration_is_the_default() -> Result<(), Box<dyn std::error::Error>> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/config/gapmap.toml");
        let (config, _) = read_match_config(Some(&path))?;
        assert_eq!(config, MatchConfig::default());
        Ok(())
    }

    #[test]
    fn scenario_file_errors_name_the_change() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "[[change]]\nkind = \"open\"\ncfd = \"50022139\"\nseats = 3\n",
        )?;
        let err = read_scenario(&path)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.ends_with("change 1: give exactly one of `uai` or `commune`"),
            "{err}"
        );
        std::fs::write(
            &path,
            "[[change]]\nkind = \"close\"\noffer = \"affelnet:2022:0620257T:x:school\"\n",
        )?;
        let s = read_scenario(&path)?;
        assert_eq!(
            s.changes,
            vec![Change::Close {
                offer: OfferId("affelnet:2022:0620257T:x:school".into()),
                year: None,
            }]
        );
        Ok(())
    }
}

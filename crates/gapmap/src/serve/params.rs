//! Query-string parameters, validated once: a typed value or a 400 answer naming the parameter;
//! a repeated or unknown parameter is an error too (a typo must not silently widen a filter).

use std::fmt::Display;
use std::str::FromStr;

use super::error::ApiError;

/// The parameters of one request, each taken at most once.
pub struct Params {
    pairs: Vec<(String, String)>,
    taken: Vec<bool>,
}

impl Params {
    /// The parameters as decoded from the query string.
    pub fn new(pairs: Vec<(String, String)>) -> Params {
        let taken = vec![false; pairs.len()];
        Params { pairs, taken }
    }

    /// The raw value of `name`, if given (a second occurrence is an error; an empty value counts
    /// as not given, as HTML forms send empty fields).
    pub fn text(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let mut found = None;
        for (i, (key, value)) in self.pairs.iter().enumerate() {
            if key == name {
                if found.is_some() {
                    return Err(ApiError::bad(name, format!("{name}: given twice")));
                }
                self.taken[i] = true;
                found = Some(value.trim().to_owned());
            }
        }
        Ok(found.filter(|v| !v.is_empty()))
    }

    /// The value of `name` parsed as `T`.
    pub fn parse<T>(&mut self, name: &str) -> Result<Option<T>, ApiError>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.text(name)?
            .map(|v| {
                v.parse()
                    .map_err(|e| ApiError::bad(name, format!("{name}: {e}")))
            })
            .transpose()
    }

    /// A whole number in `[min, max]`, `default` when not given.
    pub fn number(
        &mut self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let Some(text) = self.text(name)? else {
            return Ok(default);
        };
        match text.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad(
                name,
                format!("{name}: expected a whole number from {min} to {max}, got {text:?}"),
            )),
        }
    }

    /// Refuses the parameters not taken.
    pub fn finish(self) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .zip(&self.taken)
            .find(|(_, taken)| !**taken)
        {
            Some(((key, _), _)) => Err(ApiError::bad(key, format!("unknown parameter {key:?}"))),
            None => Ok(()),
        }
    }
}

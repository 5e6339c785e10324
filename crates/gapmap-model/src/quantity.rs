//! Counts of people: recruitment volumes and training seats.
//!
//! Volumes are fixed-point thousandths of a person so that apportioning a count over several
//! codes (a BMO line over the ROME sheets of its occupation) conserves the total exactly; round only
//! for display.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// A number of people per year, in thousandths (fixed point, exact sums).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Volume(u64);

impl Volume {
    /// No one.
    pub const ZERO: Volume = Volume(0);
    /// Thousandths in one person.
    pub const SCALE: u64 = 1000;

    /// A whole number of people.
    pub fn whole(people: u64) -> Volume {
        Volume(people.saturating_mul(Self::SCALE))
    }

    /// A volume from thousandths of a person.
    pub fn from_milli(milli: u64) -> Volume {
        Volume(milli)
    }

    /// The volume in thousandths of a person.
    pub fn milli(self) -> u64 {
        self.0
    }

    /// The volume as a float, for ratios and display.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / Self::SCALE as f64
    }

    /// The volume rounded to the nearest whole person (halves away from zero).
    pub fn round(self) -> u64 {
        (self.0 + Self::SCALE / 2) / Self::SCALE
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self - other`, or zero if `other` is larger.
    pub fn saturating_sub(self, other: Volume) -> Volume {
        Volume(self.0.saturating_sub(other.0))
    }

    /// The smaller of two volumes.
    pub fn min(self, other: Volume) -> Volume {
        Volume(self.0.min(other.0))
    }

    /// Part `k` of `self` split evenly in `n` parts: exactly `self.apportion(&[1; n])[k]`, without
    /// allocating (the gap tables split a need over its ROME sheets this way). Zero when `k >= n`.
    ///
    /// ```
    /// use gapmap_model::Volume;
    /// let v = Volume::whole(10);
    /// let parts: Vec<Volume> = (0..3).map(|k| v.even_part(3, k)).collect();
    /// assert_eq!(parts, v.apportion(&[1, 1, 1]));
    /// ```
    pub fn even_part(self, n: usize, k: usize) -> Volume {
        if k >= n {
            return Volume::ZERO;
        }
        let n = n as u64;
        let k = k as u64;
        Volume(self.0 / n + u64::from(k < self.0 % n))
    }

    /// Splits `self` in proportion to `weights`, conserving the total exactly (largest remainder
    /// method, ties to the earliest weight). All-zero or empty weights split evenly; an empty
    /// `weights` gives an empty result.
    ///
    /// ```
    /// use gapmap_model::Volume;
    /// let parts = Volume::whole(10).apportion(&[1, 1, 1]);
    /// assert_eq!(parts.iter().copied().sum::<Volume>(), Volume::whole(10));
    /// assert_eq!(parts[0].milli(), 3334);
    /// ```
    pub fn apportion(self, weights: &[u64]) -> Vec<Volume> {
        if weights.is_empty() {
            return Vec::new();
        }
        let total_weight: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        let weights: Vec<u128> = if total_weight == 0 {
            vec![1; weights.len()]
        } else {
            weights.iter().map(|&w| u128::from(w)).collect()
        };
        let total_weight: u128 = weights.iter().sum();
        let amount = u128::from(self.0);
        let mut parts: Vec<u64> = Vec::with_capacity(weights.len());
        let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
        for (i, &w) in weights.iter().enumerate() {
            let exact = amount * w;
            // Fits: amount * w / total_weight <= amount, which came from a u64.
            parts.push(u64::try_from(exact / total_weight).unwrap_or(u64::MAX));
            remainders.push((exact % total_weight, i));
        }
        let given: u64 = parts.iter().sum();
        let mut left = self.0 - given;
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &remainders {
            if left == 0 {
                break;
            }
            parts[i] += 1;
            left -= 1;
        }
        parts.into_iter().map(Volume).collect()
    }
}

impl Add for Volume {
    type Output = Volume;
    fn add(self, rhs: Volume) -> Volume {
        Volume(self.0 + rhs.0)
    }
}

impl AddAssign for Volume {
    fn add_assign(&mut self, rhs: Volume) {
        self.0 += rhs.0;
    }
}

impl Sub for Volume {
    type Output = Volume;
    /// Saturating: a volume is never negative.
    fn sub(self, rhs: Volume) -> Volume {
        self.saturating_sub(rhs)
    }
}

impl Sum for Volume {
    fn sum<I: Iterator<Item = Volume>>(iter: I) -> Volume {
        iter.fold(Volume::ZERO, Add::add)
    }
}

impl fmt::Display for Volume {
    /// Whole numbers print without decimals (`12`), others with up to three (`3.334`); width
    /// and alignment apply (`{:>8}`), a precision does not (round with [`Volume::as_f64`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Self::SCALE;
        let frac = self.0 % Self::SCALE;
        let text = if frac == 0 {
            whole.to_string()
        } else {
            let s = format!("{frac:03}");
            format!("{whole}.{}", s.trim_end_matches('0'))
        };
        match f.precision() {
            // `pad` would read a precision as a maximum width and cut the number.
            Some(_) => f.write_str(&text),
            None => f.pad(&text),
        }
    }
}

impl fmt::Debug for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Volume({self})")
    }
}

/// A published count that may be masked for confidentiality (BMO writes `*` for small counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Count {
    /// The published value.
    Known(Volume),
    /// Masked by the publisher: small but unknown. Never read as zero.
    Masked,
}

impl Count {
    /// The value if published.
    pub fn known(self) -> Option<Volume> {
        match self {
            Count::Known(v) => Some(v),
            Count::Masked => None,
        }
    }
}

/// The intake capacity of a training offer, as far as the source tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capacity {
    /// Seats per intake year.
    Seats(u32),
    /// The source holds a placeholder (Affelnet's `999`): the real capacity is unknown.
    Placeholder(u32),
    /// The source gives no capacity (e.g. the Parcoursup course list).
    Unknown,
    /// Seats per intake year given by the user's capacities file, where the published data have
    /// none or another figure.
    Declared(u32),
}

impl Capacity {
    /// The number of seats, if known.
    pub fn seats(self) -> Option<u32> {
        match self {
            Capacity::Seats(n) | Capacity::Declared(n) => Some(n),
            Capacity::Placeholder(_) | Capacity::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_part_is_the_even_apportionment() {
        for milli in (0..2_000).chain([u64::MAX / 3, u64::MAX]) {
            let v = Volume(milli);
            for n in 1..=7 {
                let parts = v.apportion(&vec![1; n]);
                for (k, part) in parts.iter().enumerate() {
                    assert_eq!(v.even_part(n, k), *part, "{milli} in {n}, part {k}");
                }
            }
        }
    }

    #[test]
    fn apportion_conserves_totals() {
        let cases: &[(u64, &[u64])] = &[
            (10_000, &[1, 1, 1]),
            (1, &[5, 5]),
            (7, &[0, 0, 0]),
            (123_456, &[3, 0, 9, 1]),
            (0, &[1, 2]),
        ];
        for &(milli, weights) in cases {
            let parts = Volume::from_milli(milli).apportion(weights);
            assert_eq!(parts.len(), weights.len());
            assert_eq!(
                parts.iter().copied().sum::<Volume>().milli(),
                milli,
                "{weights:?}"
            );
        }
        let parts = Volume::whole(10).apportion(&[1, 1, 1]);
        assert_eq!(
            parts.iter().map(|v| v.milli()).collect::<Vec<_>>(),
            vec![3334, 3333, 3333]
        );
        let parts = Volume::whole(4).apportion(&[3, 0, 1]);
        assert_eq!(
            parts,
            vec![Volume::whole(3), Volume::ZERO, Volume::whole(1)]
        );
        assert!(Volume::whole(3).apportion(&[]).is_empty());
    }

    #[test]
    fn volume_display_and_round() {
        assert_eq!(Volume::whole(12).to_string(), "12");
        assert_eq!(Volume::from_milli(3334).to_string(), "3.334");
        assert_eq!(Volume::from_milli(2500).to_string(), "2.5");
        assert_eq!(Volume::from_milli(2500).round(), 3);
        assert_eq!(Volume::from_milli(2499).round(), 2);
        assert_eq!(Volume::whole(2) - Volume::whole(5), Volume::ZERO);
    }
}

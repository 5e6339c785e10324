//! Validated codes of the French nomenclatures.
//!
//! Every code is a newtype that can only hold a valid value: parse with [`str::parse`] (or
//! `TryFrom<&str>`), read back with [`Display`](fmt::Display) or `as_str`. Parsing trims surrounding
//! white space and nothing else: case and padding are part of the code.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// The kind of code that was expected (e.g. `"ROME code"`).
    pub kind: &'static str,
    /// The rejected value, as given (cut to 40 characters).
    pub value: String,
    /// What the value should look like.
    pub expected: &'static str,
}

impl CodeError {
    fn new(kind: &'static str, value: &str, expected: &'static str) -> Self {
        let value = value.chars().take(40).collect();
        CodeError {
            kind,
            value,
            expected,
        }
    }
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: expected {}",
            self.kind, self.value, self.expected
        )
    }
}

impl std::error::Error for CodeError {}

/// Declares a code stored inline as `N` ASCII bytes, validated by `$check`.
macro_rules! ascii_code {
    ($(#[$doc:meta])* $name:ident, $len:literal, $kind:literal, $expected:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name([u8; $len]);

        impl $name {
            /// The code as a string slice.
            pub fn as_str(&self) -> &str {
                // Only ASCII bytes are ever stored (checked at construction).
                std::str::from_utf8(&self.0).unwrap_or_default()
            }
        }

        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                let s = s.trim();
                let bytes = s.as_bytes();
                let check: fn(&[u8]) -> bool = $check;
                if bytes.len() != $len || !bytes.is_ascii() || !check(bytes) {
                    return Err(CodeError::new($kind, s, $expected));
                }
                let mut out = [0u8; $len];
                out.copy_from_slice(bytes);
                Ok($name(out))
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                s.parse()
            }
        }

        impl TryFrom<&str> for $name {
            type Error = CodeError;
            fn try_from(s: &str) -> Result<Self, CodeError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.as_str().to_owned()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }
    };
}

fn all_digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

ascii_code!(
    /// A ROME 4.0 code: a letter `A`-`N` and four digits (`M1844`).
    ///
    /// Codes ending in `00` (e.g. `H2100`) are valid codes of a professional *domain*, not of a
    /// métier sheet: Certif Info uses some of them. See [`RomeCode::is_domain_level`].
    ///
    /// ```
    /// use gapmap_model::RomeCode;
    /// let code: RomeCode = "M1844".parse().unwrap();
    /// assert_eq!(code.domain(), "M18");
    /// assert!("Z1234".parse::<RomeCode>().is_err());
    /// ```
    RomeCode, 5, "ROME code", "a letter A-N and 4 digits, e.g. M1844",
    |b| (b'A'..=b'N').contains(&b[0]) && all_digits(&b[1..])
);

impl RomeCode {
    /// The professional domain: letter and two digits (`M18` for `M1844`).
    pub fn domain(&self) -> &str {
        &self.as_str()[..3]
    }

    /// The "grand domaine" letter (`M`).
    pub fn grand_domain(&self) -> char {
        char::from(self.0[0])
    }

    /// Whether the code names a whole professional domain (`H2100`) rather than a sheet.
    pub fn is_domain_level(&self) -> bool {
        &self.0[3..] == b"00"
    }
}

ascii_code!(
    /// A diploma code of the BCN (`FORMATION_DIPLOME`, "code scolarité"): 8 characters, digits
    /// or capital letters (`40025214`, `5002051A`).
    Cfd, 8, "CFD diploma code", "8 characters, digits or capital letters",
    |b| b.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
);

ascii_code!(
    /// A BCN "MEF" code: 10 characters (`2543340421`).
    Mef, 10, "MEF code", "10 characters, digits or capital letters",
    |b| b.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
);

ascii_code!(
    /// A MEFSTAT11 statistical training code: 11 characters, digits or capital letters
    /// (`23830023102`; the BCN and Affelnet also use codes such as `23C10023412` for the options
    /// of the general seconde, and Parcoursup 2024 `32K11031212`).
    MefStat11, 11, "MEFSTAT11 code", "11 characters, digits or capital letters",
    |b| b.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
);

ascii_code!(
    /// A school identifier (UAI, formerly RNE): 7 digits and a check letter (`0590005K`).
    ///
    /// The letter is checked: it is `ABCDEFGHJKLMNPRSTUVWXYZ[n mod 23]` for the 7-digit number `n`.
    /// The first three digits give the département (`059` = Nord, `620` = 2A, `720` = 2B).
    ///
    /// ```
    /// use gapmap_model::Uai;
    /// let uai: Uai = "0590005K".parse().unwrap_or_else(|e| panic!("{e}"));
    /// assert_eq!(uai.departement().as_str(), "59");
    /// assert!("0590005L".parse::<Uai>().is_err()); // wrong check letter
    /// ```
    Uai, 8, "UAI", "7 digits and the matching check letter, e.g. 0590005K",
    |b| all_digits(&b[..7]) && uai_check_letter(&b[..7]) == Some(b[7])
);

fn uai_check_letter(digits: &[u8]) -> Option<u8> {
    const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    let n = std::str::from_utf8(digits).ok()?.parse::<u32>().ok()?;
    Some(LETTERS[(n % 23) as usize])
}

impl Uai {
    /// The département the school belongs to, from the first three digits.
    pub fn departement(&self) -> Departement {
        let prefix = &self.0[..3];
        let code = match prefix {
            b"620" => "2A".to_owned(),
            b"720" => "2B".to_owned(),
            [b'9', b'7', _] => self.as_str()[..3].to_owned(),
            _ => self.as_str()[1..3].to_owned(),
        };
        Departement(code)
    }
}

ascii_code!(
    /// An apprenticeship site code that Parcoursup BTS gives in place of a UAI: `C`, 6 digits and
    /// a capital letter (`C590350K`, `C752887F`). Not a UAI: it has no check letter.
    ///
    /// ```
    /// use gapmap_model::SiteCode;
    /// let site: SiteCode = "C590350K".parse().unwrap_or_else(|e| panic!("{e}"));
    /// assert_eq!(site.departement().as_str(), "59");
    /// assert!("0590005K".parse::<SiteCode>().is_err());
    /// ```
    SiteCode, 8, "site code", "C, 6 digits and a capital letter, e.g. C590350K",
    |b| b[0] == b'C' && all_digits(&b[1..7]) && b[7].is_ascii_uppercase()
);

impl SiteCode {
    /// The département the code names, by the rule of the UAI read one character earlier: the
    /// two digits after the `C` (`C59…` = Nord, `C75…` = Paris), three for overseas (`C97x…`).
    /// Corsica (`C20…`) names no département: the import leaves such a site unlocated.
    pub fn departement(&self) -> Departement {
        let digits = &self.as_str()[1..];
        let n = if digits.starts_with("97") { 3 } else { 2 };
        Departement(digits[..n].to_owned())
    }
}

/// Who gives a course: a school (UAI) or, in Parcoursup BTS, an apprenticeship site.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SchoolCode {
    /// A school by its UAI.
    Uai(Uai),
    /// An apprenticeship site by its site code.
    Site(SiteCode),
}

impl SchoolCode {
    /// The code as published.
    pub fn as_str(&self) -> &str {
        match self {
            SchoolCode::Uai(uai) => uai.as_str(),
            SchoolCode::Site(site) => site.as_str(),
        }
    }

    /// The UAI, for a school.
    pub fn uai(&self) -> Option<Uai> {
        match self {
            SchoolCode::Uai(uai) => Some(*uai),
            SchoolCode::Site(_) => None,
        }
    }

    /// The département the code gives ([`Uai::departement`], [`SiteCode::departement`]).
    pub fn departement(&self) -> Departement {
        match self {
            SchoolCode::Uai(uai) => uai.departement(),
            SchoolCode::Site(site) => site.departement(),
        }
    }
}

impl From<Uai> for SchoolCode {
    fn from(uai: Uai) -> SchoolCode {
        SchoolCode::Uai(uai)
    }
}

impl FromStr for SchoolCode {
    type Err = CodeError;

    /// A UAI, else a site code.
    ///
    /// ```
    /// use gapmap_model::SchoolCode;
    /// assert!(matches!("0590005K".parse(), Ok(SchoolCode::Uai(_))));
    /// assert!(matches!("C752887F".parse(), Ok(SchoolCode::Site(_))));
    /// assert!("088998SS".parse::<SchoolCode>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<SchoolCode, CodeError> {
        s.parse::<Uai>()
            .map(SchoolCode::Uai)
            .or_else(|_| s.parse::<SiteCode>().map(SchoolCode::Site))
            .map_err(|_| {
                CodeError::new(
                    "UAI or site code",
                    s.trim(),
                    "a UAI (7 digits and the matching check letter, e.g. 0590005K) or a site code (C, 6 digits and a letter, e.g. C590350K)",
                )
            })
    }
}

impl TryFrom<String> for SchoolCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<SchoolCode> for String {
    fn from(code: SchoolCode) -> String {
        code.as_str().to_owned()
    }
}

impl fmt::Display for SchoolCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SchoolCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchoolCode({})", self.as_str())
    }
}

ascii_code!(
    /// A commune's INSEE code (code officiel géographique): 5 characters, digits, or `2A`/`2B`
    /// followed by 3 digits in Corsica (`59350`, `2A004`). A postcode is not an INSEE code, even
    /// when it looks like one.
    InseeCommune, 5, "INSEE commune code", "5 digits, or 2A/2B and 3 digits",
    |b| all_digits(b) || ((&b[..2] == b"2A" || &b[..2] == b"2B") && all_digits(&b[2..]))
);

impl InseeCommune {
    /// The département of the commune (`59`, `2A`, `971`).
    pub fn departement(&self) -> Departement {
        let s = self.as_str();
        let len = if s.starts_with("97") || s.starts_with("98") {
            3
        } else {
            2
        };
        Departement(s[..len].to_owned())
    }
}

ascii_code!(
    /// A French postcode: 5 digits. Not a commune code.
    Postcode, 5, "postcode", "5 digits", all_digits
);

/// A French département code: `01`-`95`, `2A`, `2B`, or a 3-digit overseas code (`971`-`976`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Departement(String);

impl Departement {
    /// The code as a string slice (`59`, `2A`, `971`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Departement {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        // The BCN and Éducation nationale write "059"; INSEE writes "59".
        let s = if s.len() == 3 && s.starts_with('0') {
            &s[1..]
        } else {
            s
        };
        let valid = match s.as_bytes() {
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => s != "00" && s != "20",
            [b'2', b'A' | b'B'] => true,
            [b'9', b'7' | b'8', c] if c.is_ascii_digit() => true,
            _ => false,
        };
        if valid {
            Ok(Departement(s.to_owned()))
        } else {
            Err(CodeError::new("département", s, "01-95, 2A, 2B or 971-989"))
        }
    }
}

impl TryFrom<String> for Departement {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<Departement> for String {
    fn from(code: Departement) -> String {
        code.0
    }
}

impl fmt::Display for Departement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Departement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Departement({})", self.0)
    }
}

/// Declares a numeric code with a digit-count rule.
macro_rules! numeric_code {
    ($(#[$doc:meta])* $name:ident($int:ty), $kind:literal, $expected:literal, $digits:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name($int);

        impl $name {
            /// The numeric value.
            pub fn get(self) -> $int {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                let s = s.trim();
                let digits: std::ops::RangeInclusive<usize> = $digits;
                if !digits.contains(&s.len()) || !all_digits(s.as_bytes()) {
                    return Err(CodeError::new($kind, s, $expected));
                }
                s.parse::<$int>().map($name).map_err(|_| CodeError::new($kind, s, $expected))
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.to_string()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }
    };
}

numeric_code!(
    /// A ROME "code OGR": the numeric identifier of a competence, knowledge item, appellation or
    /// sheet in the ROME referential (`100023`).
    OgrCode(u32), "OGR code", "1 to 9 digits", 1..=9
);

impl fmt::Display for OgrCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

numeric_code!(
    /// A Formacode (Centre Inffo thesaurus of training fields): 5 digits (`31006`).
    Formacode(u32), "Formacode", "5 digits", 5..=5
);

impl fmt::Display for Formacode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

numeric_code!(
    /// An INSEE region code (`32` = Hauts-de-France).
    RegionCode(u8), "region code", "2 digits, e.g. 32", 1..=2
);

impl RegionCode {
    /// Hauts-de-France.
    pub const HAUTS_DE_FRANCE: RegionCode = RegionCode(32);
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

numeric_code!(
    /// A BMO employment area ("bassin d'emploi BMO"), 4 digits (`3211`).
    BassinCode(u16), "BMO employment area", "4 digits", 4..=4
);

impl fmt::Display for BassinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

/// An RNCP certification number (`RNCP38381`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RncpCode(u32);

impl RncpCode {
    /// The number after `RNCP`.
    pub fn number(self) -> u32 {
        self.0
    }
}

fn parse_prefixed_number(s: &str, prefix: &str) -> Option<u32> {
    let digits = s.strip_prefix(prefix)?;
    if digits.is_empty() || digits.len() > 9 || !all_digits(digits.as_bytes()) {
        return None;
    }
    digits.parse().ok()
}

impl FromStr for RncpCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        parse_prefixed_number(s, "RNCP")
            .map(RncpCode)
            .ok_or_else(|| {
                CodeError::new("RNCP code", s, "RNCP followed by digits, e.g. RNCP38381")
            })
    }
}

impl fmt::Display for RncpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RNCP{}", self.0)
    }
}

impl fmt::Debug for RncpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RncpCode({self})")
    }
}

impl TryFrom<String> for RncpCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<RncpCode> for String {
    fn from(code: RncpCode) -> String {
        code.to_string()
    }
}

/// An RNCP skill block (`RNCP183BC03`): a certification and the block's number within it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RncpBlockCode {
    rncp: RncpCode,
    block: u16,
    /// Digits as written (`03` has width 2), so that the code reads back as published.
    width: u8,
}

impl RncpBlockCode {
    /// The certification the block belongs to.
    pub fn certification(self) -> RncpCode {
        self.rncp
    }

    /// The block's number within its certification.
    pub fn block(self) -> u16 {
        self.block
    }
}

impl FromStr for RncpBlockCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        let err = || {
            CodeError::new(
                "RNCP skill block",
                s,
                "RNCP<digits>BC<digits>, e.g. RNCP183BC03",
            )
        };
        let (rncp, block) = s.split_once("BC").ok_or_else(err)?;
        let rncp: RncpCode = rncp.parse().map_err(|_| err())?;
        if block.is_empty() || block.len() > 4 || !all_digits(block.as_bytes()) {
            return Err(err());
        }
        let width = block.len() as u8;
        let block = block.parse().map_err(|_| err())?;
        Ok(RncpBlockCode { rncp, block, width })
    }
}

impl fmt::Display for RncpBlockCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}BC{:0width$}",
            self.rncp,
            self.block,
            width = usize::from(self.width)
        )
    }
}

impl fmt::Debug for RncpBlockCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RncpBlockCode({self})")
    }
}

impl TryFrom<String> for RncpBlockCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<RncpBlockCode> for String {
    fn from(code: RncpBlockCode) -> String {
        code.to_string()
    }
}

/// An NSF specialty (nomenclature des spécialités de formation): 3 digits, optionally followed by
/// a lowercase letter giving the field (`255`, `255r`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nsf {
    group: u16,
    letter: Option<u8>,
}

impl Nsf {
    /// The 3-digit specialty group (`255`).
    pub fn group(self) -> u16 {
        self.group
    }

    /// The field letter, if any (`r`).
    pub fn letter(self) -> Option<char> {
        self.letter.map(char::from)
    }
}

impl FromStr for Nsf {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        let b = s.as_bytes();
        let err = || CodeError::new("NSF code", s, "3 digits and an optional letter, e.g. 255r");
        if b.len() < 3 || b.len() > 4 || !all_digits(&b[..3]) {
            return Err(err());
        }
        let letter = match b.get(3) {
            None => None,
            Some(c) if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            Some(_) => return Err(err()),
        };
        let group = s[..3].parse().map_err(|_| err())?;
        Ok(Nsf { group, letter })
    }
}

impl fmt::Display for Nsf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.group)?;
        if let Some(l) = self.letter {
            write!(f, "{}", char::from(l))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Nsf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nsf({self})")
    }
}

impl TryFrom<String> for Nsf {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<Nsf> for String {
    fn from(code: Nsf) -> String {
        code.to_string()
    }
}

/// A FAP 2021 code (familles professionnelles, DARES) at any of its four levels:
/// FAP22 `A`, FAP86 `A0X`, FAP228 `A0X41`, FAP341 `A0X41a` (a FAP341 code that is not split
/// equals its FAP228 code, e.g. `A0X40`). The second character is a letter in family Q
/// (`QAX01`, experts of finance).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FapCode(String);

impl FapCode {
    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The FAP228 code this code falls in (`A0X41` for `A0X41a`), if the code is at least that fine.
    pub fn fap228(&self) -> Option<FapCode> {
        (self.0.len() >= 5).then(|| FapCode(self.0[..5].to_owned()))
    }

    /// The FAP86 family (`A0X`), if the code is at least that fine.
    pub fn fap86(&self) -> Option<FapCode> {
        (self.0.len() >= 3).then(|| FapCode(self.0[..3].to_owned()))
    }
}

impl FromStr for FapCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let s = s.trim();
        let b = s.as_bytes();
        let valid = match b.len() {
            1 => b[0].is_ascii_uppercase(),
            3 | 5 | 6 => {
                b[0].is_ascii_uppercase()
                    // A digit, or a letter in family Q (banking, insurance: `QAX01`).
                    && (b[1].is_ascii_digit() || b[1].is_ascii_uppercase())
                    && b[2].is_ascii_uppercase()
                    && b[3..b.len().min(5)].iter().all(u8::is_ascii_digit)
                    && (b.len() != 6 || b[5].is_ascii_lowercase())
            }
            _ => false,
        };
        if valid {
            Ok(FapCode(s.to_owned()))
        } else {
            Err(CodeError::new(
                "FAP 2021 code",
                s,
                "A, A0X, A0X40 or A0X41a",
            ))
        }
    }
}

impl fmt::Display for FapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for FapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FapCode({})", self.0)
    }
}

impl TryFrom<String> for FapCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        s.parse()
    }
}

impl From<FapCode> for String {
    fn from(code: FapCode) -> String {
        code.0
    }
}

/// A European qualification level (EQF / "nouvelle nomenclature" of 2019): 1 to 8.
/// Vocational training runs from 3 (CAP) through 4 (bac pro), 5 (BTS), 6 (licence, BUT),
/// 7 (master) to 8 (doctorate).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct EuropeanLevel(u8);

impl EuropeanLevel {
    /// Makes a level from its number, if it is 1 to 8.
    pub fn new(level: u8) -> Option<Self> {
        (1..=8).contains(&level).then_some(EuropeanLevel(level))
    }

    /// The level's number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The usual French diploma at this level, for labels.
    pub fn typical_diploma(self) -> &'static str {
        match self.0 {
            1 | 2 => "sans diplôme / CléA",
            3 => "CAP, BEP",
            4 => "Bac, bac pro, BP",
            5 => "BTS, DEUST",
            6 => "Licence, BUT",
            7 => "Master, ingénieur",
            _ => "Doctorat",
        }
    }
}

/// Why a level range (`4-5`, or one level `5`) could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LevelRangeError {
    /// A side is not a level.
    Unreadable(CodeError),
    /// The lower level is above the higher one.
    Empty,
}

impl fmt::Display for LevelRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LevelRangeError::Unreadable(e) => write!(f, "{e}"),
            LevelRangeError::Empty => f.write_str("the lower level is above the higher one"),
        }
    }
}

impl std::error::Error for LevelRangeError {}

impl EuropeanLevel {
    /// A range of levels as users write it: `4-5`, or one level `5` (each side as
    /// [`EuropeanLevel`]'s `FromStr` reads it).
    ///
    /// ```
    /// use gapmap_model::{EuropeanLevel, LevelRangeError};
    /// let (lo, hi) = EuropeanLevel::parse_range("4-5").map_err(|e| format!("{e:?}"))?;
    /// assert_eq!((lo.get(), hi.get()), (4, 5));
    /// assert_eq!(EuropeanLevel::parse_range("5-4"), Err(LevelRangeError::Empty));
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse_range(text: &str) -> Result<(EuropeanLevel, EuropeanLevel), LevelRangeError> {
        let (lo, hi) = text.split_once('-').unwrap_or((text, text));
        let level = |s: &str| s.trim().parse::<EuropeanLevel>();
        let (lo, hi) = (
            level(lo).map_err(LevelRangeError::Unreadable)?,
            level(hi).map_err(LevelRangeError::Unreadable)?,
        );
        if lo > hi {
            return Err(LevelRangeError::Empty);
        }
        Ok((lo, hi))
    }
}

impl FromStr for EuropeanLevel {
    type Err = CodeError;
    /// Reads `5`, `Niveau 5`, `NIV5` or `niveau 5`.
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let prefix_ok = t
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim()
            .to_ascii_lowercase();
        let prefix_ok = matches!(prefix_ok.as_str(), "" | "niveau" | "niv" | "level");
        digits
            .parse::<u8>()
            .ok()
            .filter(|_| prefix_ok && digits.len() == 1)
            .and_then(EuropeanLevel::new)
            .ok_or_else(|| CodeError::new("European level", t, "1 to 8, e.g. 5 or \"Niveau 5\""))
    }
}

impl TryFrom<u8> for EuropeanLevel {
    type Error = CodeError;
    fn try_from(n: u8) -> Result<Self, CodeError> {
        EuropeanLevel::new(n)
            .ok_or_else(|| CodeError::new("European level", &n.to_string(), "1 to 8"))
    }
}

impl From<EuropeanLevel> for u8 {
    fn from(level: EuropeanLevel) -> u8 {
        level.0
    }
}

impl fmt::Display for EuropeanLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for EuropeanLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EuropeanLevel({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    /// Parses each line with the parser of the kind named first, prints `ok <display>` or the error.
    #[track_caller]
    fn check(input: &str, expect: Expect) {
        let mut out = String::new();
        for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (kind, value) = line.split_once(' ').unwrap_or((line, ""));
            let result = match kind {
                "rome" => value.parse::<RomeCode>().map(|c| c.to_string()),
                "cfd" => value.parse::<Cfd>().map(|c| c.to_string()),
                "mef11" => value.parse::<MefStat11>().map(|c| c.to_string()),
                "uai" => value
                    .parse::<Uai>()
                    .map(|c| format!("{c} dep={}", c.departement())),
                "insee" => value
                    .parse::<InseeCommune>()
                    .map(|c| format!("{c} dep={}", c.departement())),
                "dep" => value.parse::<Departement>().map(|c| c.to_string()),
                "ogr" => value.parse::<OgrCode>().map(|c| c.to_string()),
                "formacode" => value.parse::<Formacode>().map(|c| c.to_string()),
                "rncp" => value.parse::<RncpCode>().map(|c| c.to_string()),
                "block" => value
                    .parse::<RncpBlockCode>()
                    .map(|c| format!("{c} of {}", c.certification())),
                "nsf" => value.parse::<Nsf>().map(|c| c.to_string()),
                "fap" => value
                    .parse::<FapCode>()
                    .map(|c| format!("{c} fap228={:?}", c.fap228().map(|f| f.to_string()))),
                "level" => value.parse::<EuropeanLevel>().map(|c| c.to_string()),
                "bassin" => value.parse::<BassinCode>().map(|c| c.to_string()),
                "region" => value.parse::<RegionCode>().map(|c| c.to_string()),
                other => panic!("unknown kind {other}"),
            };
            let shown = match result {
                Ok(v) => format!("ok {v}"),
                Err(e) => format!("err {e}"),
            };
            out.push_str(&format!("{line:<24} -> {shown}\n"));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn codes_parse_and_reject() {
        check(
            r#"
            rome M1844
            rome H2100
            rome Z1844
            rome M184
            cfd 40025214
            cfd 5002051A
            cfd 4002521
            mef11 23830023102
            mef11 23C10023412
            mef11 2383002310a
            uai 0590005K
            uai 0590005L
            uai 6200001G
            uai 9710001Z
            insee 59350
            insee 2A004
            insee 2C004
            dep 059
            dep 2B
            dep 971
            dep 00
            ogr 100023
            ogr 12a
            formacode 31006
            formacode 3100
            rncp RNCP38381
            rncp 38381
            block RNCP183BC03
            block RNCP183BC
            nsf 255r
            nsf 255
            nsf 25
            fap A0X41a
            fap QAX01
            fap A0X40
            fap A0X
            fap A0X4
            level Niveau 5
            level 7
            level 9
            bassin 3211
            region 32
            "#,
            expect![[r#"
                rome M1844               -> ok M1844
                rome H2100               -> ok H2100
                rome Z1844               -> err invalid ROME code "Z1844": expected a letter A-N and 4 digits, e.g. M1844
                rome M184                -> err invalid ROME code "M184": expected a letter A-N and 4 digits, e.g. M1844
                cfd 40025214             -> ok 40025214
                cfd 5002051A             -> ok 5002051A
                cfd 4002521              -> err invalid CFD diploma code "4002521": expected 8 characters, digits or capital letters
                mef11 23830023102        -> ok 23830023102
                mef11 23C10023412        -> ok 23C10023412
                mef11 2383002310a        -> err invalid MEFSTAT11 code "2383002310a": expected 11 characters, digits or capital letters
                uai 0590005K             -> ok 0590005K dep=59
                uai 0590005L             -> err invalid UAI "0590005L": expected 7 digits and the matching check letter, e.g. 0590005K
                uai 6200001G             -> ok 6200001G dep=2A
                uai 9710001Z             -> ok 9710001Z dep=971
                insee 59350              -> ok 59350 dep=59
                insee 2A004              -> ok 2A004 dep=2A
                insee 2C004              -> err invalid INSEE commune code "2C004": expected 5 digits, or 2A/2B and 3 digits
                dep 059                  -> ok 59
                dep 2B                   -> ok 2B
                dep 971                  -> ok 971
                dep 00                   -> err invalid département "00": expected 01-95, 2A, 2B or 971-989
                ogr 100023               -> ok 100023
                ogr 12a                  -> err invalid OGR code "12a": expected 1 to 9 digits
                formacode 31006          -> ok 31006
                formacode 3100           -> err invalid Formacode "3100": expected 5 digits
                rncp RNCP38381           -> ok RNCP38381
                rncp 38381               -> err invalid RNCP code "38381": expected RNCP followed by digits, e.g. RNCP38381
                block RNCP183BC03        -> ok RNCP183BC03 of RNCP183
                block RNCP183BC          -> err invalid RNCP skill block "RNCP183BC": expected RNCP<digits>BC<digits>, e.g. RNCP183BC03
                nsf 255r                 -> ok 255r
                nsf 255                  -> ok 255
                nsf 25                   -> err invalid NSF code "25": expected 3 digits and an optional letter, e.g. 255r
                fap A0X41a               -> ok A0X41a fap228=Some("A0X41")
                fap QAX01                -> ok QAX01 fap228=Some("QAX01")
                fap A0X40                -> ok A0X40 fap228=Some("A0X40")
                fap A0X                  -> ok A0X fap228=None
                fap A0X4                 -> err invalid FAP 2021 code "A0X4": expected A, A0X, A0X40 or A0X41a
                level Niveau 5           -> ok 5
                level 7                  -> ok 7
                level 9                  -> err invalid European level "9": expected 1 to 8, e.g. 5 or "Niveau 5"
                bassin 3211              -> ok 3211
                region 32                -> ok 32
            "#]],
        );
    }
}

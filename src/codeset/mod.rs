//! The code set: ECM coding tables kept as data in `codesets/`, embedded in the binary and
//! overridable file by file with `--codeset DIR`. Every row has an id, effective dates and its
//! source, so an output line can say which row produced it.

mod listing;
mod rows;

pub use listing::CodeRow;

pub use rows::{
    Confidence, Effective, HcpcsRow, ModalityClass, ModalityRow, PlaceRow, PofRow, ProgramRow,
    ProgramRule, Provenance, StaffRoleRow, TelehealthRow, UnitBasis,
};

use crate::digest::FnvHashMap;
use crate::model::{ActivityClass, Modality, PlaceOfService, StaffClass, normalise_key};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::Path;

/// The code-set files, by name, with their embedded text.
pub const FILES: [(&str, &str); 7] = [
    (
        "ecm-hcpcs.toml",
        include_str!("../../codesets/ecm-hcpcs.toml"),
    ),
    (
        "telehealth-modifiers.toml",
        include_str!("../../codesets/telehealth-modifiers.toml"),
    ),
    (
        "modalities.toml",
        include_str!("../../codesets/modalities.toml"),
    ),
    (
        "staff-roles.toml",
        include_str!("../../codesets/staff-roles.toml"),
    ),
    (
        "populations-of-focus.toml",
        include_str!("../../codesets/populations-of-focus.toml"),
    ),
    (
        "places-of-service.toml",
        include_str!("../../codesets/places-of-service.toml"),
    ),
    (
        "duplicative-programs.toml",
        include_str!("../../codesets/duplicative-programs.toml"),
    ),
];

/// A code-set file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("code set {file}: {message}")]
pub struct CodeSetError {
    /// The file name, or its path when it came from `--codeset DIR`.
    pub file: String,
    pub message: String,
}

/// Where one table came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableOrigin {
    pub file: String,
    /// `embedded` or the overriding file's path.
    pub origin: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    table: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile<T> {
    meta: Meta,
    #[serde(default = "Vec::new")]
    row: Vec<T>,
}

/// The loaded, checked code set.
#[derive(Debug, Clone)]
pub struct CodeSet {
    pub hcpcs: Vec<HcpcsRow>,
    pub telehealth: Vec<TelehealthRow>,
    pub modalities: Vec<ModalityRow>,
    pub staff_roles: Vec<StaffRoleRow>,
    pub populations: Vec<PofRow>,
    pub places: Vec<PlaceRow>,
    pub programs: Vec<ProgramRow>,
    pub origins: Vec<TableOrigin>,
    /// Warnings about the `--codeset` directory (a `.toml` file there that is no code-set table
    /// and was not read), for the command to print.
    pub notes: Vec<String>,
    role_index: FnvHashMap<String, usize>,
}

/// The `.toml` files in a `--codeset` directory that are not code-set tables. One whose name is
/// close to a table's (`ecm_hcpcs.toml`) is a misnamed override that would be ignored, so the
/// code set would silently stay the built-in one: refused, naming the table meant. Any other is
/// named in a warning (returned) and not read.
fn unknown_tables(dir: &Path) -> Result<Vec<String>, CodeSetError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CodeSetError {
        file: dir.display().to_string(),
        message: format!("cannot list the --codeset directory: {e}"),
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
        })
        .filter(|n| !FILES.iter().any(|(f, _)| f == n))
        .collect();
    names.sort();
    let tables: Vec<&str> = FILES
        .iter()
        .map(|(f, _)| f.trim_end_matches(".toml"))
        .collect();
    let mut notes = Vec::new();
    for n in names {
        let stem = &n[..n.len() - ".toml".len()];
        let shown = dir.join(&n).display().to_string();
        match crate::input::nearest_spelling(stem, &tables) {
            Some(meant) => {
                return Err(CodeSetError {
                    file: shown,
                    message: format!(
                        "is not a code-set table name, so it would be ignored and the built-in {meant}.toml used instead; rename it {meant}.toml (the tables are {})",
                        FILES.map(|(f, _)| f).join(", ")
                    ),
                });
            }
            None => notes.push(format!(
                "{shown} is not a code-set table and was not read (the tables are {})",
                FILES.map(|(f, _)| f).join(", ")
            )),
        }
    }
    Ok(notes)
}

/// Why no HCPCS row applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoHcpcsRow {
    pub activity_class: ActivityClass,
    pub staff_class: StaffClass,
    pub modality_class: ModalityClass,
    pub date: NaiveDate,
}

impl CodeSet {
    /// The code set compiled into the binary.
    pub fn embedded() -> Result<CodeSet, CodeSetError> {
        CodeSet::load(None)
    }

    /// The embedded code set with any file present in `dir` replacing its embedded twin.
    pub fn load(dir: Option<&Path>) -> Result<CodeSet, CodeSetError> {
        if let Some(d) = dir
            && !d.is_dir()
        {
            return Err(CodeSetError {
                file: d.display().to_string(),
                message: "--codeset must name a directory holding code-set .toml files".into(),
            });
        }
        let notes = match dir {
            Some(d) => unknown_tables(d)?,
            None => Vec::new(),
        };
        let mut texts = Vec::with_capacity(FILES.len());
        let mut origins = Vec::with_capacity(FILES.len());
        for (name, embedded) in FILES {
            match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
                Some(p) => {
                    let shown = p.display().to_string();
                    let t = std::fs::read_to_string(&p).map_err(|e| CodeSetError {
                        file: shown.clone(),
                        message: format!("cannot read it: {e}"),
                    })?;
                    origins.push((name.to_string(), shown.clone()));
                    texts.push((shown, t));
                }
                None => {
                    origins.push((name.to_string(), "embedded".to_string()));
                    texts.push((name.to_string(), embedded.to_string()));
                }
            }
        }
        let mut versions = Vec::new();
        let hcpcs: Vec<HcpcsRow> = table(&texts[0], "ecm-hcpcs", &mut versions)?;
        let telehealth: Vec<TelehealthRow> =
            table(&texts[1], "telehealth-modifiers", &mut versions)?;
        let modalities: Vec<ModalityRow> = table(&texts[2], "modalities", &mut versions)?;
        let staff_roles: Vec<StaffRoleRow> = table(&texts[3], "staff-roles", &mut versions)?;
        let populations: Vec<PofRow> = table(&texts[4], "populations-of-focus", &mut versions)?;
        let places: Vec<PlaceRow> = table(&texts[5], "places-of-service", &mut versions)?;
        let programs: Vec<ProgramRow> = table(&texts[6], "duplicative-programs", &mut versions)?;
        let origins = origins
            .into_iter()
            .zip(versions)
            .map(|((file, origin), version)| TableOrigin {
                file,
                origin,
                version,
            })
            .collect();
        let mut set = CodeSet {
            notes,
            hcpcs,
            telehealth,
            modalities,
            staff_roles,
            populations,
            places,
            programs,
            origins,
            role_index: FnvHashMap::default(),
        };
        set.check(&texts)?;
        Ok(set)
    }

    /// Cross-row checks: unique ids, sane date ranges, no two rows in force for the same key on
    /// the same day (so every lookup has one answer), every modality covered.
    fn check(&mut self, texts: &[(String, String)]) -> Result<(), CodeSetError> {
        let err = |i: usize, message: String| CodeSetError {
            file: texts[i].0.clone(),
            message,
        };
        unique_ids(self.hcpcs.iter().map(|r| r.id.as_str())).map_err(|m| err(0, m))?;
        unique_ids(self.telehealth.iter().map(|r| r.id.as_str())).map_err(|m| err(1, m))?;
        unique_ids(self.modalities.iter().map(|r| r.id.as_str())).map_err(|m| err(2, m))?;
        unique_ids(self.staff_roles.iter().map(|r| r.id.as_str())).map_err(|m| err(3, m))?;
        unique_ids(self.populations.iter().map(|r| r.id.as_str())).map_err(|m| err(4, m))?;
        unique_ids(self.places.iter().map(|r| r.id.as_str())).map_err(|m| err(5, m))?;
        unique_ids(self.programs.iter().map(|r| r.id.as_str())).map_err(|m| err(6, m))?;

        for r in &self.hcpcs {
            r.effective
                .check()
                .map_err(|m| err(0, format!("row {}: {m}", r.id)))?;
        }
        no_overlap(self.hcpcs.iter().map(|r| {
            (
                (r.activity_class, r.staff_class, r.modality_class),
                &r.id,
                r.effective,
            )
        }))
        .map_err(|m| err(0, m))?;
        for r in &self.telehealth {
            r.effective
                .check()
                .map_err(|m| err(1, format!("row {}: {m}", r.id)))?;
        }
        no_overlap(
            self.telehealth
                .iter()
                .map(|r| (r.modality, &r.id, r.effective)),
        )
        .map_err(|m| err(1, m))?;
        for m in Modality::ALL {
            let n = self.modalities.iter().filter(|r| r.modality == m).count();
            if n != 1 {
                return Err(err(
                    2,
                    format!(
                        "modality '{}' must have exactly one row, found {n}",
                        m.key()
                    ),
                ));
            }
        }
        let mut index = FnvHashMap::default();
        for (i, r) in self.staff_roles.iter().enumerate() {
            for name in std::iter::once(&r.role).chain(r.aliases.iter()) {
                if let Some(j) = index.insert(normalise_key(name).to_string(), i)
                    && j != i
                {
                    return Err(err(
                        3,
                        format!(
                            "role name '{name}' is used by rows {} and {}",
                            self.staff_roles[j].id, r.id
                        ),
                    ));
                }
            }
        }
        self.role_index = index;
        for r in &self.populations {
            if let Some(e) = r.early_live_from
                && e > r.live_from
            {
                return Err(err(
                    4,
                    format!("row {}: early_live_from is after live_from", r.id),
                ));
            }
        }
        for r in &self.places {
            r.effective
                .check()
                .map_err(|m| err(5, format!("row {}: {m}", r.id)))?;
        }
        no_overlap(self.places.iter().map(|r| (r.code, &r.id, r.effective)))
            .map_err(|m| err(5, m))?;
        for r in &self.programs {
            r.effective
                .check()
                .map_err(|m| err(6, format!("row {}: {m}", r.id)))?;
        }
        Ok(())
    }

    /// The HCPCS row in force for this combination on `date`.
    pub fn hcpcs_row(
        &self,
        activity_class: ActivityClass,
        staff_class: StaffClass,
        modality_class: ModalityClass,
        date: NaiveDate,
    ) -> Result<&HcpcsRow, NoHcpcsRow> {
        self.hcpcs
            .iter()
            .find(|r| {
                r.activity_class == activity_class
                    && r.staff_class == staff_class
                    && r.modality_class == modality_class
                    && r.effective.contains(date)
            })
            .ok_or(NoHcpcsRow {
                activity_class,
                staff_class,
                modality_class,
                date,
            })
    }

    /// The telehealth modifier row in force for a modality on `date`, if any.
    pub fn telehealth_row(&self, modality: Modality, date: NaiveDate) -> Option<&TelehealthRow> {
        self.telehealth
            .iter()
            .find(|r| r.modality == modality && r.effective.contains(date))
    }

    /// The modality's row (every modality has exactly one; checked on load).
    pub fn modality(&self, modality: Modality) -> &ModalityRow {
        self.modalities
            .iter()
            .find(|r| r.modality == modality)
            .expect("checked on load: every modality has a row")
    }

    /// The staff role named in an encounter row (role key or alias, forgivingly matched).
    pub fn staff_role(&self, name: &str) -> Option<&StaffRoleRow> {
        self.role_index
            .get(normalise_key(name).as_str())
            .map(|&i| &self.staff_roles[i])
    }

    /// The population of focus with this id (forgivingly matched).
    pub fn population(&self, id: &str) -> Option<&PofRow> {
        let k = normalise_key(id);
        let k = k.as_str();
        self.populations.iter().find(|r| r.id == k)
    }

    /// The place-of-service row for a code on `date`, if the code is known and in force.
    pub fn place(&self, code: PlaceOfService, date: NaiveDate) -> Option<&PlaceRow> {
        self.places
            .iter()
            .find(|r| r.code == code && r.effective.contains(date))
    }

    /// Every duplicative-program id, sorted: what a roster's `other_programs` may list.
    pub fn program_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.programs.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The duplicative-program row for an id on `date`.
    pub fn program(&self, id: &str, date: NaiveDate) -> Option<&ProgramRow> {
        let k = normalise_key(id);
        let k = k.as_str();
        self.programs
            .iter()
            .find(|r| r.id == k && r.effective.contains(date))
    }

    /// Whether the code + modifiers pair is one the ECM table bills on `date`, with or without a
    /// telehealth modifier in force that day; modifiers are compared in any slot order.
    pub fn is_ecm_combination(
        &self,
        code: crate::model::Hcpcs,
        modifiers: crate::model::Modifiers,
        date: NaiveDate,
    ) -> Option<&HcpcsRow> {
        let wanted = modifiers.sorted();
        self.hcpcs.iter().find(|r| {
            if r.hcpcs != code || !r.effective.contains(date) {
                return false;
            }
            if r.modifiers.sorted() == wanted {
                return true;
            }
            self.telehealth.iter().any(|t| {
                let mut with = r.modifiers;
                t.effective.contains(date)
                    && with.push(t.modifier).is_ok()
                    && with.sorted() == wanted
            })
        })
    }
}

fn table<T: DeserializeOwned>(
    (file, text): &(String, String),
    expected: &str,
    versions: &mut Vec<String>,
) -> Result<Vec<T>, CodeSetError> {
    let parsed: TableFile<T> = toml::from_str(text).map_err(|e| CodeSetError {
        file: file.clone(),
        message: describe_toml_error(text, &e),
    })?;
    if parsed.meta.table != expected {
        return Err(CodeSetError {
            file: file.clone(),
            message: format!(
                "[meta] table is '{}' but this file must hold the '{expected}' table",
                parsed.meta.table
            ),
        });
    }
    versions.push(parsed.meta.version);
    Ok(parsed.row)
}

/// A TOML error with the key path (`row[3].effective_to`) and line it concerns, and what to write.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    crate::config::locate_toml_error(text, e).to_string()
}

fn unique_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(format!("row id '{id}' appears twice; ids must be unique"));
        }
    }
    Ok(())
}

fn no_overlap<'a, K: PartialEq>(
    rows: impl Iterator<Item = (K, &'a String, Effective)>,
) -> Result<(), String> {
    let rows: Vec<_> = rows.collect();
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            if a.0 == b.0 && a.2.overlaps(&b.2) {
                return Err(format!(
                    "rows {} and {} are in force for the same key on the same days; end one before the other starts",
                    a.1, b.1
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hcpcs, Modifiers};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn embedded_code_set_loads_and_answers() {
        let cs = CodeSet::embedded().unwrap();
        let r = cs
            .hcpcs_row(
                ActivityClass::Enrolled,
                StaffClass::NonClinical,
                ModalityClass::InPerson,
                d("2025-03-01"),
            )
            .unwrap();
        assert_eq!(
            (r.hcpcs.as_str(), r.modifiers.join(":").as_str()),
            ("G9012", "U2")
        );
        assert_eq!(
            cs.telehealth_row(Modality::Phone, d("2025-03-01"))
                .unwrap()
                .modifier
                .as_str(),
            "GQ"
        );
        assert!(
            cs.telehealth_row(Modality::InPerson, d("2025-03-01"))
                .is_none()
        );
        assert_eq!(
            cs.staff_role("Community Health Worker")
                .unwrap()
                .staff_class,
            StaffClass::NonClinical
        );
        assert_eq!(
            cs.staff_role("RN").unwrap().staff_class,
            StaffClass::Clinical
        );
        assert!(cs.staff_role("astronaut").is_none());
        assert!(cs.modality(Modality::Text).outreach_only);
        assert_eq!(
            cs.population("Birth Equity").unwrap().live_from,
            d("2024-01-01")
        );
    }

    #[test]
    fn nothing_is_in_force_before_ecm_began() {
        let cs = CodeSet::embedded().unwrap();
        assert!(
            cs.hcpcs_row(
                ActivityClass::Outreach,
                StaffClass::Clinical,
                ModalityClass::Remote,
                d("2021-12-31")
            )
            .is_err()
        );
    }

    #[test]
    fn ecm_combinations_match_in_any_slot_order() {
        let cs = CodeSet::embedded().unwrap();
        let g9012 = Hcpcs::parse("G9012").unwrap();
        let day = d("2025-01-15");
        assert!(
            cs.is_ecm_combination(g9012, Modifiers::parse("U8").unwrap(), day)
                .is_some()
        );
        assert!(
            cs.is_ecm_combination(g9012, Modifiers::parse("GQ:U8").unwrap(), day)
                .is_some()
        );
        assert!(
            cs.is_ecm_combination(g9012, Modifiers::parse("U1").unwrap(), day)
                .is_none()
        );
        assert!(
            cs.is_ecm_combination(g9012, Modifiers::parse("U2:95").unwrap(), day)
                .is_none()
        );
    }

    #[test]
    fn an_override_directory_replaces_one_file_and_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let text = FILES[1].1.replace("TH-VIDEO-GQ-2022", "TH-PHONE-GQ-2022");
        std::fs::write(dir.path().join("telehealth-modifiers.toml"), text).unwrap();
        let e = CodeSet::load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("appears twice"), "{e}");

        let switched = FILES[1].1.replace(
            "modality = \"phone\"\nmodifier = \"GQ\"\neffective_from = \"2022-01-01\"",
            "modality = \"phone\"\nmodifier = \"GQ\"\neffective_from = \"2022-01-01\"\neffective_to = \"2026-12-31\"",
        ) + "\n[[row]]\nid = \"TH-PHONE-93-2027\"\nmodality = \"phone\"\nmodifier = \"93\"\neffective_from = \"2027-01-01\"\nsource = \"test\"\nconfidence = \"unverified\"\n";
        std::fs::write(dir.path().join("telehealth-modifiers.toml"), switched).unwrap();
        let cs = CodeSet::load(Some(dir.path())).unwrap();
        assert_eq!(
            cs.telehealth_row(Modality::Phone, d("2026-12-31"))
                .unwrap()
                .modifier
                .as_str(),
            "GQ"
        );
        assert_eq!(
            cs.telehealth_row(Modality::Phone, d("2027-01-01"))
                .unwrap()
                .modifier
                .as_str(),
            "93"
        );
        assert!(cs.origins.iter().any(|o| o.origin != "embedded"));
    }

    #[test]
    fn overlapping_rows_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = FILES[0].1.to_string()
            + "\n[[row]]\nid = \"DUP\"\nactivity_class = \"enrolled\"\nstaff_class = \"clinical\"\nmodality_class = \"in_person\"\nhcpcs = \"G9008\"\nmodifiers = [\"U1\"]\nunit_basis = \"encounter\"\neffective_from = \"2025-01-01\"\nsource = \"x\"\nconfidence = \"unverified\"\n";
        std::fs::write(dir.path().join("ecm-hcpcs.toml"), text).unwrap();
        let e = CodeSet::load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("same key on the same days"), "{e}");
    }

    #[test]
    fn toml_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("modalities.toml"),
            "[meta]\ntable = \"modalities\"\nversion = \"x\"\n[[row]]\nid = \n",
        )
        .unwrap();
        let e = CodeSet::load(Some(dir.path())).unwrap_err();
        assert!(e.message.starts_with("row[1].id (line 5)"), "{e}");
    }
}

#[cfg(test)]
mod typo_tests {
    use super::*;

    #[test]
    fn a_misspelt_column_is_an_error_not_silence() {
        let dir = tempfile::tempdir().unwrap();
        let text = FILES[0].1.replacen("unit_basis", "unit_basiss", 1);
        std::fs::write(dir.path().join("ecm-hcpcs.toml"), text).unwrap();
        let e = CodeSet::load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("unit_basis"), "{e}");
        // An extra, unknown key (e.g. a misspelt optional one) must be refused too.
        let text = FILES[0].1.replacen(
            "unit_basis = ",
            "efective_to = \"2030-01-01\"\nunit_basis = ",
            1,
        );
        std::fs::write(dir.path().join("ecm-hcpcs.toml"), text).unwrap();
        let e = CodeSet::load(Some(dir.path())).unwrap_err();
        assert!(e.message.contains("efective_to"), "{e}");
    }
}

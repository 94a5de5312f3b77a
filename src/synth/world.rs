//! What every member of a synthetic data set shares: the period, the code set, the configuration
//! (parsed back from the `ecm.toml` written), the provider organisations and their clinicians.

use super::config::{self, Org};
use super::names;
use super::period::Period;
use super::rng::{Rng, Stream};
use crate::codeset::{CodeSet, Effective, ProgramRule};
use crate::config::Config;
use crate::model::PlaceOfService;
use crate::model::check_digit;
use chrono::NaiveDate;

/// A clinician who may be named as rendering provider.
#[derive(Debug, Clone)]
pub struct Clinician {
    pub npi: String,
    pub last_name: &'static str,
    pub first_name: &'static str,
}

/// The shared facts.
pub struct World<'a> {
    pub seed: u64,
    pub period: Period,
    pub codeset: &'a CodeSet,
    /// The `ecm.toml` text and what the loader made of it.
    pub config_text: String,
    pub config: Config,
    pub orgs: Vec<Org>,
    /// Clinicians per organisation.
    pub clinicians: Vec<Vec<Clinician>>,
    /// Whether Populations of Focus use their early go-live dates (the provider's county).
    pub early: bool,
    /// Ids of programs ECM may be combined with, and when each is in force.
    pub combinable_programs: Vec<(String, Effective)>,
    /// A service date inside ECM's life on which some Population of Focus was not yet live, and
    /// that population: what a row breaking rule ENC-016 needs.
    pub pof_not_live: Option<(NaiveDate, String)>,
    /// Members are a steady caseload of the plan (`--shape caseload`), not referred across the
    /// period.
    pub caseload: bool,
}

impl<'a> World<'a> {
    /// Builds the world for a seed and period.
    pub fn new(seed: u64, period: Period, codeset: &'a CodeSet) -> World<'a> {
        let (config_text, config) = config::load(&period, codeset);
        let orgs = config::orgs();
        let mut rng = Rng::stream(seed, Stream::World, 0);
        let clinicians = orgs
            .iter()
            .map(|_| {
                (0..6)
                    .map(|_| {
                        let mut stem = *b"160000000";
                        for b in &mut stem[2..] {
                            *b = b'0' + rng.below(10) as u8;
                        }
                        let mut npi = String::from_utf8(stem.to_vec()).expect("ASCII");
                        npi.push(char::from(b'0' + check_digit(&stem)));
                        let sex = if rng.chance(6500) { "F" } else { "M" };
                        Clinician {
                            npi,
                            last_name: names::last_name(&mut rng),
                            first_name: names::first_name(&mut rng, sex),
                        }
                    })
                    .collect()
            })
            .collect();
        let early = config.early_implementation_county();
        let combinable_programs = codeset
            .programs
            .iter()
            .filter(|p| p.rule == ProgramRule::MayCombine)
            .map(|p| (p.id.clone(), p.effective))
            .collect();
        // The population that went live last, and a day two weeks before it (inside the period
        // when the period starts earlier, so the row breaks no other rule).
        let pof_not_live = codeset
            .populations
            .iter()
            .max_by_key(|p| (p.live_for(early), p.id.clone()))
            .and_then(|p| {
                let live = p.live_for(early);
                let day = super::period::plus_days(live, -17).min(period.last);
                (day >= crate::encounters::ECM_START && day < live).then(|| (day, p.id.clone()))
            });
        World {
            seed,
            period,
            codeset,
            config_text,
            config,
            orgs,
            clinicians,
            early,
            combinable_programs,
            pof_not_live,
            caseload: false,
        }
    }

    /// Whether a place-of-service code is in force on a date.
    pub fn place_in_force(&self, code: &str, date: NaiveDate) -> bool {
        PlaceOfService::parse(code)
            .ok()
            .is_some_and(|p| self.codeset.place(p, date).is_some())
    }

    /// When a Population of Focus went live for this provider, if the code set knows it.
    pub fn pof_live(&self, id: &str) -> Option<NaiveDate> {
        self.codeset.population(id).map(|p| p.live_for(self.early))
    }
}

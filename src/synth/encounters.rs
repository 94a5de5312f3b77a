//! A member's encounters: outreach attempts before enrollment (phone, text, email, in person, a
//! few by mail; most unsuccessful until the member is reached), then a few services a month
//! across the six other core services, by a mix of clinical and non-clinical staff, mostly in
//! person. Also the encounter file's columns and how one row is written.

use super::config::PAYERS;
use super::members::Member;
use super::period::{add_months, plus_days, push_date};
use super::rng::Rng;
use super::world::World;
use crate::model::{Activity, Modality};
use crate::report::push_csv_record;
use chrono::NaiveDate;

/// The columns written, in order: every required and optional column of the format.
pub const HEADER: [&str; 28] = [
    "encounter_id",
    "member_id",
    "member_cin",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "member_address",
    "member_city",
    "member_state",
    "member_zip",
    "service_date",
    "activity",
    "staff_role",
    "staff_type",
    "modality",
    "minutes",
    "outreach_outcome",
    "place_of_service",
    "diagnosis_codes",
    "authorization_number",
    "rendering_npi",
    "rendering_last_name",
    "rendering_first_name",
    "population_of_focus",
    "note_id",
    "payer",
    "charge",
];

/// Column positions in [`HEADER`].
pub mod col {
    pub const ENCOUNTER_ID: usize = 0;
    pub const MEMBER_ID: usize = 1;
    pub const MEMBER_CIN: usize = 2;
    pub const LAST_NAME: usize = 3;
    pub const FIRST_NAME: usize = 4;
    pub const DOB: usize = 5;
    pub const SEX: usize = 6;
    pub const ADDRESS: usize = 7;
    pub const CITY: usize = 8;
    pub const STATE: usize = 9;
    pub const ZIP: usize = 10;
    pub const SERVICE_DATE: usize = 11;
    pub const ACTIVITY: usize = 12;
    pub const STAFF_ROLE: usize = 13;
    pub const STAFF_TYPE: usize = 14;
    pub const MODALITY: usize = 15;
    pub const MINUTES: usize = 16;
    pub const OUTCOME: usize = 17;
    pub const PLACE: usize = 18;
    pub const DIAGNOSES: usize = 19;
    pub const AUTHORIZATION: usize = 20;
    pub const RENDERING_NPI: usize = 21;
    pub const RENDERING_LAST: usize = 22;
    pub const RENDERING_FIRST: usize = 23;
    pub const POF: usize = 24;
    pub const NOTE_ID: usize = 25;
    pub const PAYER: usize = 26;
    pub const CHARGE: usize = 27;
}

/// One encounter before it is written.
#[derive(Debug, Clone)]
pub struct Service {
    pub date: NaiveDate,
    pub activity: Activity,
    pub staff_role: &'static str,
    /// Usually empty (the role decides); sometimes an explicit override.
    pub staff_type: &'static str,
    pub modality: Modality,
    /// 0 when not recorded.
    pub minutes: u16,
    /// `successful` / `unsuccessful` for outreach, empty otherwise.
    pub outcome: &'static str,
    pub place: &'static str,
    pub diagnoses: [&'static str; 3],
    pub diagnosis_count: u8,
    /// Index of the roster span the service belongs to; `None` for outreach and for services
    /// after a retroactive termination.
    pub span: Option<u8>,
    pub with_authorization: bool,
    /// Index into the organisation's clinicians.
    pub rendering: Option<u8>,
    pub charge: &'static str,
}

impl Service {
    /// Whether it is one of the six services to an enrolled member.
    pub fn is_outreach(&self) -> bool {
        self.activity == Activity::Outreach
    }

    /// The roster span the service is billed under: its own, or for a service after a
    /// retroactive termination the member's last; none for outreach outside a span.
    pub fn billing_span(&self, m: &Member) -> Option<usize> {
        self.span.map(usize::from).or(if self.is_outreach() {
            None
        } else {
            Some(m.spans.len() - 1)
        })
    }

    /// The organisation that delivered the service (index into the world's organisations).
    pub fn org(&self, m: &Member) -> usize {
        self.billing_span(m)
            .map_or(m.spans[0].org, |i| m.spans[i].org)
    }

    /// Whether it makes its month "engaged": a non-outreach service inside a roster span.
    pub fn qualifies(&self) -> bool {
        !self.is_outreach() && self.span.is_some()
    }
}

const CLINICAL_ROLES: &[(&str, u32)] = &[
    ("rn", 35),
    ("lcsw", 20),
    ("lmft", 10),
    ("np", 8),
    ("lvn", 8),
    ("associate_clinician", 7),
    ("pharmacist", 3),
    ("psychologist", 3),
    ("md", 2),
    ("pa", 2),
    ("lpcc", 2),
];

const NON_CLINICAL_ROLES: &[(&str, u32)] = &[
    ("care_coordinator", 30),
    ("chw", 25),
    ("case_manager", 15),
    ("peer_support_specialist", 10),
    ("housing_navigator", 6),
    ("promotora", 7),
    ("social_worker", 5),
    ("medical_assistant", 2),
];

const OUTREACH_ROLES: &[(&str, u32)] = &[
    ("outreach_worker", 30),
    ("chw", 25),
    ("care_coordinator", 15),
    ("promotora", 10),
    ("peer_support_specialist", 5),
    ("rn", 10),
    ("lcsw", 5),
];

/// Diagnosis codes (ICD-10-CM) by Population of Focus.
fn diagnosis_pool(pof: &str) -> &'static [&'static str] {
    match pof {
        "adult_homelessness" | "child_homelessness" => &[
            "Z59.00", "Z59.01", "Z59.02", "Z59.811", "Z59.812", "Z59.41", "Z59.6", "F32.9", "E11.9",
        ],
        "adult_avoidable_utilization" | "child_avoidable_utilization" => &[
            "I50.9", "I10", "E11.9", "E11.65", "J44.9", "N18.30", "E66.9", "Z59.6", "J45.909",
        ],
        "adult_smi_sud" | "child_smh_sud" => &[
            "F20.9", "F25.0", "F31.81", "F33.1", "F10.20", "F11.20", "F15.20", "F41.1", "F43.10",
        ],
        "adult_ltc_risk" | "adult_nursing_facility_transition" => &[
            "Z74.1", "Z74.09", "G30.9", "I63.9", "R26.81", "Z99.3", "F03.90", "Z60.2", "I10",
        ],
        "justice_involved" => &["Z65.1", "Z65.2", "F11.20", "F19.20", "Z59.00", "F43.10"],
        "birth_equity" | "child_pregnant_postpartum" => {
            &["Z33.1", "O09.90", "Z39.2", "Z59.41", "O99.340", "Z60.8"]
        }
        _ => &[
            "Z62.21", "Z62.810", "F90.2", "F84.0", "F43.10", "Z60.8", "Z63.8",
        ],
    }
}

/// Every service of a member, in date order (outreach first on the same day), into `out`.
pub fn services(world: &World, m: &Member, rng: &mut Rng, out: &mut Vec<Service>) {
    out.clear();
    let by_minutes = PAYERS[m.payer].minutes_15;
    for (i, &date) in m.outreach.iter().enumerate() {
        let last = i + 1 == m.outreach.len();
        out.push(outreach(world, m, rng, date, last, by_minutes));
    }
    let period = world.period;
    for (si, span) in m.spans.iter().enumerate() {
        let from = span.start.max(period.first);
        let to = span.end.unwrap_or(period.last).min(period.last);
        let new_enrollment = span.start >= period.first;
        enrolled_services(world, m, rng, from, to, Some(si as u8), new_enrollment, out);
    }
    if let (Some(tail), Some(end)) = (m.retro_tail_end, m.spans.last().and_then(|s| s.end)) {
        let from = end.succ_opt().expect("in range");
        if from <= tail {
            enrolled_services(world, m, rng, from, tail, None, false, out);
        }
    }
    out.sort_by_key(|s| (s.date, !s.is_outreach()));
    drop_repeated_services(world, out);
}

/// Drops every service that would be billed as the same line as an earlier one (same day, code
/// and modifiers; a member has one payer): the state rejects a repeated service line, and
/// intake refuses the later row (ENC-038), so a good row is never such a repeat.
fn drop_repeated_services(world: &World, out: &mut Vec<Service>) {
    let mut seen: Vec<(NaiveDate, crate::model::Hcpcs, crate::model::Modifiers)> = Vec::new();
    out.retain(|s| {
        let Some(key) = billed_as(world, s) else {
            return true;
        };
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// The service's date, HCPCS code and modifiers as `ecm claims` codes them (the code set's row
/// for its activity, staff class and modality, and the telehealth modifier).
fn billed_as(
    world: &World,
    s: &Service,
) -> Option<(NaiveDate, crate::model::Hcpcs, crate::model::Modifiers)> {
    let cs = world.codeset;
    let class = match s.staff_type {
        "" => cs.staff_role(s.staff_role)?.staff_class,
        t => crate::model::StaffClass::parse(t)?,
    };
    let modality = cs.modality(s.modality);
    let row = cs
        .hcpcs_row(s.activity.class(), class, modality.modality_class, s.date)
        .ok()?;
    let mut modifiers = row.modifiers;
    if let Some(t) = cs.telehealth_row(s.modality, s.date)
        && !modifiers.contains(t.modifier)
    {
        modifiers.push(t.modifier).ok()?;
    }
    Some((s.date, row.hcpcs, modifiers))
}

fn outreach(
    world: &World,
    m: &Member,
    rng: &mut Rng,
    date: NaiveDate,
    reached: bool,
    by_minutes: bool,
) -> Service {
    let modality = rng.weighted(&[
        (Modality::Phone, 40),
        (Modality::InPerson, 28),
        (Modality::Text, 15),
        (Modality::Email, 8),
        (Modality::Video, 5),
        (Modality::Mail, 4),
    ]);
    let modality = if reached && matches!(modality, Modality::Mail | Modality::Email) {
        Modality::Phone
    } else {
        modality
    };
    let minutes = match modality {
        Modality::Phone => rng.range(3, 20),
        Modality::InPerson => rng.range(15, 60),
        Modality::Video => rng.range(10, 30),
        _ if by_minutes => 5,
        _ => 0,
    } as u16;
    let successful = reached || rng.chance(1500);
    let place = if modality == Modality::InPerson {
        in_person_place(world, m, rng, date, Activity::Outreach)
    } else {
        ""
    };
    let mut s = Service {
        date,
        activity: Activity::Outreach,
        staff_role: rng.weighted(OUTREACH_ROLES),
        staff_type: "",
        modality,
        minutes,
        outcome: if successful {
            "successful"
        } else {
            "unsuccessful"
        },
        place,
        diagnoses: [""; 3],
        diagnosis_count: 0,
        span: None,
        with_authorization: false,
        rendering: None,
        charge: "",
    };
    if rng.chance(2000) {
        s.diagnoses[0] = rng.pick(diagnosis_pool(m.pof));
        s.diagnosis_count = 1;
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn enrolled_services(
    world: &World,
    m: &Member,
    rng: &mut Rng,
    from: NaiveDate,
    to: NaiveDate,
    span: Option<u8>,
    new_enrollment: bool,
    out: &mut Vec<Service>,
) {
    let mut month = add_months(from, 0);
    let mut first_month = true;
    while month <= to {
        let a = from.max(month);
        let b = to.min(add_months(month, 1).pred_opt().expect("in range"));
        let mut n = if world.caseload {
            // About four a month (mean 4.15).
            rng.weighted(&[(2u32, 10), (3, 20), (4, 30), (5, 25), (6, 15)])
        } else {
            rng.weighted(&[(0u32, 20), (1, 50), (2, 22), (3, 6), (4, 2)])
        };
        if first_month && new_enrollment && span.is_some() {
            // A new enrollment opens with the comprehensive assessment.
            let d = plus_days(a, rng.range(0, 7)).min(b);
            out.push(service(world, m, rng, d, Activity::Assessment, span));
            n = n.saturating_sub(1);
        }
        let days = (b - a).num_days();
        for _ in 0..n {
            let d = plus_days(a, rng.range(0, days));
            let activity = rng.weighted(&[
                (Activity::CareCoordination, 34),
                (Activity::CommunityReferral, 18),
                (Activity::MemberFamilySupport, 14),
                (Activity::HealthPromotion, 13),
                (Activity::TransitionalCare, 9),
                (Activity::Assessment, 12),
            ]);
            out.push(service(world, m, rng, d, activity, span));
        }
        first_month = false;
        month = add_months(month, 1);
    }
}

fn service(
    world: &World,
    m: &Member,
    rng: &mut Rng,
    date: NaiveDate,
    activity: Activity,
    span: Option<u8>,
) -> Service {
    let clinical_share = match activity {
        Activity::Assessment => 7000,
        Activity::TransitionalCare => 6000,
        _ => 3000,
    };
    let clinical = rng.chance(clinical_share);
    let mut staff_role = if clinical {
        rng.weighted(CLINICAL_ROLES)
    } else if m.pof.contains("homelessness") && rng.chance(3000) {
        "housing_navigator"
    } else {
        rng.weighted(NON_CLINICAL_ROLES)
    };
    let mut staff_type = "";
    if rng.chance(150) {
        // Some plans count social workers with a master's degree as clinical staff.
        staff_role = "social_worker";
        staff_type = "clinical";
    } else if rng.chance(50) {
        // A role the code set does not list, classed by the row itself.
        staff_role = "health_educator";
        staff_type = "non_clinical";
    }
    let modality = rng.weighted(&[
        (Modality::InPerson, 62),
        (Modality::Phone, 28),
        (Modality::Video, 10),
    ]);
    let mut minutes = match modality {
        Modality::InPerson => rng.range(20, 90),
        Modality::Phone => rng.range(10, 40),
        _ => rng.range(15, 60),
    };
    if activity == Activity::Assessment {
        minutes += 30;
    }
    let place = if modality == Modality::InPerson {
        in_person_place(world, m, rng, date, activity)
    } else {
        rng.weighted(&[("10", 50), ("02", 10), ("", 40)])
    };
    let pool = diagnosis_pool(m.pof);
    let mut diagnoses = [""; 3];
    let count = rng.weighted(&[(1u8, 55), (2, 30), (3, 10), (0, 5)]);
    let mut n = 0;
    for _ in 0..count {
        let d = rng.pick(pool);
        if !diagnoses[..n].contains(&d) {
            diagnoses[n] = d;
            n += 1;
        }
    }
    let is_clinical = staff_type == "clinical"
        || (staff_type.is_empty() && CLINICAL_ROLES.iter().any(|(r, _)| *r == staff_role));
    let org = span.map_or(m.spans[0].org, |s| m.spans[s as usize].org);
    let rendering = (is_clinical && rng.chance(4000))
        .then(|| rng.below(world.clinicians[org].len() as u64) as u8);
    Service {
        date,
        activity,
        staff_role,
        staff_type,
        modality,
        minutes: minutes as u16,
        outcome: "",
        place,
        diagnoses,
        diagnosis_count: n as u8,
        span,
        with_authorization: rng.chance(9200),
        rendering,
        charge: if rng.chance(50) { "125.00" } else { "" },
    }
}

/// Where an in-person encounter happened, given who the member is and what the service was.
fn in_person_place(
    world: &World,
    m: &Member,
    rng: &mut Rng,
    date: NaiveDate,
    activity: Activity,
) -> &'static str {
    let homeless = m.pof.contains("homelessness");
    let child = m.pof.starts_with("child_");
    let mut options: Vec<(&'static str, u32)> = vec![("12", 40), ("11", 20), ("99", 8)];
    if homeless {
        options.push(("04", 25));
        if world.place_in_force("27", date) {
            options.push(("27", 10));
        }
    }
    if activity == Activity::TransitionalCare {
        options.push(("21", 20));
        if m.pof == "adult_nursing_facility_transition" {
            options.push(("31", 25));
        }
    }
    if child {
        options.push(("03", 10));
    }
    if activity == Activity::Outreach && !homeless {
        options.push(("15", 2));
    }
    rng.weighted(&options)
}

/// One encounter row as text fields, reused from row to row so writing a million rows does not
/// allocate a million times.
#[derive(Debug, Default)]
pub struct Line {
    pub f: [String; 28],
    /// Write one field fewer than the header (a row breaking ENC-031).
    pub short: bool,
}

/// What a member's rows share, formatted once per member.
pub struct MemberFields {
    pub id: String,
    pub cin: String,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub dob: String,
    pub sex: &'static str,
    pub address: String,
    pub city: &'static str,
    pub state: &'static str,
    pub zip: String,
    pub payer: &'static str,
}

impl MemberFields {
    /// The member's shared fields.
    pub fn of(m: &Member) -> MemberFields {
        let mut dob = String::with_capacity(10);
        push_date(&mut dob, m.dob);
        let (address, city, state, zip) = match &m.address {
            Some(a) => (a.line1.clone(), a.city, "CA", a.zip.clone()),
            None => (String::new(), "", "", String::new()),
        };
        MemberFields {
            id: m.id.clone(),
            cin: m.cin.clone().unwrap_or_default(),
            last_name: m.last_name,
            first_name: m.first_name,
            dob,
            sex: m.sex,
            address,
            city,
            state,
            zip,
            payer: PAYERS[m.payer].key,
        }
    }
}

impl Line {
    /// Fills every field for a good row.
    pub fn fill(&mut self, world: &World, m: &Member, mf: &MemberFields, s: &Service, seq: u64) {
        use std::fmt::Write;
        for f in &mut self.f {
            f.clear();
        }
        self.short = false;
        let f = &mut self.f;
        let _ = write!(f[col::ENCOUNTER_ID], "E{seq:09}");
        f[col::MEMBER_ID].push_str(&mf.id);
        f[col::MEMBER_CIN].push_str(&mf.cin);
        f[col::LAST_NAME].push_str(mf.last_name);
        f[col::FIRST_NAME].push_str(mf.first_name);
        f[col::DOB].push_str(&mf.dob);
        f[col::SEX].push_str(mf.sex);
        f[col::ADDRESS].push_str(&mf.address);
        f[col::CITY].push_str(mf.city);
        f[col::STATE].push_str(mf.state);
        f[col::ZIP].push_str(&mf.zip);
        push_date(&mut f[col::SERVICE_DATE], s.date);
        f[col::ACTIVITY].push_str(s.activity.key());
        f[col::STAFF_ROLE].push_str(s.staff_role);
        f[col::STAFF_TYPE].push_str(s.staff_type);
        f[col::MODALITY].push_str(s.modality.key());
        if s.minutes > 0 {
            let _ = write!(f[col::MINUTES], "{}", s.minutes);
        }
        f[col::OUTCOME].push_str(s.outcome);
        f[col::PLACE].push_str(s.place);
        for (i, d) in s.diagnoses[..s.diagnosis_count as usize].iter().enumerate() {
            if i > 0 {
                f[col::DIAGNOSES].push(';');
            }
            f[col::DIAGNOSES].push_str(d);
        }
        let span = s.billing_span(m);
        if s.with_authorization
            && let Some(i) = span
        {
            f[col::AUTHORIZATION].push_str(&m.spans[i].authorization);
        }
        if let Some(r) = s.rendering {
            let org = s.org(m);
            let c = &world.clinicians[org][r as usize];
            f[col::RENDERING_NPI].push_str(&c.npi);
            f[col::RENDERING_LAST].push_str(c.last_name);
            f[col::RENDERING_FIRST].push_str(c.first_name);
        }
        f[col::POF].push_str(m.pof);
        let _ = write!(f[col::NOTE_ID], "N{seq:09}");
        f[col::PAYER].push_str(mf.payer);
        f[col::CHARGE].push_str(s.charge);
    }

    /// Appends the row as a CSV line (fields quoted only when they need it).
    pub fn write(&self, out: &mut Vec<u8>) {
        let n = if self.short {
            self.f.len() - 1
        } else {
            self.f.len()
        };
        push_csv_record(out, self.f[..n].iter().map(String::as_str));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSet;
    use crate::encounters::{OPTIONAL, REQUIRED};
    use crate::model::StaffClass;

    #[test]
    fn the_header_is_the_whole_format() {
        let mut ours: Vec<&str> = HEADER.to_vec();
        let mut theirs: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
        ours.sort_unstable();
        theirs.sort_unstable();
        assert_eq!(ours, theirs);
        assert_eq!(HEADER[col::CHARGE], "charge");
        assert_eq!(HEADER[col::POF], "population_of_focus");
        assert_eq!(HEADER[col::SERVICE_DATE], "service_date");
    }

    #[test]
    fn roles_are_in_the_code_set_with_the_class_we_mean() {
        let cs = CodeSet::embedded().unwrap();
        for (role, _) in CLINICAL_ROLES {
            assert_eq!(
                cs.staff_role(role).unwrap().staff_class,
                StaffClass::Clinical,
                "{role}"
            );
        }
        for (role, _) in NON_CLINICAL_ROLES.iter().chain(OUTREACH_ROLES) {
            assert!(cs.staff_role(role).is_some(), "{role}");
        }
        assert!(cs.staff_role("health_educator").is_none());
    }

    #[test]
    fn diagnosis_codes_are_icd10_shaped() {
        for pof in [
            "adult_homelessness",
            "adult_smi_sud",
            "adult_ltc_risk",
            "justice_involved",
            "birth_equity",
            "child_welfare",
            "adult_avoidable_utilization",
        ] {
            for d in diagnosis_pool(pof) {
                crate::model::DiagnosisCode::parse(d).unwrap();
            }
        }
    }
}

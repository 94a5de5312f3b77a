//! `ecm map`: every encounter row with its service line (code, modifiers, units, charge, the
//! code-set rows that decided it) or the reasons it is not billable.

use crate::billing::{CorrectingRows, Registry, SeenServices, ServiceKey, repeated_service};
use crate::coding::{ChargeSource, code_encounter};
use crate::encounters::{EncounterTables, IntakeContext, IntakeReport, RowOutcome, SheetChoice};
use crate::input::InputError;
use crate::ops::intake::{RuleCount, RuleTally};
use serde::Serialize;
use std::path::PathBuf;

/// One row of `ecm map` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapRow {
    pub file: String,
    pub row: u32,
    pub encounter_id: String,
    /// `billable` or `not_billable`.
    pub status: &'static str,
    pub payer: String,
    pub service_date: String,
    pub activity: String,
    pub staff_class: String,
    pub modality: String,
    pub hcpcs: String,
    pub modifiers: String,
    pub units: String,
    pub charge: String,
    pub charge_source: String,
    pub place_of_service: String,
    pub diagnoses: String,
    /// The HCPCS code-set row that decided the code.
    pub hcpcs_row: String,
    /// The telehealth-modifier row applied, if any.
    pub telehealth_row: String,
    /// Rule ids of errors (why not billable) and warnings, `;`-separated.
    pub rule_ids: String,
    pub messages: String,
}

/// The columns of the CSV form, in order.
pub const MAP_COLUMNS: [&str; 20] = [
    "file",
    "row",
    "encounter_id",
    "status",
    "payer",
    "service_date",
    "activity",
    "staff_class",
    "modality",
    "hcpcs",
    "modifiers",
    "units",
    "charge",
    "charge_source",
    "place_of_service",
    "diagnoses",
    "hcpcs_row",
    "telehealth_row",
    "rule_ids",
    "messages",
];

impl MapRow {
    /// The values for [`MAP_COLUMNS`].
    pub fn csv_record(&self) -> [String; 20] {
        [
            self.file.clone(),
            self.row.to_string(),
            self.encounter_id.clone(),
            self.status.to_string(),
            self.payer.clone(),
            self.service_date.clone(),
            self.activity.clone(),
            self.staff_class.clone(),
            self.modality.clone(),
            self.hcpcs.clone(),
            self.modifiers.clone(),
            self.units.clone(),
            self.charge.clone(),
            self.charge_source.clone(),
            self.place_of_service.clone(),
            self.diagnoses.clone(),
            self.hcpcs_row.clone(),
            self.telehealth_row.clone(),
            self.rule_ids.clone(),
            self.messages.clone(),
        ]
    }
}

/// Counts from a map run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MapCounts {
    pub rows_read: u64,
    pub billable: u64,
    pub not_billable: u64,
}

/// Reads and codes every row, handing each [`MapRow`] to `emit` in input order; returns the
/// counts, what reading found, and the rows each warning rule flagged.
pub fn map_encounters(
    inputs: &[PathBuf],
    ctx: &IntakeContext,
    mut emit: impl FnMut(MapRow),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(MapCounts, IntakeReport, Vec<RuleCount>), InputError> {
    let mut counts = MapCounts::default();
    let mut warnings = RuleTally::default();
    let tables = EncounterTables::open(inputs, SheetChoice::All)?;
    let files: Vec<String> = tables.names();
    let mut seen = SeenServices::default();
    // Correcting rows are taken as `ecm claims` takes them: each must name its original claim and
    // agree with the other rows correcting it (`ecm invoice` asks neither; see the README). The
    // registry holds the correcting rows' lines only.
    let mut correcting = CorrectingRows::new(true);
    let mut registry = Registry::default();
    let report = tables.read(
        ctx,
        |o: RowOutcome| {
            counts.rows_read += 1;
            let mut findings = o.findings;
            let mut row = MapRow {
                file: files[o.source.file as usize].clone(),
                row: o.source.row,
                encounter_id: findings
                    .iter()
                    .find_map(|f| f.encounter_id.clone())
                    .unwrap_or_default(),
                status: "not_billable",
                payer: String::new(),
                service_date: String::new(),
                activity: String::new(),
                staff_class: String::new(),
                modality: String::new(),
                hcpcs: String::new(),
                modifiers: String::new(),
                units: String::new(),
                charge: String::new(),
                charge_source: String::new(),
                place_of_service: String::new(),
                diagnoses: String::new(),
                hcpcs_row: String::new(),
                telehealth_row: String::new(),
                rule_ids: String::new(),
                messages: String::new(),
            };
            if let Some(e) = &o.encounter {
                row.encounter_id = e.encounter_id.to_string();
                row.payer = e.payer.to_string();
                row.service_date = e.service_date.to_string();
                row.activity = e.activity.key().to_string();
                row.staff_class = e.staff_class.key().to_string();
                row.modality = e.modality.key().to_string();
                let pi = ctx
                    .config
                    .payer_index(&e.payer)
                    .expect("intake only accepts configured payers");
                let payer = &ctx.config.payers[pi];
                let coded = code_encounter(e, ctx.codeset, payer)
                    .and_then(|c| {
                        if e.correction.is_none() {
                            return Ok(c);
                        }
                        // Only a correcting row needs its line built, to join its claim's
                        // correction.
                        let line = correcting.take(e, pi as u16, c, &mut registry, &files)?;
                        Ok(line.coding)
                    })
                    .map_err(|nb| nb.finding(row.file.clone(), row.row, &e.encounter_id))
                    .and_then(|c| {
                        if e.correction.is_some() {
                            return Ok(c);
                        }
                        // The same service on an earlier row: refused as `claims` refuses it.
                        let key = ServiceKey {
                            payer: &e.payer,
                            member_id: &e.member.member_id,
                            date: e.service_date,
                            hcpcs: c.hcpcs,
                            modifiers: c.modifiers,
                        };
                        match seen.check(&key, o.source, &e.encounter_id) {
                            None => Ok(c),
                            Some((first, first_id)) => Err(repeated_service(
                                &key,
                                &row.file,
                                row.row,
                                &e.encounter_id,
                                &files[first.file as usize],
                                first,
                                first_id,
                            )),
                        }
                    });
                match coded {
                    Ok(c) => {
                        row.status = "billable";
                        row.hcpcs = c.hcpcs.to_string();
                        row.modifiers = c.modifiers.join(":");
                        row.units = c.units.to_string();
                        row.charge = c.charge.to_cents_string();
                        row.charge_source = match c.charge_source {
                            ChargeSource::Encounter => "encounter".to_string(),
                            ChargeSource::PayerTable(i) => {
                                format!("payer {} charge[{i}]", payer.key)
                            }
                        };
                        row.place_of_service = c.place_of_service.to_string();
                        row.diagnoses = c
                            .diagnoses
                            .iter()
                            .map(|d| d.as_str())
                            .collect::<Vec<_>>()
                            .join(";");
                        row.hcpcs_row = c.row.id.clone();
                        row.telehealth_row = c.telehealth.map(|t| t.id.clone()).unwrap_or_default();
                    }
                    Err(f) => findings.push(f),
                }
            }
            if row.status == "billable" {
                counts.billable += 1;
            } else {
                counts.not_billable += 1;
            }
            for f in findings.iter().filter(|f| !f.is_error()) {
                warnings.add(f.rule, o.source.file, o.source.row);
            }
            row.rule_ids = findings
                .iter()
                .map(|f| f.rule.id)
                .collect::<Vec<_>>()
                .join(";");
            row.messages = findings
                .iter()
                .map(|f| format!("{}: {}", f.rule.id, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            emit(row);
        },
        progress,
    )?;
    Ok((counts, report, warnings.counts()))
}

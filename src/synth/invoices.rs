//! `ecm synth --invoices`: the plan's side of the synthetic world as invoices. Every good
//! encounter row of a member of the plan becomes a line of the invoice of the organisation that
//! delivered it, for its service month, in the CSV form `ecm invoice` writes and `ecm ingest`
//! reads. Each row is read and coded by the same code as `ecm invoice` (row checks, then coding
//! with the plan's charges), so the lines are what a provider running `ecm invoice` would send.
//!
//! Streaming like the rest of synth: lines are written as members are generated, so one
//! invoice's lines are spread through the file (a plan loads the file as one table). Invoice
//! numbers are derived from the seed, the organisation and the month.

use super::config::{PAYERS, PLAN_PAYER};
use super::encounters::{HEADER, Line, Service};
use super::members::Member;
use super::world::World;
use crate::billing::digest::Fnv64;
use crate::billing::{Registry, ServiceLine};
use crate::coding::code_encounter;
use crate::config::Provider;
use crate::encounters::{Columns, RowContext, parse_row};
use crate::input::{Record, Table};
use crate::invoice::csv_out::{header_row, push_row, row_prefix};
use crate::invoice::{InvoiceHeader, LineView, month_bounds};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// The file written.
pub const INVOICES_FILE: &str = "invoices.csv";

/// Made-up street addresses of the organisations after the first (which is the configuration's
/// billing provider): street, TIN.
const ORG_OFFICES: [(&str, &str); 3] = [
    ("2600 Capitol Avenue Suite 300", "942345671"),
    ("915 L Street Floor 2", "943456782"),
    ("7100 Folsom Boulevard", "944567893"),
];

/// Turns a member's good rows into invoice lines.
pub struct InvoiceLines<'w> {
    world: &'w World<'w>,
    cols: Columns,
    providers: Vec<Provider>,
    /// Per (organisation, month): the header fields every row repeats, and the next line number.
    invoices: HashMap<(usize, i32), (Vec<u8>, u32)>,
    registry: Registry,
    lines: Vec<ServiceLine<'w>>,
    buf: String,
    /// Lines written so far.
    pub count: u64,
}

impl<'w> InvoiceLines<'w> {
    /// Ready for the world's members.
    pub fn new(world: &'w World<'w>) -> InvoiceLines<'w> {
        let columns: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
        let cols = Columns::locate(&Table::from_records(
            "encounters.csv",
            columns,
            Vec::new(),
            0,
        ))
        .expect("the synthetic header is the encounter format");
        let billing = world
            .config
            .provider
            .clone()
            .expect("the synthetic configuration has a provider");
        let providers = world
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| match i {
                0 => billing.clone(),
                _ => {
                    let (address, tin) = ORG_OFFICES[(i - 1) % ORG_OFFICES.len()];
                    Provider {
                        name: o.name.to_string(),
                        npi: o.npi,
                        tin: tin.to_string(),
                        address: address.to_string(),
                        ..billing.clone()
                    }
                }
            })
            .collect();
        InvoiceLines {
            world,
            cols,
            providers,
            invoices: HashMap::new(),
            registry: Registry::default(),
            lines: Vec::new(),
            buf: String::new(),
            count: 0,
        }
    }

    /// The CSV header row.
    pub fn header(&self) -> Vec<u8> {
        header_row()
    }

    /// Starts a member: nothing of the previous one is kept.
    pub fn member(&mut self) {
        self.registry = Registry::default();
        self.lines.clear();
    }

    /// Appends the invoice line for one good row (`line`, spreadsheet row `row`) of service `s`
    /// to `out`, when the member is the plan's and the row codes.
    pub fn push(&mut self, m: &Member, s: &Service, line: &Line, row: u64, out: &mut Vec<u8>) {
        if !m.on_plan_roster() {
            return;
        }
        let world = self.world;
        let mut fields = crate::input::Fields::new();
        for f in &line.f {
            fields.push_field(f);
        }
        let rec = Record {
            row: row as u32,
            fields,
            cp1252: false,
        };
        let ctx = RowContext {
            codeset: world.codeset,
            config: &world.config,
            as_of: world.period.as_of(),
            file_index: 0,
            file: "encounters.csv",
            workbook: false,
        };
        let Some(e) = parse_row(&rec, &self.cols, &ctx).encounter else {
            return;
        };
        let Ok(coding) = code_encounter(&e, world.codeset, &world.config.payers[PLAN_PAYER]) else {
            return;
        };
        let org = s.org(m);
        let month = e.service_date.year() * 12 + e.service_date.month0() as i32;
        let seed = world.seed;
        let provider = &self.providers[org];
        let (prefix, next) = self.invoices.entry((org, month)).or_insert_with(|| {
            let first = NaiveDate::from_ymd_opt(month / 12, month as u32 % 12 + 1, 1)
                .expect("a month of the period");
            let hash = Fnv64::default()
                .u64(seed)
                .str(provider.npi.as_str())
                .u64(month as u64)
                .finish();
            let number = format!(
                "INV-{:04}{:02}-{:08X}",
                first.year(),
                first.month(),
                (hash >> 32) as u32 ^ hash as u32
            );
            let plan = &PAYERS[PLAN_PAYER];
            let header = InvoiceHeader::new(
                provider,
                plan.name,
                plan.payer_id,
                number,
                world.period.as_of(),
                month_bounds(first),
            );
            (row_prefix(&header), 1)
        });
        let i = self.lines.len() as u32;
        self.lines
            .push(ServiceLine::new(&e, 0, coding, &mut self.registry));
        push_row(
            out,
            prefix,
            &LineView::new(*next, i, &self.lines, &self.registry),
            &mut self.buf,
        );
        *next += 1;
        self.count += 1;
    }
}

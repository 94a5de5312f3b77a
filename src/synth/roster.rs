//! The plan's ECM roster: one row per enrollment span of each of its members.

use super::members::Member;
use super::period::push_date;
use super::world::World;

/// The roster columns, in order.
pub const ROSTER_HEADER: [&str; 7] = [
    "member_id",
    "provider_npi",
    "ecm_start",
    "ecm_end",
    "tier",
    "population_of_focus",
    "other_programs",
];

/// Appends the member's roster rows (none for members of other plans); returns how many.
pub fn write_member(world: &World, m: &Member, out: &mut String) -> u64 {
    if !m.on_plan_roster() {
        return 0;
    }
    for s in &m.spans {
        out.push_str(&m.id);
        out.push(',');
        out.push_str(world.orgs[s.org].npi.as_str());
        out.push(',');
        push_date(out, s.start);
        out.push(',');
        if let Some(e) = s.end {
            push_date(out, e);
        }
        out.push(',');
        out.push_str(s.tier);
        out.push(',');
        out.push_str(m.pof);
        out.push(',');
        out.push_str(&s.other_programs);
        out.push('\n');
    }
    m.spans.len() as u64
}

//! The interchange and functional-group envelope: ISA/GS at the start, GE/IEA at the end, with
//! counts computed by the writer and control numbers checked before anything is written.

use super::p837_specs::SPECS;
use super::segment::SegmentOut;
use super::write_error::{Place, StructureProblem, WriteError};
use crate::model::Envelope;
use std::io::Write;

/// The version of the 837P guide we write (GS08 and ST03).
pub const IMPLEMENTATION_GUIDE: &str = "005010X222A1";

/// The largest control number nine digits hold.
const MAX_CONTROL_NUMBER: u32 = 999_999_999;

/// Refuses control numbers outside 1..=999999999.
pub(crate) fn check_envelope(env: &Envelope) -> Result<(), WriteError> {
    let numbers = [
        (
            "interchange (ISA13)",
            "ISA_LOOP",
            env.interchange_control_number,
        ),
        ("group (GS06)", "GS_LOOP", env.group_control_number),
    ];
    for (which, loop_id, n) in numbers {
        if !(1..=MAX_CONTROL_NUMBER).contains(&n) {
            return Err(WriteError::Structure {
                loop_id,
                place: Place::ENVELOPE,
                problem: StructureProblem::ControlNumberRange { which },
            });
        }
    }
    Ok(())
}

/// Writes ISA (exactly 106 characters with its terminator) and GS.
pub(crate) fn write_header<W: Write>(
    o: &mut SegmentOut<W>,
    env: &Envelope,
) -> Result<(), WriteError> {
    const BLANK: &[u8] = b"          ";
    let d = o.delimiters();
    let s = &*SPECS;
    o.start(s.isa, Place::ENVELOPE)
        .el("00")?
        .literal(BLANK)?
        .el("00")?
        .literal(BLANK)?
        .el(&env.sender_qualifier)?
        .padded(&env.sender_id)?
        .el(&env.receiver_qualifier)?
        .padded(&env.receiver_id)?
        .date6(env.date)?
        .time(env.time)?
        .literal(&[d.repetition()])?
        .el("00501")?
        .zero_padded(u64::from(env.interchange_control_number))?
        .el(if env.acknowledgment_requested {
            "1"
        } else {
            "0"
        })?
        .el(env.usage.code())?
        .literal(&[d.component()])?
        .finish()?;
    o.start(s.gs, Place::ENVELOPE)
        .el("HC")?
        .el(&env.application_sender)?
        .el(&env.application_receiver)?
        .date(env.date)?
        .time(env.time)?
        .uint(u64::from(env.group_control_number))?
        .el("X")?
        .el(IMPLEMENTATION_GUIDE)?
        .finish()
}

/// Writes GE and IEA for one group of `transactions` transaction sets.
pub(crate) fn write_trailer<W: Write>(
    o: &mut SegmentOut<W>,
    env_numbers: (u32, u32),
    transactions: u32,
) -> Result<(), WriteError> {
    let (interchange, group) = env_numbers;
    let s = &*SPECS;
    o.start(s.ge, Place::ENVELOPE)
        .uint(u64::from(transactions))?
        .uint(u64::from(group))?
        .finish()?;
    o.start(s.iea, Place::ENVELOPE)
        .uint(1)?
        .zero_padded(u64::from(interchange))?
        .finish()
}

#[cfg(test)]
mod tests {
    use super::super::delimiters::WriteOptions;
    use super::super::element::ElementProblem;
    use super::super::test_fixtures::envelope;
    use super::*;
    use crate::model::Usage;

    fn header(env: &Envelope) -> Result<String, WriteError> {
        check_envelope(env)?;
        let mut o = SegmentOut::new(Vec::new(), WriteOptions::default());
        write_header(&mut o, env)?;
        write_trailer(
            &mut o,
            (env.interchange_control_number, env.group_control_number),
            3,
        )?;
        Ok(String::from_utf8(o.into_inner()?).unwrap())
    }

    #[test]
    fn writes_the_envelope_of_the_shared_sample() {
        let text = header(&envelope()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "ISA*00*          *00*          *ZZ*ECMSUBMITTER   *ZZ*MCPRECEIVER    *250701*0930*^*00501*000000001*0*T*:~"
        );
        assert_eq!(lines[0].len(), 106);
        assert_eq!(
            lines[1],
            "GS*HC*ECMSUBMITTER*MCPRECEIVER*20250701*0930*1*X*005010X222A1~"
        );
        assert_eq!(lines[2], "GE*3*1~");
        assert_eq!(lines[3], "IEA*1*000000001~");
    }

    #[test]
    fn isa_is_106_characters_for_any_valid_ids() {
        let mut env = envelope();
        env.sender_id = "A".into();
        env.receiver_id = "123456789012345".into();
        env.interchange_control_number = 999_999_999;
        env.acknowledgment_requested = true;
        env.usage = Usage::Production;
        let text = header(&env).unwrap();
        let isa = text.lines().next().unwrap();
        assert_eq!(isa.len(), 106);
        assert!(isa.ends_with("*999999999*1*P*:~"));
    }

    #[test]
    fn refuses_bad_envelope_values() {
        let mut env = envelope();
        env.sender_id = "1234567890123456".into();
        let err = header(&env).unwrap_err();
        assert!(
            matches!(
                err.element(),
                Some(("ISA06", ElementProblem::TooLong { len: 16, max: 15 }))
            ),
            "{err}"
        );
        let mut env = envelope();
        env.receiver_id = String::new();
        assert!(matches!(
            header(&env).unwrap_err().element(),
            Some(("ISA08", ElementProblem::Missing))
        ));
        let mut env = envelope();
        env.sender_qualifier = "XX".into();
        assert!(matches!(
            header(&env).unwrap_err().element(),
            Some(("ISA05", ElementProblem::NotACode(_)))
        ));
        let mut env = envelope();
        env.application_receiver = "X".into();
        assert!(matches!(
            header(&env).unwrap_err().element(),
            Some(("GS03", ElementProblem::TooShort { .. }))
        ));
        for n in [0, 1_000_000_000] {
            let mut env = envelope();
            env.interchange_control_number = n;
            assert!(matches!(
                header(&env).unwrap_err().structure(),
                Some(StructureProblem::ControlNumberRange { .. })
            ));
            let mut env = envelope();
            env.group_control_number = n;
            assert!(header(&env).is_err());
        }
    }
}

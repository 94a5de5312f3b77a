//! Values the x12 unit tests share.

use crate::model::{Envelope, Usage};
use chrono::{NaiveDate, NaiveTime};

/// The envelope of the shared synthetic sample (`ZZ` ECMSUBMITTER to MCPRECEIVER, 2025-07-01 09:30).
pub(crate) fn envelope() -> Envelope {
    Envelope {
        sender_qualifier: "ZZ".into(),
        sender_id: "ECMSUBMITTER".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "MCPRECEIVER".into(),
        application_sender: "ECMSUBMITTER".into(),
        application_receiver: "MCPRECEIVER".into(),
        date: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        time: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        interchange_control_number: 1,
        group_control_number: 1,
        acknowledgment_requested: false,
        usage: Usage::Test,
    }
}

//! Any bytes through the tokenizer, the 837P reader and the 835 reader: each must return Ok or a
//! located error, never panic, and the tokenizer must advance on every call.
#![no_main]

use ecm::x12::Tokenizer;
use ecm::x12::read::{read_835, read_837};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut tokens = Tokenizer::new(data);
    let mut calls = 0usize;
    loop {
        match tokens.next_segment() {
            Ok(Some(segment)) => {
                // Touch every accessor the readers use.
                let _ = (segment.id(), segment.position(), segment.element_count());
                for n in 0..=segment.element_count() + 1 {
                    let _ = (
                        segment.element(n),
                        segment.component(n, 2),
                        segment.repeats(n),
                    );
                    let _ = segment.repetitions(n).count();
                }
                segment.with_ref(|r| r.value(1, 1).map(str::len));
            }
            Ok(None) => break,
            Err(e) => assert!(e.to_string().starts_with("byte ")),
        }
        calls += 1;
        assert!(calls <= data.len() + 1, "the tokenizer does not advance");
    }
    if let Err(e) = read_837(data) {
        assert!(e.position.is_some());
    }
    if let Err(e) = read_835(data) {
        assert!(e.position.is_some());
    }
});

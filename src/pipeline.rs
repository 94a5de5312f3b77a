//! Two-stage pipelines: one thread makes values while the calling thread consumes them, so
//! building 837 transactions and writing them overlap on two cores.

use std::sync::mpsc::sync_channel;

/// Runs `produce` on a thread of its own and hands every value it sends to `consume` on the
/// calling thread, in order, through a queue of `depth` values (memory stays at a few values).
/// `produce` gets a `send` function that returns `false` once the consumer has stopped, so it can
/// stop early. The first error from `consume` stops the pipeline and is returned; otherwise
/// `produce`'s own result is.
pub fn pipeline<T: Send, P: Send, E>(
    depth: usize,
    produce: impl FnOnce(&mut dyn FnMut(T) -> bool) -> P + Send,
    mut consume: impl FnMut(T) -> Result<(), E>,
) -> Result<P, E> {
    let (tx, rx) = sync_channel::<T>(depth);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut send = |value: T| tx.send(value).is_ok();
            produce(&mut send)
        });
        let mut failed = None;
        for value in rx.iter() {
            if let Err(e) = consume(value) {
                failed = Some(e);
                break;
            }
        }
        // Dropping the receiver makes the producer's next send return false.
        drop(rx);
        let made = producer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        match failed {
            Some(e) => Err(e),
            None => Ok(made),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::pipeline;

    #[test]
    fn every_value_arrives_in_order() {
        let mut got = Vec::new();
        let sent = pipeline(
            2,
            |send| (0..1000).take_while(|&i| send(i)).count(),
            |v: i32| {
                got.push(v);
                Ok::<(), ()>(())
            },
        );
        assert_eq!(sent, Ok(1000));
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumer_error_stops_the_producer() {
        let mut seen = 0;
        let r = pipeline(
            1,
            |send| (0..1_000_000).take_while(|&i| send(i)).count(),
            |v: i32| {
                seen += 1;
                if v == 10 {
                    Err(format!("stop at {v}"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("stop at 10".to_string()));
        assert_eq!(seen, 11);
    }
}

//! Segments read from a file and kept whole, for what the typed model does not hold.

use serde::Serialize;
use std::fmt;

/// One segment as a file had it, independent of its delimiters: its id and its elements, each as
/// its components (a simple element is one component). Trailing empty elements and components
/// are dropped, so two files that differ only there keep equal values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct KeptSegment {
    /// The loop it was read in, as the guide names it (`2310A`, `2320`, `2100`).
    pub loop_id: String,
    /// Whether it opened a new instance of that loop (so a list of them shows where each starts).
    pub opens_loop: bool,
    /// The segment id (`DTP`).
    pub id: String,
    /// Element 01 first; each element as its components.
    pub elements: Vec<Vec<String>>,
}

impl KeptSegment {
    /// Builds one from elements given as component lists, dropping trailing empties.
    pub fn new(
        loop_id: &str,
        opens_loop: bool,
        id: &str,
        elements: impl IntoIterator<Item = Vec<String>>,
    ) -> KeptSegment {
        let mut elements: Vec<Vec<String>> = elements
            .into_iter()
            .map(|mut components| {
                while components.last().is_some_and(String::is_empty) {
                    components.pop();
                }
                components
            })
            .collect();
        while elements.last().is_some_and(Vec::is_empty) {
            elements.pop();
        }
        KeptSegment {
            loop_id: loop_id.to_string(),
            opens_loop,
            id: id.to_string(),
            elements,
        }
    }

    /// Element `n` (1-based), its first component; `""` when absent.
    pub fn element(&self, n: usize) -> &str {
        self.component(n, 1)
    }

    /// Component `c` of element `n` (both 1-based); `""` when absent.
    pub fn component(&self, n: usize, c: usize) -> &str {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .and_then(|e| e.get(c.checked_sub(1)?))
            .map_or("", String::as_str)
    }
}

/// The segment with the usual delimiters (`*`, `:`), without a terminator: `DTP*439*D8*20251031`.
impl fmt::Display for KeptSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)?;
        for element in &self.elements {
            f.write_str("*")?;
            for (i, component) in element.iter().enumerate() {
                if i > 0 {
                    f.write_str(":")?;
                }
                f.write_str(component)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|e| e.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn trailing_empties_are_dropped_and_positions_kept() {
        let k = KeptSegment::new(
            "2300",
            false,
            "CLM",
            parts(&[&["A1"], &["10"], &[""], &["11", "", "1", ""], &[""]]),
        );
        assert_eq!(k.to_string(), "CLM*A1*10**11::1");
        assert_eq!(k.element(4), "11");
        assert_eq!(k.component(4, 3), "1");
        assert_eq!(k.element(9), "");
        assert_eq!(k.component(0, 1), "");
        assert_eq!(k.elements.len(), 4);
    }
}

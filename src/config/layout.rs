//! Where keys are in the text of `ecm.toml`, so that every configuration error names its key path
//! (`payer[2].charge[1].amount`) and its line. The `toml` crate's errors carry only a byte span:
//! [`Layout::key_at`] turns it into the key path it falls in. The checks made after loading know
//! the key path: [`Layout::line_of_key`] finds its line.
//!
//! Key paths count from 1 (`payer[1]` is the first `[[payer]]`), as the messages and the README do.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Every key and value of a TOML text with its byte span (what of it parses).
pub struct Layout<'t> {
    text: &'t str,
    root: DeTable<'t>,
}

impl<'t> Layout<'t> {
    /// Lays out `text`; a syntax error leaves out what it makes unreadable, nothing more.
    pub fn new(text: &'t str) -> Layout<'t> {
        let (root, _errors) = DeTable::parse_recoverable(text);
        Layout {
            text,
            root: root.into_inner(),
        }
    }

    /// The text of a byte span, trimmed; empty for a span outside the text.
    pub fn text_of(&self, span: std::ops::Range<usize>) -> &'t str {
        self.text.get(span).unwrap_or("").trim()
    }

    /// The whole line holding byte `offset`, trimmed.
    pub fn line_text(&self, offset: usize) -> &'t str {
        let end = offset.min(self.text.len());
        let start = self.text[..end].rfind('\n').map_or(0, |i| i + 1);
        let stop = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |i| end + i);
        self.text[start..stop].trim()
    }

    /// The line (from 1) of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    /// The most specific key path whose key or value holds byte `offset`: the value's own key for
    /// a bad value, the key itself for an unknown key, the table (`payer[2]`) for an error found at
    /// its header, such as a missing key.
    pub fn key_at(&self, offset: usize) -> Option<String> {
        let mut path = String::new();
        find_in_table(&self.root, offset, &mut path).then_some(path)
    }

    /// For an offset in no key or value (a syntax error, a key given twice): the key written
    /// last before it on its line, or else the table it is in.
    pub fn key_before(&self, offset: usize) -> Option<String> {
        let mut entries = Vec::new();
        collect_entries(&self.root, &mut String::new(), &mut entries);
        let (start, path, is_table) = entries
            .into_iter()
            .filter(|(start, _, _)| *start <= offset)
            .max_by_key(|(start, _, _)| *start)?;
        if is_table || self.line_of(start) == self.line_of(offset) {
            Some(path)
        } else {
            path.rsplit_once('.').map(|(table, _)| table.to_string())
        }
    }

    /// The line of a key path: where its key is written (for a table of an array, its header), or
    /// the line of the nearest enclosing table written in the file.
    pub fn line_of_key(&self, path: &str) -> Option<usize> {
        let mut table = &self.root;
        let mut found: Option<usize> = None;
        let mut segments = path.split('.').peekable();
        while let Some(segment) = segments.next() {
            let (name, index) = split_index(segment);
            let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
                break;
            };
            found = Some(key.span().start);
            let mut value: &Spanned<DeValue> = value;
            if let Some(i) = index {
                let Some(item) = value
                    .get_ref()
                    .as_array()
                    .and_then(|a| a.get(i.checked_sub(1)?))
                else {
                    break;
                };
                found = Some(item.span().start);
                value = item;
            }
            match value.get_ref() {
                DeValue::Table(t) if segments.peek().is_some() => table = t,
                _ => break,
            }
        }
        found.map(|offset| self.line_of(offset))
    }
}

/// `charge[2]` as (`charge`, Some(2)); `amount` as (`amount`, None).
fn split_index(segment: &str) -> (&str, Option<usize>) {
    segment
        .strip_suffix(']')
        .and_then(|s| s.split_once('['))
        .and_then(|(name, i)| Some((name, Some(i.parse().ok()?))))
        .unwrap_or((segment, None))
}

/// Every key of `table` and below, as (where it is written, its key path, whether it is a table
/// written as a `[header]`); a table of an array is written where its header is.
fn collect_entries(table: &DeTable, path: &mut String, out: &mut Vec<(usize, String, bool)>) {
    for (key, value) in table.iter() {
        let mark = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        match value.get_ref() {
            DeValue::Table(t) => {
                out.push((key.span().start, path.clone(), true));
                collect_entries(t, path, out);
            }
            DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => {
                for (i, item) in items.iter().enumerate() {
                    let mark = path.len();
                    path.push_str(&format!("[{}]", i + 1));
                    out.push((item.span().start, path.clone(), true));
                    if let DeValue::Table(t) = item.get_ref() {
                        collect_entries(t, path, out);
                    }
                    path.truncate(mark);
                }
            }
            _ => out.push((key.span().start, path.clone(), false)),
        }
        path.truncate(mark);
    }
}

/// Extends `path` to the entry of `table` that holds `offset`; false (and `path` as it was) when
/// none does.
fn find_in_table(table: &DeTable, offset: usize, path: &mut String) -> bool {
    for (key, value) in table.iter() {
        let mark = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        if key.span().contains(&offset) || find_in_value(value, offset, path) {
            return true;
        }
        path.truncate(mark);
    }
    false
}

/// Whether `value` holds `offset`, extending `path` to the most specific part that does. A table
/// written as `[header]` spans only its header; its keys are searched too.
fn find_in_value(value: &Spanned<DeValue>, offset: usize, path: &mut String) -> bool {
    let inside = match value.get_ref() {
        DeValue::Table(t) => find_in_table(t, offset, path),
        DeValue::Array(items) => items.iter().enumerate().any(|(i, item)| {
            let mark = path.len();
            path.push_str(&format!("[{}]", i + 1));
            let found = find_in_value(item, offset, path);
            if !found {
                path.truncate(mark);
            }
            found
        }),
        _ => false,
    };
    inside || value.span().contains(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"top = 1
[provider]
name = "X"
npi = "1"

[[payer]]
key = "a"

[[payer]]
key = "b"
outreach_cap = { attempts = 0, days = 3 }

[[payer.charge]]
amount = "abc"
"#;

    #[test]
    fn an_offset_is_found_in_the_most_specific_key() {
        let l = Layout::new(TEXT);
        let at = |needle: &str| l.key_at(TEXT.find(needle).unwrap()).unwrap();
        assert_eq!(at("\"1\""), "provider.npi");
        assert_eq!(at("npi"), "provider.npi");
        assert_eq!(at("\"abc\""), "payer[2].charge[1].amount");
        assert_eq!(at("attempts = 0"), "payer[2].outreach_cap.attempts");
        assert_eq!(at("[[payer]]\nkey = \"b\""), "payer[2]");
        assert_eq!(at("[provider]"), "provider");
        assert_eq!(at("top"), "top");
        assert_eq!(l.key_at(TEXT.find("\n\n").unwrap()), None);
    }

    #[test]
    fn a_key_path_is_found_on_its_line() {
        let l = Layout::new(TEXT);
        assert_eq!(l.line_of_key("provider.npi"), Some(4));
        assert_eq!(l.line_of_key("provider"), Some(2));
        assert_eq!(l.line_of_key("payer[2]"), Some(9));
        assert_eq!(l.line_of_key("payer[2].charge[1].amount"), Some(14));
        assert_eq!(l.line_of_key("payer[2].outreach_cap.days"), Some(11));
        // A key not written falls back to its table; a table not written has no line.
        assert_eq!(l.line_of_key("provider.contact_phone"), Some(2));
        assert_eq!(l.line_of_key("payer[3].key"), Some(6));
        assert_eq!(l.line_of_key("plan.name"), None);
    }

    #[test]
    fn text_that_does_not_parse_is_laid_out_as_far_as_it_goes() {
        let text = "[provider]\nname = \"X\"\nnpi = \n";
        let l = Layout::new(text);
        assert_eq!(l.line_of_key("provider.name"), Some(2));
        assert_eq!(l.line_of(text.len()), 4);
        // A key given twice: the table it is in.
        let text = "[[payer]]\nkey = \"a\"\n[[payer]]\nkey = \"b\"\nname = \"B\"\nkey = \"c\"\n";
        let l = Layout::new(text);
        let second = text.rfind("key").unwrap();
        assert_eq!(l.key_at(second), None);
        assert_eq!(l.key_before(second).as_deref(), Some("payer[2]"));
        assert_eq!(
            l.key_before(text.find("name").unwrap() + 6).as_deref(),
            Some("payer[2].name")
        );
    }
}

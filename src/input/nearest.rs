//! The known name a misspelled one was probably meant as (`diagnosis_code` for
//! `diagnosis_codes`, `auth_number` for `authorization_number`), for "did you mean" hints.

/// The name of `known` that `name` most likely means, if any is close: the same once spaces and
/// dashes are written as `_`; else one or two edits away (three for long names); else one whose
/// words `name`'s words begin, in order (`auth_number`, `dob`, `first_name`). Ties go to the
/// earlier name in `known`.
pub fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    if let Some(k) = nearest_spelling(name, known) {
        return Some(k);
    }
    let n = normalise(name);
    let words: Vec<&str> = n.split('_').filter(|w| !w.is_empty()).collect();
    known
        .iter()
        .filter(|k| begins_words(&words, k))
        .min_by_key(|k| k.split('_').count())
        .copied()
}

/// [`nearest`] without the word prefixes: the same once spaces and dashes are `_`, or one or two
/// edits away (three for long names). For names where an abbreviation proves nothing (file
/// names: `ecm.toml` is no short `ecm-hcpcs.toml`).
pub fn nearest_spelling<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let n = normalise(name);
    if n.is_empty() {
        return None;
    }
    if let Some(k) = known.iter().find(|k| normalise(k) == n) {
        return Some(k);
    }
    let limit = if n.len() >= 12 { 3 } else { 2 };
    known
        .iter()
        .map(|k| (edits(&n, &normalise(k)), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Lower case, with spaces and dashes as `_`.
fn normalise(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Whether each of `words`, in order, begins a distinct word of `name` (`auth`, `number` in
/// `authorization_number`).
fn begins_words(words: &[&str], name: &str) -> bool {
    let mut theirs = name.split('_');
    !words.is_empty()
        && words
            .iter()
            .all(|w| theirs.by_ref().any(|t| t.starts_with(w)))
}

/// The Levenshtein distance between two ASCII-ish strings (by `char`).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "member_id",
        "member_first_name",
        "member_dob",
        "diagnosis_codes",
        "authorization_number",
        "rendering_first_name",
        "payer",
    ];

    #[test]
    fn misspellings_and_abbreviations_find_their_column() {
        for (typo, want) in [
            ("diagnosis_code", "diagnosis_codes"),
            ("auth_number", "authorization_number"),
            ("Member DOB", "member_dob"),
            ("dob", "member_dob"),
            ("first_name", "member_first_name"),
            ("payr", "payer"),
            ("memberid", "member_id"),
        ] {
            assert_eq!(nearest(typo, KNOWN), Some(want), "{typo}");
        }
        for unrelated in ["", "notes", "supervisor", "x"] {
            assert_eq!(nearest(unrelated, KNOWN), None, "{unrelated}");
        }
    }
}

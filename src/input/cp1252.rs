//! Windows-1252, the encoding Excel on Windows uses for "CSV (Comma delimited)". Rows that are not
//! valid UTF-8 are read as Windows-1252 rather than refused, and the row is flagged.

/// The characters Windows-1252 puts at 0x80..=0x9F (where Latin-1 has control codes).
const HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Decodes Windows-1252 bytes to text.
pub fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_excel_ansi_names() {
        assert_eq!(super::decode(b"Mu\xF1oz"), "Muñoz");
        assert_eq!(super::decode(b"O\x92Brien"), "O’Brien");
        assert_eq!(super::decode(b"plain"), "plain");
    }
}

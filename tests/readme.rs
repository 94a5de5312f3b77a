//! The README documents what the code does: its rule table matches the catalogue, and it shows
//! the two set-up commands.

use assert_cmd::Command;

#[test]
fn readme_rule_table_matches_the_catalogue() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let out = Command::cargo_bin("ecm")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        let row = format!(
            "| {} | {} | {} |",
            r["id"].as_str().unwrap(),
            r["severity"].as_str().unwrap(),
            r["title"].as_str().unwrap()
        );
        assert!(
            readme.contains(&row),
            "README.md lacks or misstates the rule row: {row}"
        );
    }
}

#[test]
fn readme_shows_the_two_setup_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains("cargo run --release -- demo"));
    assert!(readme.contains("cargo test --release"));
}

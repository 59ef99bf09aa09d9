//! The README's traceability table is a checked document: every file path it
//! names must exist in the repository, every `file.rs::name` must name a
//! `fn` (or `struct`, `enum`, `const`, `static`, `mod`, `trait`, `type`) in
//! that file, and every `file.test.mjs: "title"` must name a test title
//! written in that file.
//!
//! Notation (in backticks, anywhere in the section):
//! - `path/to/file` — a file that must exist (relative to the repository root);
//! - `path/to/file.rs::name` — and `name` is declared in it (`fn name`, …);
//! - `path/to/file.test.mjs: "title"` — and `title` appears in it as a
//!   quoted string.
//!
//! Other backticked text (field names, codes, routes) is prose and not checked.

use std::fs;
use std::path::{Path, PathBuf};

const SECTION_HEADING: &str = "## Traceability: the seed documents → adapter → simulator → test";
const PRECEDING_HEADING: &str = "## Write side: what the documents say and what we assumed";

/// Top-level folders a reference may start with; any other backticked text
/// is prose.
const REPOSITORY_ROOTS: &[&str] = &["core/", "tests/", "edge-proxy/", "widget/", "contract/", "scripts/", "examples/"];

#[derive(Debug, PartialEq, Eq)]
enum Reference {
    File(String),
    Item { file: String, name: String },
    JsTest { file: String, title: String },
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn readme() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("the simulator's README is readable")
}

/// The text of the traceability section: from its heading to the next
/// `## ` heading (or the end).
fn section(readme: &str) -> Option<&str> {
    let start = readme.find(SECTION_HEADING)?;
    let body = &readme[start + SECTION_HEADING.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    Some(&body[..end])
}

/// Every backticked span of `text` (single backticks; a span never crosses
/// a line).
fn backticked(text: &str) -> Vec<&str> {
    text.lines().flat_map(|line| line.split('`').enumerate().filter(|(index, _)| index % 2 == 1).map(|(_, span)| span)).collect()
}

fn is_path(text: &str) -> bool {
    REPOSITORY_ROOTS.iter().any(|root| text.starts_with(root)) && !text.contains(char::is_whitespace)
}

/// The reference a backticked span makes, if it makes one.
fn reference_of(span: &str) -> Option<Reference> {
    let span = span.trim();
    if let Some((file, title)) = span.split_once(": \"") {
        let title = title.strip_suffix('"')?;
        return is_path(file).then(|| Reference::JsTest { file: file.to_string(), title: title.to_string() });
    }
    if let Some((file, name)) = span.split_once("::") {
        return is_path(file).then(|| Reference::Item { file: file.to_string(), name: name.to_string() });
    }
    is_path(span).then(|| Reference::File(span.to_string()))
}

fn references(section: &str) -> Vec<Reference> {
    backticked(section).into_iter().filter_map(reference_of).collect()
}

fn declares(source: &str, name: &str) -> bool {
    let is_identifier_char = |character: char| character.is_alphanumeric() || character == '_';
    ["fn", "struct", "enum", "const", "static", "mod", "trait", "type"].iter().any(|keyword| {
        let needle = format!("{keyword} {name}");
        source.match_indices(&needle).any(|(at, _)| {
            let before_ok = source[..at].chars().next_back().is_none_or(|character| !is_identifier_char(character));
            let after_ok = source[at + needle.len()..].chars().next().is_none_or(|character| !is_identifier_char(character));
            before_ok && after_ok
        })
    })
}

fn has_test_title(source: &str, title: &str) -> bool {
    let escaped = title.replace('\'', "\\'");
    [format!("'{escaped}'"), format!("\"{title}\""), format!("`{title}`")].iter().any(|quoted| source.contains(quoted.as_str()))
}

/// What is wrong with each reference, read against the tree under `root`.
fn problems(references: &[Reference], root: &Path) -> Vec<String> {
    let read = |file: &str| fs::read_to_string(root.join(file)).ok();
    references
        .iter()
        .filter_map(|reference| match reference {
            Reference::File(file) => (!root.join(file).exists()).then(|| format!("`{file}`: no such file")),
            Reference::Item { file, name } => match read(file) {
                None => Some(format!("`{file}::{name}`: no such file")),
                Some(source) => (!declares(&source, name)).then(|| format!("`{file}::{name}`: `{name}` is not declared there")),
            },
            Reference::JsTest { file, title } => match read(file) {
                None => Some(format!("`{file}: \"{title}\"`: no such file")),
                Some(source) => {
                    (!has_test_title(&source, title)).then(|| format!("`{file}: \"{title}\"`: no test with that title there"))
                }
            },
        })
        .collect()
}

#[test]
fn the_section_follows_the_write_side_section_and_names_code_and_tests() {
    let readme = readme();
    let write_side = readme.find(PRECEDING_HEADING).expect("the write-side section is there");
    let traceability = readme.find(SECTION_HEADING).expect("the traceability section is there");
    let after_write_side = write_side + PRECEDING_HEADING.len();
    let next_after_write_side = readme[after_write_side..].find("\n## ").map(|at| after_write_side + at + 1);
    assert_eq!(next_after_write_side, Some(traceability), "the traceability section comes right after the write-side one");

    let references = references(section(&readme).unwrap());
    let count = |wanted: fn(&Reference) -> bool| references.iter().filter(|reference| wanted(reference)).count();
    let tests_named = count(|reference| match reference {
        Reference::Item { file, .. } => file.contains("/tests/"),
        Reference::JsTest { .. } => true,
        Reference::File(_) => false,
    });
    let adapter_code = count(|reference| match reference {
        Reference::Item { file, .. } | Reference::File(file) => file.starts_with("core/src/"),
        Reference::JsTest { .. } => false,
    });
    let simulator_code = count(|reference| match reference {
        Reference::Item { file, .. } | Reference::File(file) => file.starts_with("tests/upstream-sim/src/"),
        Reference::JsTest { .. } => false,
    });
    assert!(tests_named >= 100, "only {tests_named} test references");
    assert!(adapter_code >= 50, "only {adapter_code} adapter references");
    assert!(simulator_code >= 40, "only {simulator_code} simulator references");
}

#[test]
fn every_referenced_file_function_and_test_exists() {
    let readme = readme();
    let references = references(section(&readme).expect("the traceability section is there"));
    let problems = problems(&references, &repository_root());
    assert!(problems.is_empty(), "{} broken references in the traceability table:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_check_reads_the_notation_and_catches_what_is_missing() {
    let text = "| a | `core/src/lib.rs`, `seat_id`, `tests/upstream-sim/tests/traceability.rs::declares` | \
                `tests/browser/widget.test.mjs: \"no such title\"` | `core/src/nowhere.rs::anything` | \
                `tests/upstream-sim/tests/traceability.rs::no_such_function` |";
    let references = references(text);
    assert_eq!(
        references,
        [
            Reference::File("core/src/lib.rs".into()),
            Reference::Item { file: "tests/upstream-sim/tests/traceability.rs".into(), name: "declares".into() },
            Reference::JsTest { file: "tests/browser/widget.test.mjs".into(), title: "no such title".into() },
            Reference::Item { file: "core/src/nowhere.rs".into(), name: "anything".into() },
            Reference::Item { file: "tests/upstream-sim/tests/traceability.rs".into(), name: "no_such_function".into() },
        ]
    );
    let problems = problems(&references, &repository_root());
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("no test with that title"), "{problems:?}");
    assert!(problems[1].contains("no such file"), "{problems:?}");
    assert!(problems[2].contains("is not declared there"), "{problems:?}");
    // A name is matched whole: `fn declares_more` would not stand for `declares_mor`.
    assert!(!declares("fn declares_more() {}", "declares_mor"));
    assert!(has_test_title("test('the buyer\\'s seat', async () => {", "the buyer's seat"));
}

//! The import rule of `docs/ARCHITECTURE.md`, enforced: every `crate::`
//! path in `src/` may name only modules of its own floor or below, and
//! every top-level module has a floor.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

/// The floors, from the ground up (modules on one floor may use each other).
const FLOORS: &[&[&str]] = &[
    &["domain"],
    &["settings", "error", "urls", "throttle"],
    &["db"],
    &["protocol", "signature"],
    &["services"],
    &["federation"],
    &["api", "web", "operations"],
    &["startup"],
    &["cli"],
];

fn floor(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file's `crate::` paths name.
fn named_modules(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::{c, d}}`: the first name of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        names.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn modules_import_only_their_own_floor_and_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = floor(&top) else {
            wrong.push(format!(
                "{}: module `{top}` has no floor",
                relative.display()
            ));
            continue;
        };
        let source = std::fs::read_to_string(&file).unwrap();
        for name in named_modules(&source) {
            match floor(&name) {
                Some(theirs) if theirs <= own => {}
                Some(_) => wrong.push(format!(
                    "{}: `{top}` uses `{name}`, which is above it",
                    relative.display()
                )),
                None => wrong.push(format!(
                    "{}: `crate::{name}` is not a module with a floor",
                    relative.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reader_finds_names_in_groups_and_paths() {
    let names = named_modules(
        "use crate::{db::{self, x}, error::AppError};\nlet a = crate::urls::Urls::new();",
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["db", "error", "urls"]
    );
}

//! NDJSON batches validated inside the core: one call for many lines, so a
//! large file pays the JS/wasm crossing once per chunk, not once per line.
//! A line is a payload (when the API is given) or `{"api": ..., "payload": ...}`.

use super::{walk_json, Issue, Options, Problem};
use crate::spec::Api;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The verdict on a run of lines.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Batch {
    pub lines: usize,
    pub valid: usize,
    pub invalid: usize,
    pub blank: usize,
    /// How many errors of each code, in the order the codes first appear.
    pub codes: Vec<(String, usize)>,
    /// The first failing lines (1-based numbers), with their first errors.
    pub failures: Vec<LineFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct LineFailure {
    pub line: usize,
    pub errors: Vec<Issue>,
}

/// Errors kept per failing line.
const ERRORS_PER_LINE: usize = 5;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    api: Cow<'a, str>,
    #[serde(borrow)]
    payload: &'a RawValue,
}

/// Validates each line of `text`; `first_line` is the number of its first
/// line in the whole file (the byte-order mark is dropped from line 1).
pub fn validate_lines(
    text: &str,
    api: Option<&Api>,
    first_line: usize,
    max_failures: usize,
    opts: &Options,
) -> Batch {
    let mut batch = Batch::default();
    // Lines past the failures kept are only counted: no messages to render.
    let counting = Options {
        messages: false,
        ..*opts
    };
    for (i, line) in text.split('\n').enumerate() {
        let opts = if batch.failures.len() < max_failures {
            opts
        } else {
            &counting
        };
        let number = first_line + i;
        let line = if number == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        batch.lines += 1;
        if line.trim().is_empty() {
            batch.blank += 1;
            continue;
        }
        let errors = match api {
            // Warnings are not part of a batch's verdict: not even collected.
            Some(api) => walk_json(api, line, opts, false).errors,
            None => match serde_json::from_str::<Line>(line) {
                Ok(doc) => match crate::spec::api(&doc.api) {
                    Some(api) => walk_json(api, doc.payload.get(), opts, false).errors,
                    None => vec![Problem::UnknownApi {
                        name: doc.api.into_owned(),
                    }
                    .into_issue(String::new(), None)],
                },
                Err(e) if e.is_data() => vec![Problem::LineShape.into_issue(String::new(), None)],
                Err(e) => vec![Problem::Json {
                    detail: e.to_string(),
                }
                .into_issue(String::new(), None)],
            },
        };
        if errors.is_empty() {
            batch.valid += 1;
            continue;
        }
        batch.invalid += 1;
        for e in &errors {
            match batch.codes.iter_mut().find(|(code, _)| code == e.code) {
                Some((_, n)) => *n += 1,
                None => batch.codes.push((e.code.to_string(), 1)),
            }
        }
        if batch.failures.len() < max_failures {
            batch.failures.push(LineFailure {
                line: number,
                errors: errors.into_iter().take(ERRORS_PER_LINE).collect(),
            });
        }
    }
    batch
}

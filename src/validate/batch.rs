//! NDJSON batches validated inside the core: one call for many lines, so a
//! large file pays the JS/wasm crossing once per chunk, not once per line.
//! A line is a payload (when the API is given) or `{"api": ..., "payload": ...}`.

use super::{walk_json, Ctx, Issue, Key, Options, Problem, RootSeed};
use crate::spec::Api;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

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

/// What one pass over a `{"api", "payload"}` line made of it.
enum Walked<'de> {
    /// The payload's errors, found while it was read (`"api"` came first).
    Done(Vec<Issue>),
    /// `"payload"` came first: validated afterwards, from its text.
    Later(&'static Api, &'de RawValue),
    UnknownApi(Cow<'de, str>),
}

/// An object line read the way [`Line`] reads one (the same shape errors),
/// but with the payload validated while it is read, instead of read once to
/// find its end and again to validate it.
struct LineSeed<'o> {
    opts: &'o Options,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = Walked<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Walked<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = Walked<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Line")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Walked<'de>, A::Error> {
        let mut api: Option<Cow<'de, str>> = None;
        let mut errors = None;
        let mut raw = None;
        let mut payload = false;
        while let Some(Key(key)) = map.next_key::<Key>()? {
            match &*key {
                "api" if api.is_some() => return Err(de::Error::duplicate_field("api")),
                "api" => api = Some(map.next_value::<Key>()?.0),
                "payload" if payload => return Err(de::Error::duplicate_field("payload")),
                "payload" => {
                    payload = true;
                    match api.as_deref().map(crate::spec::api) {
                        Some(Some(api)) => {
                            let mut ctx = Ctx::new(api, self.opts, false);
                            map.next_value_seed(RootSeed { ctx: &mut ctx, api })?;
                            errors = Some(ctx.finish().errors);
                        }
                        // An unknown API: nothing to check the payload against.
                        Some(None) => map.next_value::<IgnoredAny>().map(drop)?,
                        None => raw = Some(map.next_value::<&'de RawValue>()?),
                    }
                }
                _ => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        let api = api.ok_or_else(|| de::Error::missing_field("api"))?;
        if !payload {
            return Err(de::Error::missing_field("payload"));
        }
        Ok(match (errors, raw.zip(crate::spec::api(&api))) {
            (Some(errors), _) => Walked::Done(errors),
            (None, Some((raw, found))) => Walked::Later(found, raw),
            (None, None) => Walked::UnknownApi(api),
        })
    }
}

/// One `{"api", "payload"}` line. An object line that fits the payload size
/// limit is read in one pass; anything else (an array, which [`Line`] also
/// reads, or a line whose payload may be too large to walk) is read whole
/// first, then its payload validated.
fn read_line<'de>(line: &'de str, opts: &Options) -> serde_json::Result<Walked<'de>> {
    if line.len() <= opts.limits.max_bytes && line.trim_start().starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(line);
        let walked = LineSeed { opts }.deserialize(&mut de)?;
        de.end()?;
        return Ok(walked);
    }
    read_whole(line)
}

fn read_whole(line: &str) -> serde_json::Result<Walked<'_>> {
    let doc = serde_json::from_str::<Line>(line)?;
    Ok(match crate::spec::api(&doc.api) {
        Some(api) => Walked::Later(api, doc.payload),
        None => Walked::UnknownApi(doc.api),
    })
}

/// A `{"api", "payload"}` line's errors.
fn line_errors(read: serde_json::Result<Walked>, opts: &Options) -> Vec<Issue> {
    match read {
        Ok(Walked::Done(errors)) => errors,
        Ok(Walked::Later(api, payload)) => walk_json(api, payload.get(), opts, false).errors,
        Ok(Walked::UnknownApi(name)) => vec![Problem::UnknownApi {
            name: name.into_owned(),
        }
        .into_issue(String::new(), None)],
        Err(e) if e.is_data() => vec![Problem::LineShape.into_issue(String::new(), None)],
        Err(e) => vec![Problem::Json {
            detail: e.to_string(),
        }
        .into_issue(String::new(), None)],
    }
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
            None => line_errors(read_line(line, opts), opts),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass reading of a line gives the errors the two-pass one
    /// gives, whatever the line's shape.
    #[test]
    fn one_pass_lines_read_like_whole_lines() {
        let api = "taobao.logistics.openalibity.write";
        let good = crate::sample::sample(crate::spec::api(api).unwrap(), 1_795_320_000_000);
        let bad = r#"{"write_request":{"operation_type":"X","extra":"{\"a\":"}}"#;
        let mut lines = Vec::new();
        for p in [
            good.to_string(),
            bad.to_string(),
            "[]".into(),
            "\"x\"".into(),
        ] {
            for a in [format!("{api:?}"), "\"nope\"".into(), "5".into()] {
                lines.extend([
                    format!(r#"{{"api":{a},"payload":{p}}}"#),
                    format!(r#"{{"payload":{p},"api":{a}}}"#),
                    format!(r#"{{"api":{a},"payload":{p},"api":{a}}}"#),
                    format!(r#"{{"api":{a},"payload":{p},"payload":{p}}}"#),
                    format!(r#"{{"api":{a}}}"#),
                    format!(r#"{{"payload":{p}}}"#),
                    format!(r#"{{"\u0061pi":{a},"x":[1,{{}}],"payload":{p}}}"#),
                    format!(r#"{{"api":{a},"payload":{p},}}"#),
                    format!(r#"{{"api":{a},"payload":{p}}} x"#),
                    format!(r#"{{"api":{a},"payload":{p}"#),
                    format!(r#"  {{"api":{a},"payload":{p}}}  "#),
                ]);
            }
        }
        let opts = Options {
            now_ms: 1_795_320_000_000,
            ..Options::default()
        };
        for line in &lines {
            let one = line_errors(read_line(line, &opts), &opts);
            let whole = line_errors(read_whole(line), &opts);
            assert_eq!(one, whole, "{line}");
        }
    }
}

//! `validate(api, payload)`: one pass over the payload *as it is being
//! deserialised* (JSON text, a `serde_json::Value` or a JavaScript object all
//! drive the same walker), checking it against the API's spec and collecting
//! every problem with its JSON Pointer. Nothing stops at the first problem, no
//! intermediate value tree is built, and bad input only ever becomes an issue.

mod batch;
pub mod formats;
mod problem;

use crate::spec::{find_field, Api, Field, Format, Kind, Level, Protocol, Rule};
pub use batch::{validate_lines, Batch, LineFailure};
use formats::PhoneField;
pub use problem::Problem;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use std::fmt;

/// One problem, in both languages, at an RFC 6901 JSON Pointer into the
/// payload as given (continuing into JSON-in-a-string fields).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub path: String,
    /// A stable machine word: `required`, `type`, `max_length`, `enum`, `format`, `range`, ...
    pub code: &'static str,
    pub message: String,
    pub message_zh: String,
    /// The limits involved (`max`, `allowed`, `suggestion`, ...).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown>"))]
    pub params: serde_json::Map<String, serde_json::Value>,
}

/// Errors: what the gateway would reject or what loses data. Warnings: legal,
/// but almost certainly a mistake.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Report {
    pub ok: bool,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

/// Bounds checked before any expensive work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct Limits {
    /// Largest payload, in bytes of JSON text (1 MiB).
    pub max_bytes: usize,
    /// Deepest nesting of objects and lists (32).
    pub max_depth: usize,
    /// Longest list (1000 elements).
    pub max_items: usize,
    /// Longest string value, in bytes (64 KiB): none of the documented
    /// fields comes near it, and a longer one is not parsed or checked.
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1 << 20,
            max_depth: 32,
            max_items: 1000,
            max_string_bytes: 64 << 10,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The time plausibility checks compare with.
    pub now_ms: i64,
    pub limits: Limits,
    /// `false`: issues carry path and code only (no messages, no params),
    /// for batches that only count them.
    pub messages: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            now_ms: crate::time::now_ms(),
            limits: Limits::default(),
            messages: true,
        }
    }
}

/// Validates JSON text.
pub fn validate_json(api: &Api, text: &str, opts: &Options) -> Report {
    walk_json(api, text, opts, true)
}

/// `validate_json`, keeping warnings or not (batches count errors only).
fn walk_json(api: &Api, text: &str, opts: &Options, warnings: bool) -> Report {
    let mut ctx = Ctx::new(api, opts, warnings);
    if text.len() > opts.limits.max_bytes {
        ctx.report(
            Level::Error,
            Problem::TooLarge {
                max: opts.limits.max_bytes,
                actual: text.len(),
            },
            None,
        );
        return ctx.finish();
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let walked = RootSeed { ctx: &mut ctx, api }
        .deserialize(&mut de)
        .and_then(|_| de.end());
    ctx.finish_with(walked)
}

/// Validates a payload from any serde deserializer (a `&serde_json::Value`, ...).
pub fn validate_with<'de, D: Deserializer<'de>>(api: &Api, payload: D, opts: &Options) -> Report {
    let mut ctx = Ctx::new(api, opts, true);
    let walked = RootSeed { ctx: &mut ctx, api }.deserialize(payload);
    ctx.finish_with(walked)
}

/// Validates a `serde_json::Value`.
pub fn validate_value(api: &Api, payload: &serde_json::Value, opts: &Options) -> Report {
    validate_with(api, payload, opts)
}

struct Ctx<'o> {
    path: String,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    opts: &'o Options,
    /// Whether warnings are kept at all.
    keep_warnings: bool,
    depth: usize,
    /// Qimen bodies are XML, which cannot carry some characters.
    xml: bool,
}

impl<'o> Ctx<'o> {
    fn new(api: &Api, opts: &'o Options, keep_warnings: bool) -> Self {
        Ctx {
            // Room for any ordinary path: no regrowth while walking.
            path: String::with_capacity(128),
            errors: Vec::new(),
            warnings: Vec::new(),
            opts,
            keep_warnings,
            depth: 0,
            xml: api.protocol == Protocol::Qimen,
        }
    }

    /// Appends an RFC 6901 reference token; returns the mark to `pop` back to.
    fn push(&mut self, token: &str) -> usize {
        let mark = self.path.len();
        self.path.push('/');
        // A byte scan: a `char` pattern decodes every character.
        if !token.bytes().any(|b| b == b'~' || b == b'/') {
            // The common case, copied whole (this runs for every key).
            self.path.push_str(token);
            return mark;
        }
        for c in token.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                c => self.path.push(c),
            }
        }
        mark
    }

    /// Appends a spec name (build.rs checks none needs escaping).
    fn push_name(&mut self, name: &str) -> usize {
        let mark = self.path.len();
        self.path.push('/');
        self.path.push_str(name);
        mark
    }

    fn push_index(&mut self, i: usize) -> usize {
        let mark = self.path.len();
        self.path.push('/');
        self.path.push_str(itoa::Buffer::new().format(i));
        mark
    }

    fn pop(&mut self, mark: usize) {
        self.path.truncate(mark);
    }

    /// Whether an issue of this level is kept with its messages: what only
    /// feeds the messages (suggestions) is worth working out.
    fn renders(&self, level: Level) -> bool {
        self.opts.messages && (level == Level::Error || self.keep_warnings)
    }

    fn report(&mut self, level: Level, problem: Problem, field: Option<&Field>) {
        if level == Level::Warning && !self.keep_warnings {
            return;
        }
        let issue = if self.opts.messages {
            problem.into_issue(self.path.clone(), field)
        } else {
            problem.code_only(self.path.clone())
        };
        match level {
            Level::Error => self.errors.push(issue),
            Level::Warning => self.warnings.push(issue),
        }
    }

    /// The report; a deserializer's own error (bad JSON) is one more issue, at the root.
    fn finish_with<E: fmt::Display>(mut self, walked: Result<(), E>) -> Report {
        if let Err(e) = walked {
            self.path.clear();
            self.report(
                Level::Error,
                Problem::Json {
                    detail: e.to_string(),
                },
                None,
            );
        }
        self.finish()
    }

    fn finish(self) -> Report {
        Report {
            ok: self.errors.is_empty(),
            errors: self.errors,
            warnings: self.warnings,
        }
    }
}

/// What the parent needs to know about one child after walking it.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    /// Present with a value that will be sent (not null, blank or a placeholder).
    present: bool,
    /// For objects: bit i set when child i is present.
    children: u64,
    /// The enum value an enumerated field holds, for cross-field rules
    /// (build.rs checks that they only compare with enum values).
    value: Option<&'static str>,
}

impl Seen {
    fn present() -> Self {
        Seen {
            present: true,
            ..Seen::default()
        }
    }
}

/// A map key, borrowed from the input where it can be (unless it holds an escape).
pub(crate) struct Key<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(v.to_owned().into()))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// The payload's root: an object whose fields are the API's parameters.
struct RootSeed<'c, 'o> {
    ctx: &'c mut Ctx<'o>,
    api: &'c Api,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the payload object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        walk_object(self.ctx, map, self.api.params, &[], Container::Object).map(|_| ())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        not_an_object(self.ctx, "array");
        drain_seq(seq)
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        not_an_object(self.ctx, "string");
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        not_an_object(self.ctx, "boolean");
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        not_an_object(self.ctx, "number");
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        not_an_object(self.ctx, "number");
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        not_an_object(self.ctx, "number");
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        not_an_object(self.ctx, "null");
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        not_an_object(self.ctx, "null");
        Ok(())
    }
}

fn not_an_object(ctx: &mut Ctx, got: &'static str) {
    ctx.report(
        Level::Error,
        Problem::Type {
            expected: "object",
            got,
        },
        None,
    );
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Whose fields an object holds: unknown keys are errors in typed objects
/// (the gateway drops them: data lost) and warnings inside JSON strings.
#[derive(Clone, Copy, PartialEq)]
enum Container {
    Object,
    Json { string_values: bool },
}

fn walk_object<'de, A: MapAccess<'de>>(
    ctx: &mut Ctx,
    mut map: A,
    fields: &'static [Field],
    rules: &'static [Rule],
    container: Container,
) -> Result<u64, A::Error> {
    if ctx.depth >= ctx.opts.limits.max_depth {
        ctx.report(
            Level::Error,
            Problem::TooDeep {
                max: ctx.opts.limits.max_depth,
            },
            None,
        );
        drain_map(map)?;
        return Ok(0);
    }
    ctx.depth += 1;
    // Bit i: field i was given / holds a value that will be sent (build.rs
    // keeps objects under 64 fields).
    let (mut given, mut present) = (0u64, 0u64);
    // What the cross-field rules read; most objects have no rules.
    let mut details: Vec<(usize, Seen)> = Vec::new();
    let mut hint = 0;
    while let Some(Key(key)) = map.next_key::<Key>()? {
        let found = field_index(fields, &key, hint);
        let mark = match found {
            Some(_) => ctx.push_name(&key),
            None => ctx.push(&key),
        };
        match found {
            Some(i) if given & (1 << i) != 0 => {
                ctx.report(Level::Error, Problem::DuplicateKey, Some(&fields[i]));
                map.next_value::<IgnoredAny>()?;
            }
            Some(i) if fields[i].misplaced.is_some() => {
                let f = &fields[i];
                ctx.report(
                    Level::Error,
                    Problem::Misplaced {
                        expected: f.misplaced.unwrap_or_default(),
                    },
                    Some(f),
                );
                map.next_value::<IgnoredAny>()?;
                given |= 1 << i;
            }
            Some(i) => {
                let s = map.next_value_seed(ValueSeed {
                    ctx: &mut *ctx,
                    field: &fields[i],
                    element: false,
                    container,
                })?;
                given |= 1 << i;
                if s.present {
                    present |= 1 << i;
                    if !rules.is_empty() && (s.children != 0 || s.value.is_some()) {
                        details.push((i, s));
                    }
                }
                hint = i + 1;
            }
            None => {
                let level = if matches!(container, Container::Json { .. }) {
                    Level::Warning
                } else {
                    Level::Error
                };
                let suggestion = if ctx.renders(level) {
                    closest(fields, &key)
                } else {
                    None
                };
                ctx.report(level, Problem::UnknownField { suggestion }, None);
                if container
                    == (Container::Json {
                        string_values: true,
                    })
                {
                    let got = map.next_value_seed(KindSeed)?;
                    if got != "string" {
                        ctx.report(
                            Level::Error,
                            Problem::Type {
                                expected: "string",
                                got,
                            },
                            None,
                        );
                    }
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        ctx.pop(mark);
    }
    ctx.depth -= 1;

    for (i, f) in fields.iter().enumerate() {
        // A misplaced field is never sent, so never required here.
        if let (Some(level), None, 0) = (f.required, f.misplaced, present & (1 << i)) {
            let mark = ctx.push_name(f.name);
            ctx.report(level, Problem::Required, Some(f));
            ctx.pop(mark);
        }
    }
    for rule in rules {
        check_rule(ctx, rule, fields, present, &details);
    }
    Ok(present)
}

/// The index of the field named `key` (or aliased so), trying `hint` first:
/// keys mostly come in the spec's order. Names are unique (build.rs), so the
/// hinted match is the only one.
fn field_index(fields: &[Field], key: &str, hint: usize) -> Option<usize> {
    if fields.get(hint).is_some_and(|f| f.is_named(key)) {
        return Some(hint);
    }
    crate::spec::field_position(fields, key)
}

fn check_rule(
    ctx: &mut Ctx,
    rule: &'static Rule,
    fields: &'static [Field],
    present: u64,
    details: &[(usize, Seen)],
) {
    let present = |name: &str| -> Option<Seen> {
        let i = fields.iter().position(|f| f.name == name)?;
        (present & (1 << i) != 0).then(|| {
            details
                .iter()
                .find(|(j, _)| *j == i)
                .map_or(Seen::present(), |(_, s)| *s)
        })
    };
    match *rule {
        Rule::AtLeastOne {
            fields: names,
            level,
            doc,
        } => {
            if names.iter().all(|n| present(n).is_none()) {
                ctx.report(level, Problem::AtLeastOne { fields: names, doc }, None);
            }
        }
        Rule::Requires {
            when,
            equals,
            then,
            level,
            doc,
        } => {
            if present(when).and_then(|s| s.value) != Some(equals) {
                return;
            }
            let (head, tail) = then.split_once('.').unwrap_or((then, ""));
            let satisfied = match (present(head), tail) {
                (None, _) => false,
                (Some(_), "") => true,
                (Some(s), child) => find_field(fields, head)
                    .and_then(|f| f.fields.iter().position(|c| c.name == child))
                    .is_some_and(|j| s.children & (1 << j) != 0),
            };
            if !satisfied {
                let mark = ctx.path.len();
                for token in then.split('.') {
                    ctx.push(token);
                }
                ctx.report(level, Problem::Requires { when, equals, doc }, None);
                ctx.pop(mark);
            }
        }
    }
}

/// The nearest known name to a misspelt one, if any is near.
fn closest(fields: &'static [Field], key: &str) -> Option<&'static str> {
    let trimmed = key.trim();
    fields
        .iter()
        .filter(|f| f.misplaced.is_none())
        .filter_map(|f| {
            let max = 2.max(f.name.len() / 4);
            let d = if f.name.eq_ignore_ascii_case(trimmed) {
                0
            } else if trimmed.len().abs_diff(f.name.len()) > 4 * max {
                // An edit changes the length by at most 4 bytes: too far.
                return None;
            } else {
                strsim::levenshtein(f.name, trimmed)
            };
            (d <= max).then_some((d, f.name))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// One field's value.
struct ValueSeed<'c, 'o> {
    ctx: &'c mut Ctx<'o>,
    field: &'static Field,
    /// Walking one element of a list field.
    element: bool,
    /// The object this value sits in (inside a JSON string or not).
    container: Container,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Seen;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValueSeed<'_, '_> {
    fn wrong_type(self, got: &'static str) -> Seen {
        let expected = match (self.field.kind, self.field.list && !self.element) {
            (Kind::Object, true) => "array",
            (Kind::String, _) => "string",
            (Kind::Int, _) => "integer",
            (Kind::Bool, _) => "boolean",
            (Kind::Object, false) => "object",
            (Kind::Json, _) => "json_string",
        };
        self.ctx.report(
            Level::Error,
            Problem::Type { expected, got },
            Some(self.field),
        );
        Seen::present()
    }

    /// A value given with a JSON type other than the wire type, which the
    /// gateway's JSON reader still converts: legal, but worth fixing.
    fn lenient(&mut self, got: &'static str) {
        let expected = match self.field.kind {
            Kind::Int => "integer",
            Kind::Bool => "boolean",
            _ => "string",
        };
        // Inside a JSON string whose values must be strings nothing converts them.
        let strict = self.container
            == (Container::Json {
                string_values: true,
            });
        let level = if strict { Level::Error } else { Level::Warning };
        self.ctx
            .report(level, Problem::Type { expected, got }, Some(self.field));
    }

    fn on_str(mut self, s: &str) -> Seen {
        match self.field.kind {
            Kind::String => check_string(self.ctx, self.field, s),
            Kind::Json => check_json(self.ctx, self.field, s),
            Kind::Int => match s.trim().parse::<i64>() {
                Ok(v) => {
                    self.lenient("string");
                    check_int(self.ctx, self.field, v)
                }
                Err(_) => self.wrong_type("string"),
            },
            Kind::Bool if s == "true" || s == "false" => {
                self.lenient("string");
                Seen::present()
            }
            Kind::Bool | Kind::Object => self.wrong_type("string"),
        }
    }

    fn on_int(mut self, v: i64) -> Seen {
        match self.field.kind {
            Kind::Int => check_int(self.ctx, self.field, v),
            Kind::String => {
                self.lenient("number");
                check_string(self.ctx, self.field, itoa::Buffer::new().format(v))
            }
            _ => self.wrong_type("number"),
        }
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Seen;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Seen, E> {
        Ok(self.on_str(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Seen, E> {
        Ok(self.on_int(v))
    }
    fn visit_u64<E>(mut self, v: u64) -> Result<Seen, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(self.on_int(i)),
            Err(_) if self.field.kind == Kind::String => {
                self.lenient("number");
                Ok(check_string(self.ctx, self.field, &v.to_string()))
            }
            Err(_) => {
                let field = self.field;
                self.ctx.report(
                    Level::Error,
                    Problem::Range {
                        min: i64::MIN.into(),
                        max: i64::MAX.into(),
                        actual: v.into(),
                    },
                    Some(field),
                );
                Ok(Seen::present())
            }
        }
    }
    fn visit_f64<E>(mut self, v: f64) -> Result<Seen, E> {
        match self.field.kind {
            Kind::Int if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 => {
                Ok(self.on_int(v as i64))
            }
            Kind::String => {
                self.lenient("number");
                Ok(check_string(self.ctx, self.field, &v.to_string()))
            }
            _ => Ok(self.wrong_type("number")),
        }
    }
    fn visit_bool<E>(mut self, v: bool) -> Result<Seen, E> {
        match self.field.kind {
            Kind::Bool => Ok(Seen::present()),
            Kind::String => {
                self.lenient("boolean");
                Ok(check_string(
                    self.ctx,
                    self.field,
                    if v { "true" } else { "false" },
                ))
            }
            _ => Ok(self.wrong_type("boolean")),
        }
    }
    fn visit_unit<E>(self) -> Result<Seen, E> {
        if self.element {
            return Ok(self.wrong_type("null"));
        }
        Ok(Seen::default())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Seen, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Seen, A::Error> {
        if self.field.kind != Kind::Object {
            let got = "object";
            drain_map(map)?;
            return Ok(self.wrong_type(got));
        }
        let container = match self.container {
            Container::Json { .. } => Container::Json {
                string_values: false,
            },
            _ => Container::Object,
        };
        let children = walk_object(
            self.ctx,
            map,
            self.field.fields,
            self.field.rules,
            container,
        )?;
        Ok(Seen {
            present: true,
            children,
            value: None,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seen, A::Error> {
        if !self.field.list || self.element {
            drain_seq(seq)?;
            return Ok(self.wrong_type("array"));
        }
        let limits = self.ctx.opts.limits;
        if self.ctx.depth >= limits.max_depth {
            self.ctx.report(
                Level::Error,
                Problem::TooDeep {
                    max: limits.max_depth,
                },
                Some(self.field),
            );
            drain_seq(seq)?;
            return Ok(Seen::present());
        }
        self.ctx.depth += 1;
        let mut all = Seen::default();
        let mut i = 0;
        loop {
            if i == limits.max_items {
                let mut extra = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    extra += 1;
                }
                if extra > 0 {
                    self.ctx.report(
                        Level::Error,
                        Problem::TooManyItems {
                            max: limits.max_items,
                            actual: i + extra,
                        },
                        Some(self.field),
                    );
                }
                break;
            }
            let mark = self.ctx.push_index(i);
            let next = seq.next_element_seed(ValueSeed {
                ctx: &mut *self.ctx,
                field: self.field,
                element: true,
                container: self.container,
            })?;
            self.ctx.pop(mark);
            let Some(s) = next else { break };
            all.present |= s.present;
            all.children |= s.children;
            i += 1;
        }
        self.ctx.depth -= 1;
        Ok(all)
    }
}

/// The JSON type of a value, for unknown keys whose values must be strings.
struct KindSeed;

impl<'de> DeserializeSeed<'de> for KindSeed {
    type Value = &'static str;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KindSeed {
    type Value = &'static str;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_str<E>(self, _: &str) -> Result<&'static str, E> {
        Ok("string")
    }
    fn visit_bool<E>(self, _: bool) -> Result<&'static str, E> {
        Ok("boolean")
    }
    fn visit_i64<E>(self, _: i64) -> Result<&'static str, E> {
        Ok("number")
    }
    fn visit_u64<E>(self, _: u64) -> Result<&'static str, E> {
        Ok("number")
    }
    fn visit_f64<E>(self, _: f64) -> Result<&'static str, E> {
        Ok("number")
    }
    fn visit_unit<E>(self) -> Result<&'static str, E> {
        Ok("null")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<&'static str, A::Error> {
        drain_map(map).map(|_| "object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<&'static str, A::Error> {
        drain_seq(seq).map(|_| "array")
    }
}

/// A string past the limit: reported once, never looked into.
fn too_long(ctx: &mut Ctx, f: &'static Field, s: &str) -> bool {
    let max = ctx.opts.limits.max_string_bytes;
    if s.len() <= max {
        return false;
    }
    ctx.report(
        Level::Error,
        Problem::TooLong {
            max,
            actual: s.len(),
        },
        Some(f),
    );
    true
}

fn check_string(ctx: &mut Ctx, f: &'static Field, s: &str) -> Seen {
    if too_long(ctx, f, s) {
        return Seen::present();
    }
    if crate::sign::is_blank(s) {
        // The SDKs drop blank values: to the gateway this field is missing.
        return Seen::default();
    }
    if ctx.xml && !crate::xml::is_xml_text(s) {
        // The XML body drops them; what is left may be nothing at all.
        let kept: String = s.chars().filter(|c| crate::xml::is_xml_char(*c)).collect();
        ctx.report(Level::Warning, Problem::XmlChars, Some(f));
        if crate::sign::is_blank(&kept) {
            return Seen::default();
        }
    }
    let len = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    if let Some(max) = f.max_length.filter(|m| len > *m as usize) {
        ctx.report(
            Level::Error,
            Problem::MaxLength { max, actual: len },
            Some(f),
        );
    }
    if let Some(min) = f.min_length.filter(|m| len < *m as usize) {
        ctx.report(
            Level::Error,
            Problem::MinLength { min, actual: len },
            Some(f),
        );
    }
    if f.placeholders.contains(&s) {
        ctx.report(
            Level::Warning,
            Problem::Placeholder {
                value: s.to_string(),
            },
            Some(f),
        );
        return Seen::default();
    }
    let mut found = Vec::new();
    let shaped = match f.format {
        Some(Format::DateTime) => {
            formats::datetime(s, &mut found);
            true
        }
        Some(Format::Latitude) => {
            formats::coordinate(s, "latitude", 90.0, &mut found);
            true
        }
        Some(Format::Longitude) => {
            formats::coordinate(s, "longitude", 180.0, &mut found);
            true
        }
        Some(Format::Decimal { precision, scale }) => {
            formats::decimal(s, precision, scale, &mut found);
            true
        }
        Some(Format::Quantity) => {
            formats::quantity(s, &mut found);
            true
        }
        Some(Format::PickupCode) => {
            formats::pickup_code(s, &mut found);
            true
        }
        Some(Format::Phone) => {
            formats::phone(s, PhoneField::Any, &mut found);
            true
        }
        Some(Format::Mobile) => {
            formats::phone(s, PhoneField::Mobile, &mut found);
            true
        }
        Some(Format::Landline) => {
            formats::phone(s, PhoneField::Landline, &mut found);
            true
        }
        Some(Format::CarrierCode) => formats::carrier_code(s, &mut found),
        Some(Format::EpochMillis { .. }) | None => true,
    };
    let carrier_name = matches!(f.format, Some(Format::CarrierCode)) && !shaped;
    for (level, problem) in found {
        let problem = match problem {
            // A carrier's Chinese name: say which code it means.
            Problem::Format { format, hint } if carrier_name => Problem::CarrierName {
                format,
                hint,
                suggestion: if ctx.renders(level) {
                    carrier_by_name(f, s)
                } else {
                    None
                },
            },
            p => p,
        };
        ctx.report(level, problem, Some(f));
    }
    let value = f.enum_values.iter().find(|e| e.value == s).map(|e| e.value);
    if shaped && !f.enum_values.is_empty() && value.is_none() {
        enum_miss(ctx, f, s);
    }
    Seen {
        present: true,
        children: 0,
        value,
    }
}

fn enum_miss(ctx: &mut Ctx, f: &'static Field, actual: &str) {
    let problem = if ctx.renders(f.enum_level) {
        Problem::enum_miss(f, actual)
    } else {
        // Only its code will be kept: no suggestion, no copy of the text.
        Problem::Enum {
            allowed: f.enum_values,
            actual: String::new(),
            suggestion: None,
        }
    };
    ctx.report(f.enum_level, problem, Some(f));
}

/// The code of a carrier named in Chinese: `顺丰` or `顺丰速运` -> `SF`. Only for
/// a short name, never for a text that happens to list several carriers.
fn carrier_by_name(f: &'static Field, s: &str) -> Option<&'static str> {
    let len = s.chars().count();
    f.enum_values
        .iter()
        .find(|e| {
            e.doc.zh.contains(s) || (s.contains(e.doc.zh) && len <= e.doc.zh.chars().count() + 4)
        })
        .map(|e| e.value)
}

fn check_int(ctx: &mut Ctx, f: &'static Field, v: i64) -> Seen {
    let mut value = None;
    if !f.enum_values.is_empty() {
        let mut buf = itoa::Buffer::new();
        let text = buf.format(v);
        value = f
            .enum_values
            .iter()
            .find(|e| e.value == text)
            .map(|e| e.value);
        if value.is_none() {
            enum_miss(ctx, f, text);
        }
    }
    if f.min.is_some_and(|m| v < m) || f.max.is_some_and(|m| v > m) {
        let bound = |b: Option<i64>| b.map_or(serde_json::Value::Null, Into::into);
        ctx.report(
            Level::Error,
            Problem::Range {
                min: bound(f.min),
                max: bound(f.max),
                actual: v.into(),
            },
            Some(f),
        );
    }
    if let Some(Format::EpochMillis {
        past_days,
        future_days,
    }) = f.format
    {
        let mut found = Vec::new();
        formats::epoch_millis(v, ctx.opts.now_ms, past_days, future_days, &mut found);
        for (level, problem) in found {
            ctx.report(level, problem, Some(f));
        }
    }
    Seen {
        present: true,
        children: 0,
        value,
    }
}

/// A string that must hold a JSON object: walked with the same machinery,
/// the path continuing into it.
fn check_json(ctx: &mut Ctx, f: &'static Field, s: &str) -> Seen {
    if too_long(ctx, f, s) {
        return Seen::present();
    }
    if crate::sign::is_blank(s) {
        return Seen::default();
    }
    // A syntax error leaves the walk mid-way: path and depth are restored
    // from here, so the error points at this field.
    let (mark, depth) = (ctx.path.len(), ctx.depth);
    let mut de = serde_json::Deserializer::from_str(s);
    let seed = JsonObjectSeed {
        ctx: &mut *ctx,
        field: f,
    };
    let walked = seed.deserialize(&mut de).and_then(|r| de.end().map(|_| r));
    ctx.pop(mark);
    ctx.depth = depth;
    match walked {
        Ok(Ok(children)) => Seen {
            present: true,
            children,
            value: None,
        },
        Ok(Err(got)) => {
            ctx.report(
                Level::Error,
                Problem::Type {
                    expected: "json_object",
                    got,
                },
                Some(f),
            );
            Seen::present()
        }
        Err(e) => {
            ctx.report(
                Level::Error,
                Problem::Json {
                    detail: e.to_string(),
                },
                Some(f),
            );
            Seen::present()
        }
    }
}

/// Inside a JSON string: an object (its children bits) or the type found.
struct JsonObjectSeed<'c, 'o> {
    ctx: &'c mut Ctx<'o>,
    field: &'static Field,
}

impl<'de> DeserializeSeed<'de> for JsonObjectSeed<'_, '_> {
    type Value = Result<u64, &'static str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonObjectSeed<'_, '_> {
    type Value = Result<u64, &'static str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let container = Container::Json {
            string_values: self.field.string_values,
        };
        walk_object(
            self.ctx,
            map,
            self.field.fields,
            self.field.rules,
            container,
        )
        .map(Ok)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|_| Err("array"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("string"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("null"))
    }
}

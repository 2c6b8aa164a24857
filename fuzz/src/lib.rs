//! Shared by the fuzz targets: a structure-aware payload generator driven by
//! each API's spec tree, the model of what a Qimen XML body reads back as,
//! and the check that an issue's path points into the payload.
//!
//! The generator reads its choices from `arbitrary::Unstructured`, so libFuzzer
//! mutates decisions ("take field X", "make it overlong", "wrong type") rather
//! than JSON bytes. An exhausted input makes every choice its first option, so
//! generation always terminates (every loop is bounded by a drawn count).

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value};
use std::sync::OnceLock;
use top_logistics::spec::{find_field, Api, Field, Format, Kind};
use top_logistics::validate::{Options, Report};

/// The time every target validates against: 2026-11-22 12:00:00 GMT+8.
pub const NOW_MS: i64 = 1_795_320_000_000;
const DAY_MS: i64 = 86_400_000;

/// Deepest nesting generated: beyond the validator's limit (32), well below
/// serde_json's recursion limit (128), so text and value see the same tree.
pub const MAX_GEN_DEPTH: usize = 40;

pub fn options() -> Options {
    Options {
        now_ms: NOW_MS,
        ..Options::default()
    }
}

/// Every wire name and alias of every API, request and response trees.
pub fn all_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        fn walk(fields: &'static [Field], out: &mut Vec<&'static str>) {
            for f in fields {
                out.push(f.name);
                out.extend(f.aliases.iter().copied());
                walk(f.fields, out);
            }
        }
        let mut out = Vec::new();
        for api in top_logistics::apis() {
            walk(api.params, &mut out);
            walk(api.response.fields, &mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    })
}

/// Pieces of free text: CJK, emoji, XML/JSON/form metacharacters, every kind
/// of white space (Rust's and Java's differ), and characters XML 1.0 forbids.
pub const TEXT_PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "测试",
    "驿站",
    "😀",
    "&",
    "<",
    ">",
    "\"",
    "'",
    " ",
    "\t",
    "\n",
    "\r",
    "\u{a0}",
    "\u{3000}",
    "\u{2007}",
    "\u{85}",
    "\u{1c}",
    "\u{1}",
    "\u{b}",
    "\u{fffe}",
    "\u{feff}",
    "\u{10ffff}",
    "]]>",
    "&amp;",
    "&#0;",
    "%",
    "=",
    "+",
    "~",
    "/",
    "\\",
    "-",
    ".",
    "é",
    "ｚ",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "true",
    "转",
];

const DATETIMES: &[&str] = &[
    "2026-11-22 12:00:00",
    "2024-02-29 00:00:00",
    "2023-02-29 00:00:00",
    "2017-04-26T19:17:55",
    "2017-04-26 24:00:00",
    "9999-12-31 23:59:59",
    "0000-01-01 00:00:00",
    "2017-04-26 19:17",
    "２017-04-26 19:17:55",
    "2017-4-26 19:17:555",
];
const COORDINATES: &[&str] = &[
    "30.281284",
    "-120.12345678901234",
    "113.475732",
    "30.28",
    "north",
    "-",
    ".",
    "1e5",
    "-0.000000",
    "90.0000001",
    "180.000000",
    "-180.0000001",
    "30.123456789012345",
    "00.000000",
    ".123456",
    "1.",
    "--1.000000",
    "1..000000",
];
const DECIMALS: &[&str] = &[
    "12.345",
    "0",
    "-1.5",
    ".5",
    "1.",
    "12.3456",
    "1234567890123456",
    "000000000000000000001.5",
    "1e3",
    "0.000",
    "999999999999999.999",
    "1,5",
];
const QUANTITIES: &[&str] = &[
    "0",
    "-1",
    "1.0",
    "123456789012345678",
    "1234567890123456789",
    "",
    "１",
    "+1",
    " 1",
];
const PICKUP_CODES: &[&str] = &["123456", "12345", "12345a", "１２３４５６", "1234567"];
const PHONES: &[&str] = &[
    "13200010001",
    "+86 13566754333",
    "0086 13800138000",
    "138****1234",
    "13800138000-1234",
    "13800138000转1234",
    "13800138000转",
    "13800138000-",
    "13800138000转１",
    "0571-88389760",
    "010-12345678-123",
    "02188889999",
    "400-820-8820",
    "8008208820",
    "8838976",
    "12345",
    "1280013800",
    "23800138000",
    "abc",
    "138-0013-8000x",
    "0571-123",
    "+86",
    "1380013800é",
    "+86\u{3000}13800138000",
    "1é",
    "é3800138000-1",
];
const CARRIERS: &[&str] = &[
    "ZTO",
    "SF",
    "zto",
    "中通",
    "顺丰速运",
    "ZTO Express",
    "YUNDA-1",
    "顺丰",
    "中通快递和圆通速递",
];

/// Builds JSON values for an API from the fuzzer's choices.
pub struct Gen<'a, 'u> {
    pub u: &'u mut Unstructured<'a>,
    /// Unknown keys are valid XML element names (for the XML round trip).
    pub xml_names: bool,
    depth: usize,
}

impl<'a, 'u> Gen<'a, 'u> {
    pub fn new(u: &'u mut Unstructured<'a>, xml_names: bool) -> Self {
        Gen {
            u,
            xml_names,
            depth: 0,
        }
    }

    /// `pct` percent likely; true when the input is exhausted.
    fn chance(&mut self, pct: u8) -> Result<bool> {
        Ok(self.u.int_in_range(0..=99u8)? < pct)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Result<T> {
        self.u.choose(items).copied()
    }

    /// A payload: usually an object over `api.params`, sometimes anything.
    pub fn payload(&mut self, api: &Api) -> Result<Value> {
        if self.chance(97)? {
            Ok(Value::Object(self.object(api.params)?))
        } else {
            self.any()
        }
    }

    /// An object over `fields`: either each documented field in turn (kept
    /// with a high probability, so deep rules are reached) plus a few extra
    /// keys, or a handful of keys drawn at random.
    pub fn object(&mut self, fields: &'static [Field]) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        if self.depth >= MAX_GEN_DEPTH {
            return Ok(map);
        }
        self.depth += 1;
        if self.chance(75)? {
            for f in fields {
                if self.chance(85)? {
                    let key = if !f.aliases.is_empty() && self.chance(20)? {
                        self.pick(f.aliases)?
                    } else {
                        f.name
                    };
                    let v = self.field_value(f)?;
                    map.insert(key.to_string(), v);
                }
            }
        }
        let extra = self.u.int_in_range(0..=3u8)?;
        for _ in 0..extra {
            let key = self.key(fields)?;
            let v = match find_field(fields, &key) {
                Some(f) => self.field_value(f)?,
                None => self.any()?,
            };
            map.insert(key, v);
        }
        self.depth -= 1;
        Ok(map)
    }

    /// A key: a documented name, a name from elsewhere, a near miss, or junk.
    fn key(&mut self, fields: &'static [Field]) -> Result<String> {
        let names = all_names();
        Ok(match self.u.int_in_range(0..=6u8)? {
            0 | 1 if !fields.is_empty() => self.u.choose(fields)?.name.to_string(),
            2 if !names.is_empty() => self.pick(names)?.to_string(),
            3 if !fields.is_empty() => {
                // A near miss: changed case, a character off, a stray space.
                let name = self.u.choose(fields)?.name;
                match self.u.int_in_range(0..=3u8)? {
                    0 => name.to_uppercase(),
                    1 if !self.xml_names => format!(" {name}"),
                    2 => name.chars().skip(1).collect(),
                    _ => format!("{name}x"),
                }
            }
            _ if self.xml_names => {
                let n = self.u.int_in_range(1..=3u8)?;
                let mut s = String::from("x_");
                for _ in 0..n {
                    s.push(self.pick(&['a', 'b', 'Z', '_', '-', '.', '9', '测'])?);
                }
                s
            }
            4 => self
                .pick(&["", "~", "/", "~1", "a/b~c", "测试", "😀", "&<>"])?
                .to_string(),
            _ => {
                let s: String = self.u.arbitrary()?;
                s.chars().take(12).collect()
            }
        })
    }

    /// A value for a documented field: mostly of its kind (a list, or one
    /// element where a list is allowed), sometimes null or of another type.
    pub fn field_value(&mut self, f: &'static Field) -> Result<Value> {
        match self.u.int_in_range(0..=19u8)? {
            0 => Ok(Value::Null),
            1 => self.any(),
            _ if f.list && self.chance(80)? => {
                let n = self.u.int_in_range(0..=4u8)?;
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(if self.chance(95)? {
                        self.one(f)?
                    } else {
                        self.any()?
                    });
                }
                Ok(Value::Array(items))
            }
            _ => self.one(f),
        }
    }

    fn one(&mut self, f: &'static Field) -> Result<Value> {
        match f.kind {
            Kind::String => self.string_for(f),
            Kind::Int => self.int_for(f),
            Kind::Bool => Ok(match self.u.int_in_range(0..=5u8)? {
                0 | 1 => Value::Bool(false),
                2 | 3 => Value::Bool(true),
                4 => Value::String(self.pick(&["true", "false", "TRUE", " true"])?.into()),
                _ => Value::from(self.u.int_in_range(0..=1u8)?),
            }),
            Kind::Object => {
                if self.depth >= MAX_GEN_DEPTH {
                    return Ok(Value::Object(Map::new()));
                }
                Ok(Value::Object(self.object(f.fields)?))
            }
            Kind::Json => Ok(match self.u.int_in_range(0..=9u8)? {
                0 => Value::String(
                    self.pick(&[
                        "",
                        "  ",
                        "{",
                        "{}",
                        "[]",
                        "1",
                        "\"x\"",
                        "null",
                        "{\"a\":}",
                        "{\"a\":1}x",
                        "{\"a\":1,\"a\":2}",
                        "{\"~/\":1}",
                    ])?
                    .into(),
                ),
                1 => Value::Object(self.object(f.fields)?),
                _ => Value::String(Value::Object(self.object(f.fields)?).to_string()),
            }),
        }
    }

    /// Free text of 0 to `n` pieces.
    pub fn text(&mut self, n: u8) -> Result<String> {
        let k = self.u.int_in_range(0..=n)?;
        let mut s = String::new();
        for _ in 0..k {
            s.push_str(self.pick(TEXT_PIECES)?);
        }
        Ok(s)
    }

    fn string_for(&mut self, f: &'static Field) -> Result<Value> {
        let s = match self.u.int_in_range(0..=11u8)? {
            0 if !f.enum_values.is_empty() => self.u.choose(f.enum_values)?.value.to_string(),
            1 => match f
                .example
                .and_then(|e| serde_json::from_str::<Value>(e).ok())
            {
                Some(v) => return Ok(v),
                None => self.text(6)?,
            },
            2 | 3 => self.formatted(f)?,
            4 if !f.placeholders.is_empty() => self.pick(f.placeholders)?.to_string(),
            5 => {
                // Lengths around the documented limits.
                let limit = match (f.max_length, f.min_length) {
                    (Some(max), _) if self.chance(70)? => max as usize,
                    (_, Some(min)) => min as usize,
                    _ => 64,
                };
                let len = match self.u.int_in_range(0..=2u8)? {
                    0 => limit.saturating_sub(1),
                    1 => limit,
                    _ => limit + 1,
                };
                let unit = self.pick(&["a", "退", "😀", " "])?;
                unit.repeat(len)
            }
            6 => return self.scalar(),
            7 => self
                .pick(&["", " ", "\u{3000}", "\u{a0}", "\t\n", "\u{1c}"])?
                .to_string(),
            8 => {
                let s: String = self.u.arbitrary()?;
                s.chars().take(40).collect()
            }
            _ => self.text(8)?,
        };
        Ok(Value::String(s))
    }

    /// A string shaped (or almost shaped) like the field's format.
    fn formatted(&mut self, f: &'static Field) -> Result<String> {
        Ok(match f.format {
            Some(Format::DateTime) if self.chance(50)? => {
                let y = self.u.int_in_range(0..=9999u16)?;
                let (m, d) = (
                    self.u.int_in_range(0..=13u8)?,
                    self.u.int_in_range(0..=32u8)?,
                );
                let (h, mi, s) = (
                    self.u.int_in_range(0..=24u8)?,
                    self.u.int_in_range(0..=60u8)?,
                    self.u.int_in_range(0..=60u8)?,
                );
                format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
            Some(Format::DateTime) => self.pick(DATETIMES)?.to_string(),
            Some(Format::Latitude | Format::Longitude) if self.chance(50)? => {
                let int = self.u.int_in_range(-200..=200i16)?;
                let frac = self.u.int_in_range(0..=16u8)?;
                let digits: String = (0..frac).map(|i| char::from(b'0' + (i * 7 % 10))).collect();
                format!("{int}.{digits}")
            }
            Some(Format::Latitude | Format::Longitude) => self.pick(COORDINATES)?.to_string(),
            Some(Format::Decimal { .. }) => self.pick(DECIMALS)?.to_string(),
            Some(Format::Quantity) => self.pick(QUANTITIES)?.to_string(),
            Some(Format::PickupCode) => self.pick(PICKUP_CODES)?.to_string(),
            Some(Format::Phone | Format::Mobile | Format::Landline) => {
                let p = self.pick(PHONES)?;
                if self.chance(20)? {
                    format!("{}{p}{}", self.text(1)?, self.text(1)?)
                } else {
                    p.to_string()
                }
            }
            Some(Format::CarrierCode) => self.pick(CARRIERS)?.to_string(),
            Some(Format::EpochMillis { .. }) | None => self.text(4)?,
        })
    }

    fn int_for(&mut self, f: &'static Field) -> Result<Value> {
        let v: Value = match self.u.int_in_range(0..=9u8)? {
            0 if !f.enum_values.is_empty() => {
                let e = self.u.choose(f.enum_values)?.value;
                e.parse::<i64>()
                    .map_or_else(|_| Value::String(e.into()), Value::from)
            }
            1 if f.min.is_some() || f.max.is_some() => {
                let b = f.min.or(f.max).unwrap_or(0);
                Value::from(b.saturating_add(self.u.int_in_range(-1..=1i64)?))
            }
            2 | 3 => {
                let days = self.u.int_in_range(-40..=3i64)?;
                let jitter = self.u.int_in_range(-DAY_MS..=DAY_MS)?;
                Value::from(NOW_MS + days * DAY_MS + jitter)
            }
            4 => Value::from(NOW_MS / 1000),
            5 => match self.u.int_in_range(0..=9u8)? {
                0 => Value::from(0),
                1 => Value::from(-1),
                2 => Value::from(i64::MIN),
                3 => Value::from(i64::MAX),
                4 => Value::from(u64::MAX),
                5 => Value::from(1.5),
                6 => Value::from(1e300),
                7 => Value::from(-0.0),
                8 => Value::from(9_007_199_254_740_993.0),
                _ => Value::from(1_795_320_000_000.0),
            },
            6 => Value::String(
                self.pick(&["12", " 12 ", "+5", "abc", "", "1795320000000", "1e3", "-0"])?
                    .into(),
            ),
            _ => Value::from(self.u.arbitrary::<i64>()?),
        };
        Ok(v)
    }

    /// Any scalar.
    fn scalar(&mut self) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=6u8)? {
            0 => Value::Null,
            1 => Value::Bool(self.u.arbitrary()?),
            2 => Value::from(self.u.arbitrary::<i64>()?),
            3 => Value::from(self.u.arbitrary::<u64>()?),
            4 => Value::from(self.u.arbitrary::<f64>()?),
            5 => Value::String(self.text(6)?),
            _ => {
                let s: String = self.u.arbitrary()?;
                Value::String(s.chars().take(24).collect())
            }
        })
    }

    /// Anything: scalars, lists and objects keyed by known names or junk.
    pub fn any(&mut self) -> Result<Value> {
        if self.depth >= MAX_GEN_DEPTH {
            return self.scalar();
        }
        match self.u.int_in_range(0..=9u8)? {
            0..=6 => self.scalar(),
            7 | 8 => {
                self.depth += 1;
                let n = self.u.int_in_range(0..=3u8)?;
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(self.any()?);
                }
                self.depth -= 1;
                Ok(Value::Array(items))
            }
            _ => {
                self.depth += 1;
                let n = self.u.int_in_range(0..=3u8)?;
                let mut map = Map::new();
                for _ in 0..n {
                    let k = self.key(&[])?;
                    let v = self.any()?;
                    map.insert(k, v);
                }
                self.depth -= 1;
                Ok(Value::Object(map))
            }
        }
    }
}

// --- what is sent, and what an XML body reads back as --------------------------

/// The payload as `build_request` sends it (its documented normalisation):
/// nulls dropped, aliases (`packageValue`) under their documented names,
/// misplaced fields dropped, a single value where a list is allowed wrapped
/// in a list, recursively through documented object fields. Unknown keys
/// are kept as they are.
pub fn sent_object(map: &Map<String, Value>, fields: &'static [Field]) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        match find_field(fields, key) {
            Some(f) if f.misplaced.is_some() => {}
            Some(f) => {
                out.insert(f.name.to_string(), sent_value(value, f));
            }
            None => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

fn sent_value(value: &Value, f: &'static Field) -> Value {
    let one = |v: &Value| match (v, f.kind) {
        (Value::Object(m), Kind::Object) => Value::Object(sent_object(m, f.fields)),
        (v, _) => v.clone(),
    };
    match value {
        Value::Array(items) if f.list => {
            Value::Array(items.iter().filter(|v| !v.is_null()).map(one).collect())
        }
        v if f.list => Value::Array(vec![one(v)]),
        v => one(v),
    }
}

/// Whether XML 1.0 allows `c` in text.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A string as a Qimen body carries it: trimmed of the white space that
/// validation calls blank (Java's `Character.isWhitespace`; not U+00A0),
/// then without the characters XML 1.0 forbids.
pub fn xml_text(s: &str) -> String {
    s.trim_matches(java_whitespace)
        .chars()
        .filter(|c| xml_char(*c))
        .collect()
}

fn java_whitespace(c: char) -> bool {
    top_logistics::sign::is_blank(c.encode_utf8(&mut [0; 4]))
}

/// An element name the writer accepts: a letter or `_`, then letters,
/// digits, `_`, `-` or `.`; not starting with `xml` in any case.
pub fn xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

/// Deepest member nesting the writer accepts.
const XML_MAX_DEPTH: usize = 64;

/// An element of the model document.
#[derive(Debug)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

/// Why the model document cannot be written (the writer refuses it too).
#[derive(Debug)]
pub struct Unwritable;

/// The members of an object as elements, as the Qimen body writes them:
/// documented fields first in the document's order (by name, else by an
/// alias), then the other keys in the caller's order; null members and null
/// list items left out; a list as repeated elements (a list in a list, a
/// name that is not an XML name, or nesting of 64 levels refused).
fn write_members(
    map: &Map<String, Value>,
    fields: &'static [Field],
    depth: usize,
    out: &mut Vec<El>,
) -> std::result::Result<(), Unwritable> {
    let mut order: Vec<&String> = Vec::new();
    for f in fields {
        let key = map
            .get_key_value(f.name)
            .or_else(|| f.aliases.iter().find_map(|a| map.get_key_value(*a)));
        if let Some((k, _)) = key {
            order.push(k);
        }
    }
    let documented = order.clone();
    order.extend(map.keys().filter(|k| !documented.contains(k)));
    for k in order {
        let v = &map[k.as_str()];
        if depth >= XML_MAX_DEPTH {
            return Err(Unwritable);
        }
        let field = find_field(fields, k);
        match v {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    if item.is_array() {
                        return Err(Unwritable);
                    }
                    write_one(k, item, field, depth + 1, out)?;
                }
            }
            v => write_one(k, v, field, depth, out)?,
        }
    }
    Ok(())
}

fn write_one(
    name: &str,
    v: &Value,
    field: Option<&'static Field>,
    depth: usize,
    out: &mut Vec<El>,
) -> std::result::Result<(), Unwritable> {
    let text = match v {
        Value::Null => return Ok(()),
        Value::Array(_) => return Err(Unwritable),
        _ if !xml_name(name) => return Err(Unwritable),
        Value::Object(m) => {
            let mut children = Vec::new();
            write_members(m, field.map_or(&[], |f| f.fields), depth + 1, &mut children)?;
            out.push(El {
                name: name.to_string(),
                text: String::new(),
                children,
            });
            return Ok(());
        }
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    };
    out.push(El {
        name: name.to_string(),
        text: xml_text(&text),
        children: Vec::new(),
    });
    Ok(())
}

/// An integer of 16 or more digits, which the reader keeps as text.
fn long_integer(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    digits.len() >= 16 && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// The reader's typing of the model document: elements grouped by name (an
/// alias read as its documented name), a group of several elements or of a
/// list field a list (an element of a list field whose children are all
/// alike and unknown to the item type is a wrapper of items), an element
/// with children an object, a leaf typed by its field's kind (text that
/// does not fit stays text; empty text of an int or bool is null).
fn read_members(children: &[El], fields: &'static [Field]) -> Map<String, Value> {
    let mut groups: Vec<(&str, Vec<&El>)> = Vec::new();
    for c in children {
        match groups.iter_mut().find(|(n, _)| *n == c.name) {
            Some((_, g)) => g.push(c),
            None => groups.push((c.name.as_str(), vec![c])),
        }
    }
    let mut out = Map::new();
    for (name, group) in groups {
        let field = find_field(fields, name);
        let key = field.map_or(name, |f| f.name);
        let list = field.is_some_and(|f| f.list);
        let value = match group.as_slice() {
            [one] if !list => read_el(one, field),
            _ => Value::Array(
                group
                    .iter()
                    .flat_map(|el| {
                        let wrapper = field.is_some_and(|f| {
                            f.list
                                && el.children.first().is_some_and(|first| {
                                    f.kind != Kind::Object
                                        || (el.children.iter().all(|c| c.name == first.name)
                                            && find_field(f.fields, &first.name).is_none())
                                })
                        });
                        if wrapper {
                            el.children.iter().map(|c| read_el(c, field)).collect()
                        } else {
                            vec![read_el(el, field)]
                        }
                    })
                    .collect(),
            ),
        };
        out.insert(key.to_string(), value);
    }
    out
}

fn read_el(el: &El, field: Option<&'static Field>) -> Value {
    let kind = field.map(|f| f.kind);
    if !el.children.is_empty() || (kind == Some(Kind::Object) && el.text.trim().is_empty()) {
        return Value::Object(read_members(&el.children, field.map_or(&[], |f| f.fields)));
    }
    let t = el.text.trim();
    match kind {
        Some(Kind::Bool | Kind::Int) if t.is_empty() => Value::Null,
        Some(Kind::Bool) if t.eq_ignore_ascii_case("true") => Value::Bool(true),
        Some(Kind::Bool) if t.eq_ignore_ascii_case("false") => Value::Bool(false),
        Some(Kind::Int) if long_integer(t) => Value::String(t.to_string()),
        Some(Kind::Int) => t
            .parse::<i64>()
            .map_or_else(|_| Value::String(el.text.clone()), Value::from),
        _ => Value::String(el.text.clone()),
    }
}

/// What `parse_request` reads from the XML body `build_request` writes for a
/// Qimen payload (validation off), after `build_request`'s normalisation:
/// `Err` when the writer refuses the payload.
pub fn qimen_xml_read_back(api: &Api, payload: &Value) -> std::result::Result<Value, Unwritable> {
    let root = api.params.first().ok_or(Unwritable)?;
    let sent = sent_object(payload.as_object().unwrap_or(&Map::new()), api.params);
    let read = match sent.get(root.name) {
        // A request that is not an object is written as the root's text.
        Some(Value::Object(m)) => {
            let mut children = Vec::new();
            write_members(m, root.fields, 1, &mut children)?;
            read_members(&children, root.fields)
        }
        _ => Map::new(),
    };
    Ok(Value::Object(Map::from_iter([(
        root.name.to_string(),
        Value::Object(read),
    )])))
}

/// The contract in its simplest form, for payloads shaped like the spec
/// (`spec_shaped`): the read-back is the payload as sent with nulls, null
/// list items and empty lists dropped and strings trimmed and cleaned.
pub fn simply_normalised(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(xml_text(s)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(simply_normalised)
                .collect(),
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), simply_normalised(v)))
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .collect(),
        ),
        v => v.clone(),
    }
}

/// Whether every key of `map` is documented and every value has its
/// field's type (a list field: a list of such values or one value).
pub fn spec_shaped(map: &Map<String, Value>, fields: &'static [Field]) -> bool {
    map.iter().all(|(k, v)| {
        let Some(f) = fields.iter().find(|f| f.name == k.as_str()) else {
            return false;
        };
        let one = |v: &Value| match (f.kind, v) {
            (_, Value::Null) => true,
            (Kind::String | Kind::Json, Value::String(_)) => true,
            (Kind::Int, Value::Number(n)) => n.is_i64(),
            (Kind::Bool, Value::Bool(_)) => true,
            (Kind::Object, Value::Object(m)) => spec_shaped(m, f.fields),
            _ => false,
        };
        match v {
            Value::Array(items) if f.list => items.iter().all(one),
            v => one(v),
        }
    })
}

// --- issue paths --------------------------------------------------------------

/// The reference tokens of an RFC 6901 pointer (`None` if malformed).
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(vec![]);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .map(|t| {
            // `~` must be followed by 0 or 1.
            let mut out = String::new();
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                match c {
                    '~' => match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return None,
                    },
                    c => out.push(c),
                }
            }
            Some(out)
        })
        .collect()
}

/// One step down: an object member or an array index (RFC 6901: no leading
/// zeros); a string holding JSON is stepped into first.
fn step(v: &Value, token: &str) -> Option<Value> {
    match v {
        Value::Object(m) => m.get(token).cloned(),
        Value::Array(a) => {
            if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
                return None;
            }
            a.get(token.parse::<usize>().ok()?).cloned()
        }
        Value::String(s) => step(&serde_json::from_str::<Value>(s).ok()?, token),
        _ => None,
    }
}

/// How far a pointer resolves in `payload`: the number of tokens resolved.
pub fn resolved_prefix(payload: &Value, tokens: &[String]) -> usize {
    let mut at = payload.clone();
    for (i, t) in tokens.iter().enumerate() {
        match step(&at, t) {
            Some(next) => at = next,
            None => return i,
        }
    }
    tokens.len()
}

/// Whether the tokens name a documented field of `api` (indices of list
/// fields skipped).
pub fn documented(api: &Api, tokens: &[String]) -> bool {
    let mut fields = api.params;
    let mut list_at: Option<&'static Field> = None;
    let mut found = false;
    for t in tokens {
        if list_at.is_some_and(|f| f.list) && t.parse::<usize>().is_ok() {
            list_at = None;
            continue;
        }
        let Some(f) = find_field(fields, t) else {
            return false;
        };
        fields = f.fields;
        list_at = Some(f);
        found = true;
    }
    found
}

/// The value a pointer's first tokens lead to (through JSON in strings).
fn resolve(payload: &Value, tokens: &[String]) -> Option<Value> {
    let mut at = payload.clone();
    for t in tokens {
        at = step(&at, t)?;
    }
    Some(at)
}

/// A pointer from reference tokens.
pub fn pointer(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// What is wrong with the report's paths, if anything: every path is a
/// well-formed pointer that resolves in the payload (through JSON-in-a-string
/// fields), except that `required` names a documented field whose parent
/// resolves, and `requires` a documented field below something that resolves.
/// Issues found inside a string that is not valid JSON before its syntax
/// error are accepted when that string itself has its `json` error.
pub fn path_problems(api: &Api, payload: &Value, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    for issue in report.errors.iter().chain(&report.warnings) {
        let Some(tokens) = pointer_tokens(&issue.path) else {
            problems.push(format!("not an RFC 6901 pointer: {:?}", issue.path));
            continue;
        };
        let n = resolved_prefix(payload, &tokens);
        let ok = match issue.code {
            "required" => n + 1 >= tokens.len() && documented(api, &tokens),
            "requires" => documented(api, &tokens),
            _ => n == tokens.len(),
        };
        let in_bad_json = || {
            let at = pointer(&tokens[..n]);
            matches!(resolve(payload, &tokens[..n]), Some(Value::String(s)) if serde_json::from_str::<Value>(&s).is_err())
                && report
                    .errors
                    .iter()
                    .any(|e| e.code == "json" && e.path == at)
        };
        if !ok && !in_bad_json() {
            problems.push(format!(
                "{} issue at {:?} does not resolve (resolved {n} of {} tokens)",
                issue.code,
                issue.path,
                tokens.len()
            ));
        }
    }
    problems
}

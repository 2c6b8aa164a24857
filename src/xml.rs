//! XML in the platform's styles, with quick-xml doing the parsing and
//! escaping: reading a body into a small element tree (a DOCTYPE, and with it
//! any entity declaration, is refused unexpanded), typing that tree with the
//! API's fields, and writing requests and answers.
//!
//! Lists: TOP answers wrap them (`<trades list="true"><trade>..`); Qimen
//! bodies repeat the element (`<packages><package>..</package><package>..`).
//! Both are read alike; `Style` says which to write.

use crate::response::json::is_long_integer;
use crate::spec::{find_field, Field, Kind};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// Deepest element nesting read or written (the platform's answers nest a
/// few levels; this bounds the recursion of the typing pass).
pub const MAX_DEPTH: usize = 64;
/// Most attributes read on one element.
const MAX_ATTRIBUTES: usize = 16;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    /// `list="true"`: the TOP marker of a list wrapper.
    pub list: bool,
    pub text: String,
    pub children: Vec<Element>,
}

#[derive(Debug, PartialEq)]
pub enum XmlError {
    /// A `<!DOCTYPE ...>` (and with it any entity declaration): refused, never expanded.
    DocType,
    /// The body ends inside an element.
    Truncated {
        open: String,
    },
    Syntax(String),
    NoRoot,
    TooDeep,
}

fn element(start: &BytesStart) -> Result<Element, XmlError> {
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|e| XmlError::Syntax(e.to_string()))?
        .to_string();
    let mut list = false;
    for (i, attr) in start.attributes().enumerate() {
        // The platform's elements carry at most `list="true"`.
        if i == MAX_ATTRIBUTES {
            return Err(XmlError::Syntax(format!(
                "<{name}> has more than {MAX_ATTRIBUTES} attributes"
            )));
        }
        let attr = attr.map_err(|e| XmlError::Syntax(e.to_string()))?;
        if attr.key.as_ref() == b"list" {
            let value = attr
                .unescape_value()
                .map_err(|e| XmlError::Syntax(e.to_string()))?;
            list = value.trim() == "true";
        }
    }
    Ok(Element {
        name,
        list,
        ..Element::default()
    })
}

/// Reads one root element. A declaration, comments and processing
/// instructions before or after it are allowed (the gateway appends
/// `<!--top011023105124.center.na61-->`); a DOCTYPE is not.
pub fn read(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Syntax(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                return Err(XmlError::Syntax(
                    "a second root element after the first".to_string(),
                ));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(element(&e)?);
            }
            Event::Empty(e) => {
                let el = element(&e)?;
                close(el, &mut stack, &mut root);
            }
            Event::End(_) => match stack.pop() {
                Some(el) => close(el, &mut stack, &mut root),
                None => return Err(XmlError::Syntax("an end tag without a start".to_string())),
            },
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| XmlError::Syntax(e.to_string()))?;
                text_into(&s, &mut stack)?;
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| XmlError::Syntax(e.to_string()))?;
                text_into(&s, &mut stack)?;
            }
            Event::Eof => {
                return match stack.pop() {
                    Some(open) => Err(XmlError::Truncated { open: open.name }),
                    None => root.ok_or(XmlError::NoRoot),
                };
            }
        }
    }
}

fn close(el: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn text_into(s: &str, stack: &mut [Element]) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(el) => {
            el.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(XmlError::Syntax(
            "text outside the root element".to_string(),
        )),
    }
}

/// The children of `el` as a JSON object, typed by `fields`: documented
/// names kept, booleans and integers typed, long integers kept as strings,
/// lists (`list="true"` wrappers, repeated elements, list fields) as arrays.
/// Unknown elements stay strings (or objects): guessing a type would break
/// string fields that hold digits.
pub fn object(el: &Element, fields: &'static [Field]) -> Map<String, Value> {
    // Grouped by name, in the order the names first appear.
    let mut groups: Vec<(&str, Vec<&Element>)> = Vec::new();
    for child in &el.children {
        match groups.iter_mut().find(|(name, _)| *name == child.name) {
            Some((_, group)) => group.push(child),
            None => groups.push((child.name.as_str(), vec![child])),
        }
    }
    let mut out = Map::new();
    for (name, group) in groups {
        let field = find_field(fields, name);
        let key = field.map_or(name, |f| f.name);
        let value = match group.as_slice() {
            [one] if !one.list && !field.is_some_and(|f| f.list) => value(one, field),
            _ => Value::Array(
                group
                    .iter()
                    .flat_map(|el| {
                        if is_wrapper(el, field) {
                            el.children.iter().map(|c| value(c, field)).collect()
                        } else {
                            vec![value(el, field)]
                        }
                    })
                    .collect(),
            ),
        };
        out.insert(key.to_string(), value);
    }
    out
}

/// Whether `el` wraps the items of a list: it says so (`list="true"`), or it
/// is a list field's element whose children are items rather than members
/// (a scalar list, or children all named alike and unknown to the item type).
fn is_wrapper(el: &Element, field: Option<&'static Field>) -> bool {
    if el.list {
        return true;
    }
    let Some(f) = field.filter(|f| f.list) else {
        return false;
    };
    let Some(first) = el.children.first() else {
        return false;
    };
    f.kind != Kind::Object
        || (el.children.iter().all(|c| c.name == first.name)
            && find_field(f.fields, &first.name).is_none())
}

fn value(el: &Element, field: Option<&'static Field>) -> Value {
    if el.list {
        return Value::Array(el.children.iter().map(|c| value(c, field)).collect());
    }
    let kind = field.map(|f| f.kind);
    if !el.children.is_empty() || (kind == Some(Kind::Object) && el.text.trim().is_empty()) {
        return Value::Object(object(el, field.map_or(&[], |f| f.fields)));
    }
    let text = el.text.as_str();
    let t = text.trim();
    match kind {
        Some(Kind::Bool) if t.is_empty() => Value::Null,
        Some(Kind::Bool) if t.eq_ignore_ascii_case("true") => Value::Bool(true),
        Some(Kind::Bool) if t.eq_ignore_ascii_case("false") => Value::Bool(false),
        Some(Kind::Int) if t.is_empty() => Value::Null,
        Some(Kind::Int) if is_long_integer(t) => Value::String(t.to_string()),
        Some(Kind::Int) => t
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_string()), Value::from),
        _ => Value::String(text.to_string()),
    }
}

/// A JSON Pointer, written out only when an error needs it (the writers
/// would otherwise format one for every element).
#[derive(Clone, Copy)]
pub enum Pointer<'a> {
    /// Already written; `""` is the root.
    Text(&'a str),
    Key(&'a Pointer<'a>, &'a str),
    Index(&'a Pointer<'a>, usize),
}

impl fmt::Display for Pointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Pointer::Text(s) => f.write_str(s),
            Pointer::Key(parent, key) => {
                write!(f, "{parent}/")?;
                for c in key.chars() {
                    match c {
                        '~' => f.write_str("~0")?,
                        '/' => f.write_str("~1")?,
                        c => write!(f, "{c}")?,
                    }
                }
                Ok(())
            }
            Pointer::Index(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

/// Why a value cannot be written as XML (the path is a JSON Pointer).
#[derive(Debug)]
pub enum WriteError {
    Name { path: String, name: String },
    NestedList { path: String },
    TooDeep { path: String },
    Io(String),
}

/// How a document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// TOP answers: an XML declaration, lists wrapped (`list="true"`).
    Top,
    /// Qimen bodies: no declaration, a list as repeated elements, text
    /// trimmed (the Java SDK's `escapeXml` trims).
    Qimen,
}

pub struct XmlOut {
    writer: Writer<Vec<u8>>,
    style: Style,
}

impl XmlOut {
    pub fn new(style: Style) -> Self {
        let mut buf = Vec::new();
        if style == Style::Top {
            buf.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        }
        XmlOut {
            writer: Writer::new(buf),
            style,
        }
    }

    pub fn finish(self) -> String {
        // quick-xml writes the UTF-8 it is given: no copy in the usual case.
        String::from_utf8(self.writer.into_inner())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn event(&mut self, e: Event) -> Result<(), WriteError> {
        self.writer
            .write_event(e)
            .map_err(|e| WriteError::Io(e.to_string()))
    }

    pub fn start(&mut self, name: &str, list: bool, path: &str) -> Result<(), WriteError> {
        self.start_at(name, list, &Pointer::Text(path))
    }

    pub fn start_at(&mut self, name: &str, list: bool, path: &Pointer) -> Result<(), WriteError> {
        if !is_xml_name(name) {
            return Err(WriteError::Name {
                path: path.to_string(),
                name: name.to_string(),
            });
        }
        let mut start = BytesStart::new(name);
        if list {
            start.push_attribute(("list", "true"));
        }
        self.event(Event::Start(start))
    }

    pub fn end(&mut self, name: &str) -> Result<(), WriteError> {
        self.event(Event::End(BytesEnd::new(name)))
    }

    /// Text, escaped by quick-xml; characters XML 1.0 does not allow are
    /// dropped, as the Java SDK's `escapeXml` does.
    pub fn text(&mut self, s: &str) -> Result<(), WriteError> {
        let s = if self.style == Style::Qimen {
            // Only the white space validation calls blank (Java's): a
            // value that passed as present (`\u{a0}`) is never sent empty.
            s.trim_matches(|c: char| crate::sign::is_blank(c.encode_utf8(&mut [0; 4])))
        } else {
            s
        };
        let clean: Cow<str> = if is_xml_text(s) {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(s.chars().filter(|&c| is_xml_char(c)).collect())
        };
        if clean.is_empty() {
            return Ok(());
        }
        self.event(Event::Text(BytesText::new(&clean)))
    }

    /// `<name>text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str, path: &str) -> Result<(), WriteError> {
        self.leaf_at(name, text, &Pointer::Text(path))
    }

    pub fn leaf_at(&mut self, name: &str, text: &str, path: &Pointer) -> Result<(), WriteError> {
        self.start_at(name, false, path)?;
        self.text(text)?;
        self.end(name)
    }

    /// The members of `map` as elements: documented fields first, in the
    /// document's order, then the others; `null` members are left out.
    pub fn members(
        &mut self,
        map: &Map<String, Value>,
        fields: &'static [Field],
        path: &str,
        depth: usize,
    ) -> Result<(), WriteError> {
        self.members_at(map, fields, &Pointer::Text(path), depth)
    }

    fn members_at(
        &mut self,
        map: &Map<String, Value>,
        fields: &'static [Field],
        path: &Pointer,
        depth: usize,
    ) -> Result<(), WriteError> {
        let documented = fields.iter().filter_map(|f| {
            map.get_key_value(f.name)
                .or_else(|| f.aliases.iter().find_map(|a| map.get_key_value(*a)))
        });
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in documented {
            seen.push(k);
            self.member(k, v, find_field(fields, k), path, depth)?;
        }
        for (k, v) in map {
            if !seen.contains(&k.as_str()) {
                self.member(k, v, find_field(fields, k), path, depth)?;
            }
        }
        Ok(())
    }

    fn member(
        &mut self,
        name: &str,
        v: &Value,
        field: Option<&'static Field>,
        parent: &Pointer,
        depth: usize,
    ) -> Result<(), WriteError> {
        let path = Pointer::Key(parent, name);
        if depth >= MAX_DEPTH {
            return Err(WriteError::TooDeep {
                path: path.to_string(),
            });
        }
        match v {
            Value::Null => Ok(()),
            Value::Array(items) if self.style == Style::Qimen => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = Pointer::Index(&path, i);
                    if item.is_array() {
                        return Err(WriteError::NestedList {
                            path: item_path.to_string(),
                        });
                    }
                    self.scalar_or_object(name, item, field, &item_path, depth + 1)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                self.start_at(name, true, &path)?;
                let item_name = item_name(field, items.first());
                for (i, item) in items.iter().enumerate() {
                    let item_path = Pointer::Index(&path, i);
                    if item.is_array() {
                        return Err(WriteError::NestedList {
                            path: item_path.to_string(),
                        });
                    }
                    let item_field = field;
                    self.scalar_or_object(&item_name, item, item_field, &item_path, depth + 1)?;
                }
                self.end(name)
            }
            _ => self.scalar_or_object(name, v, field, &path, depth),
        }
    }

    fn scalar_or_object(
        &mut self,
        name: &str,
        v: &Value,
        field: Option<&'static Field>,
        path: &Pointer,
        depth: usize,
    ) -> Result<(), WriteError> {
        match v {
            Value::Null => Ok(()),
            Value::Bool(b) => self.leaf_at(name, if *b { "true" } else { "false" }, path),
            Value::Number(n) => self.leaf_at(name, &n.to_string(), path),
            Value::String(s) => self.leaf_at(name, s, path),
            Value::Object(m) => {
                self.start_at(name, false, path)?;
                self.members_at(m, field.map_or(&[], |f| f.fields), path, depth + 1)?;
                self.end(name)
            }
            Value::Array(_) => Err(WriteError::NestedList {
                path: path.to_string(),
            }),
        }
    }
}

/// The element name of one list item, in the platform's style: the item
/// type's name in snake case for objects (`<trades list="true"><trade>`),
/// `string`, `number` or `boolean` for scalars.
fn item_name(field: Option<&'static Field>, first: Option<&Value>) -> String {
    let name = match (field.map(|f| (f.kind, f.type_name)), first) {
        (Some((Kind::Object, Some(t))), _) => return snake(t),
        (Some((Kind::Int, _)), _) | (None, Some(Value::Number(_))) => "number",
        (Some((Kind::Bool, _)), _) | (None, Some(Value::Bool(_))) => "boolean",
        (Some((Kind::String | Kind::Json, _)), _) | (None, Some(Value::String(_))) => "string",
        _ => "item",
    };
    name.to_string()
}

/// `GeneralLogisticsDataWriteResponse` -> `general_logistics_data_write_response`.
fn snake(type_name: &str) -> String {
    let mut s = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// Whether `c` may appear in XML 1.0 text.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether XML 1.0 can carry every character of `s`.
pub fn is_xml_text(s: &str) -> bool {
    if s.is_ascii() {
        // Below U+0080 only the C0 controls other than tab, LF and CR are out.
        s.bytes()
            .all(|b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
    } else {
        s.chars().all(is_xml_char)
    }
}

/// A conservative XML element name: a letter or `_`, then letters, digits,
/// `_`, `-` or `.`; no `:` (no namespaces in these answers).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

/// Reads the document whose root is `root` into a JSON value typed by `fields`.
pub fn read_element(text: &str, root: &str, fields: &'static [Field]) -> Result<Value, String> {
    let el = read(text).map_err(|e| match e {
        XmlError::DocType => "a DOCTYPE (entity declarations are refused)".to_string(),
        XmlError::Truncated { open } => format!("the document ends inside <{open}>"),
        XmlError::Syntax(detail) => detail,
        XmlError::NoRoot => "no root element".to_string(),
        XmlError::TooDeep => format!("elements nested more than {MAX_DEPTH} levels"),
    })?;
    if el.name != root {
        return Err(format!("the root element is <{}>, not <{root}>", el.name));
    }
    Ok(Value::Object(object(&el, fields)))
}

impl WriteError {
    /// JSON Pointer of the value that cannot be written.
    pub fn path(&self) -> &str {
        match self {
            WriteError::Name { path, .. }
            | WriteError::NestedList { path }
            | WriteError::TooDeep { path } => path,
            WriteError::Io(_) => "",
        }
    }

    /// What is wrong, in English and Chinese.
    pub fn text(&self) -> (String, String) {
        match self {
            WriteError::Name { name, .. } => (
                format!("`{name}` cannot be an XML element name"),
                format!("“{name}”不能用作 XML 元素名"),
            ),
            WriteError::NestedList { .. } => (
                "a list directly inside a list cannot be written as XML".into(),
                "列表中直接嵌套的列表无法写成 XML".into(),
            ),
            WriteError::TooDeep { .. } => (
                format!("nested more than {MAX_DEPTH} levels"),
                format!("嵌套超过 {MAX_DEPTH} 层"),
            ),
            WriteError::Io(detail) => (
                format!("cannot write the XML: {detail}"),
                format!("无法写出 XML:{detail}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_xml_char, is_xml_text};

    /// The ASCII shortcut says what the character test says, alone and
    /// beside a non-ASCII character (which takes the general path).
    #[test]
    fn xml_text_agrees_with_xml_char() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            assert_eq!(is_xml_text(&format!("a{c}b")), is_xml_char(c), "{b:#x}");
            assert_eq!(is_xml_text(&format!("中{c}")), is_xml_char(c), "{b:#x}");
        }
        assert!(!is_xml_text("中\u{FFFE}"));
    }
}

//! XML bodies in the platform's style, guided by the spec: elements named
//! as documented, a list written as repeated elements (`<package>` inside
//! `<packages>`), values typed by their fields when read back. quick-xml does
//! the escaping and parsing; a DOCTYPE (and so any entity declaration) is
//! refused without being expanded.

use crate::spec::{find_field, Field, Kind};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};

/// Deepest element nesting read.
const MAX_DEPTH: usize = 64;

/// Writes `value` as the element `name` (no XML declaration): known fields in
/// documented order, then any others; text trimmed, escaped, and stripped of
/// characters XML 1.0 does not allow.
pub fn write_element(name: &str, value: &Value, fields: &'static [Field]) -> String {
    let mut w = Writer::new(Vec::new());
    write_value(&mut w, name, value, fields);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn write_value(w: &mut Writer<Vec<u8>>, name: &str, value: &Value, fields: &'static [Field]) {
    // Writing into a Vec cannot fail.
    let _ = match value {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for item in items {
                write_value(w, name, item, fields);
            }
            Ok(())
        }
        Value::Object(map) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for f in fields {
                if let Some(v) = map.get(f.name) {
                    write_value(w, f.name, v, f.fields);
                }
            }
            for (k, v) in map.iter().filter(|(k, _)| find_field(fields, k).is_none()) {
                write_value(w, k, v, &[]);
            }
            w.write_event(Event::End(BytesEnd::new(name)))
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.trim().chars().filter(|c| allowed_in_xml(*c)).collect(),
                other => other.to_string(),
            };
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            let _ = w.write_event(Event::Text(BytesText::new(&text)));
            w.write_event(Event::End(BytesEnd::new(name)))
        }
    };
}

/// XML 1.0's `Char` production.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// An element as read, before typing.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

/// Reads the single root element of a document (declaration, comments and
/// white space around it are allowed).
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                return Err(format!(
                    "a second root element <{}>",
                    String::from_utf8_lossy(e.name().as_ref())
                ));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                stack.push(Element {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    ..Element::default()
                });
            }
            Event::Empty(e) => {
                let el = Element {
                    name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("an end tag without its start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| e.to_string())?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => return Err("text outside the root element".into()),
                }
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                stack
                    .last_mut()
                    .ok_or("text outside the root element")?
                    .text
                    .push_str(&s);
            }
            Event::DocType(_) => return Err("a DOCTYPE (entity declarations are refused)".into()),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("the document ends before its elements are closed".into());
    }
    root.ok_or_else(|| "no root element".into())
}

/// Reads the document whose root is `root` into a JSON value typed by `fields`.
pub fn read_element(text: &str, root: &str, fields: &'static [Field]) -> Result<Value, String> {
    let el = parse(text)?;
    if el.name != root {
        return Err(format!("the root element is <{}>, not <{root}>", el.name));
    }
    Ok(to_value(&el, fields, Kind::Object))
}

/// Types an element by its field: children into an object (lists always
/// arrays, repeated unknown names too), leaves by kind.
pub fn to_value(el: &Element, fields: &'static [Field], kind: Kind) -> Value {
    if el.children.is_empty() && kind != Kind::Object {
        return leaf(el.text.trim(), kind);
    }
    let mut map = Map::new();
    for child in &el.children {
        let field = find_field(fields, &child.name);
        let (kind, sub) = field.map_or((guess_kind(child), &[][..]), |f| (f.kind, f.fields));
        let v = to_value(child, sub, kind);
        let list = field.is_some_and(|f| f.list);
        match map.get_mut(&child.name) {
            Some(Value::Array(items)) if list || field.is_none() => items.push(v),
            Some(prev) if field.is_none() => *prev = Value::Array(vec![prev.take(), v]),
            _ if list => {
                map.insert(child.name.clone(), Value::Array(vec![v]));
            }
            _ => {
                map.insert(child.name.clone(), v);
            }
        }
    }
    Value::Object(map)
}

fn guess_kind(el: &Element) -> Kind {
    if el.children.is_empty() {
        Kind::String
    } else {
        Kind::Object
    }
}

/// A leaf's text as its field's type; text that does not fit stays text, so
/// that validation can say what is wrong with it.
fn leaf(text: &str, kind: Kind) -> Value {
    match kind {
        Kind::Int => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.into())),
        Kind::Bool if text == "true" || text == "false" => Value::Bool(text == "true"),
        _ => Value::String(text.into()),
    }
}

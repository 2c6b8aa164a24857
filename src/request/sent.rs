//! The payload as it is sent, read straight from its JSON text: no value
//! tree, strings borrowed from the text where they hold no escape. JSON and
//! XML bodies are written while their text is read, in one pass ([`json`],
//! [`xml`]); what one pass cannot write as the documented normalisation
//! says (a member named twice, XML members out of the document's order) is
//! written member by member, each object split into its `&RawValue`s.
//!
//! What is sent (the documented normalisation): nulls dropped, aliases
//! (`packageValue`) under their documented names, a single value where a list
//! is allowed wrapped in a list, misplaced fields dropped; unknown keys (only
//! present when validation is skipped) and the values of fields that are not
//! objects stay as given. Duplicate keys read as a JSON object reads them:
//! the last value wins, in the place of the first.

use crate::spec::{field_position, find_field, Field, Kind};
use crate::validate::Key;
use crate::xml::{Pointer, WriteError, XmlOut, MAX_DEPTH as XML_MAX_DEPTH};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// Deepest nesting written as JSON: serde_json's own parse limit, the bound
/// the payload had when it was read into a `Value` (validation off skips the
/// validator's tighter one).
const MAX_DEPTH: usize = 128;

/// A value as it is sent.
#[derive(Clone, Copy)]
pub(crate) enum Sent<'a> {
    /// As given.
    Raw(&'a RawValue),
    /// An object whose members are documented by `fields`: normalised.
    Object(&'a RawValue, &'static [Field]),
    /// The value of the list field `f`: its items, nulls dropped, each
    /// normalised; a single value is the one item.
    List(&'a RawValue, &'static Field),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// The members of an object as sent, in order.
pub(crate) type Members<'a> = Vec<(Cow<'a, str>, Sent<'a>)>;

/// Why a payload cannot be sent: text serde_json would not have read into a
/// `Value` (a number out of range, a lone surrogate, nesting past its limit),
/// or a value XML cannot hold.
#[derive(Debug)]
pub(crate) enum SendError {
    Json(serde_json::Error),
    Xml(WriteError),
}

impl From<serde_json::Error> for SendError {
    fn from(e: serde_json::Error) -> Self {
        SendError::Json(e)
    }
}

impl From<WriteError> for SendError {
    fn from(e: WriteError) -> Self {
        SendError::Xml(e)
    }
}

fn token(raw: &RawValue) -> Token {
    match raw.get().as_bytes().first() {
        Some(b'n') => Token::Null,
        Some(b't' | b'f') => Token::Bool,
        Some(b'"') => Token::String,
        Some(b'[') => Token::Array,
        Some(b'{') => Token::Object,
        _ => Token::Number,
    }
}

impl<'a> Sent<'a> {
    pub(crate) fn token(self) -> Token {
        match self {
            Sent::Raw(raw) => token(raw),
            Sent::Object(..) => Token::Object,
            Sent::List(..) => Token::Array,
        }
    }

    /// The text the value was read from.
    fn text(self) -> &'a str {
        match self {
            Sent::Raw(raw) | Sent::Object(raw, _) | Sent::List(raw, _) => raw.get(),
        }
    }

    /// The items of an array.
    fn items(self) -> Result<Vec<Sent<'a>>, serde_json::Error> {
        Ok(match self {
            Sent::List(raw, f) if token(raw) == Token::Array => raw_items(raw)?
                .into_iter()
                .filter(|v| token(v) != Token::Null)
                .map(|v| item(v, f))
                .collect(),
            Sent::List(raw, f) => vec![item(raw, f)],
            Sent::Raw(raw) => raw_items(raw)?.into_iter().map(Sent::Raw).collect(),
            Sent::Object(..) => Vec::new(),
        })
    }

    /// The members of an object.
    pub(crate) fn members(self) -> Result<Members<'a>, serde_json::Error> {
        match self {
            Sent::Raw(raw) => Ok(raw_members(raw.get())?
                .into_iter()
                .map(|(k, v)| (k, Sent::Raw(v)))
                .collect()),
            Sent::Object(raw, fields) => normalised(raw_members(raw.get())?, fields),
            Sent::List(..) => Ok(Vec::new()),
        }
    }

    /// A string's text, a number or boolean as JSON writes it; `None` for
    /// arrays, objects and null.
    pub(crate) fn scalar_text(self) -> Result<Option<Cow<'a, str>>, serde_json::Error> {
        let Sent::Raw(raw) = self else {
            return Ok(None);
        };
        Ok(match token(raw) {
            Token::String => Some(string(raw)?),
            Token::Number => Some(number(raw)?),
            Token::Bool => Some(Cow::Borrowed(raw.get())),
            Token::Null | Token::Array | Token::Object => None,
        })
    }
}

/// The value of the documented field `f` as sent.
fn field<'a>(raw: &'a RawValue, f: &'static Field) -> Sent<'a> {
    if f.list {
        Sent::List(raw, f)
    } else {
        item(raw, f)
    }
}

/// One value (or list item) of `f`: an object of an object field is normalised.
fn item<'a>(raw: &'a RawValue, f: &'static Field) -> Sent<'a> {
    if f.kind == Kind::Object && token(raw) == Token::Object {
        Sent::Object(raw, f.fields)
    } else {
        Sent::Raw(raw)
    }
}

/// The members of a documented object as sent (see the module comment).
fn normalised<'a>(
    raw: Vec<(Cow<'a, str>, &'a RawValue)>,
    fields: &'static [Field],
) -> Result<Members<'a>, serde_json::Error> {
    let mut out: Members<'a> = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        if token(value) == Token::Null {
            continue;
        }
        let (name, sent) = match find_field(fields, &key) {
            Some(f) if f.misplaced.is_some() => continue,
            Some(f) => (Cow::Borrowed(f.name), field(value, f)),
            None => (key, Sent::Raw(value)),
        };
        // An alias and its documented name both given: the last wins.
        match out.iter_mut().find(|(k, _)| *k == name) {
            Some(member) => member.1 = sent,
            None => out.push((name, sent)),
        }
    }
    Ok(out)
}

/// The payload's members as sent, documented by `fields` (`None`: the
/// payload is not an object, and nothing of it is sent).
pub(crate) fn payload<'a>(
    text: &'a str,
    fields: &'static [Field],
) -> Result<Members<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let members = de.deserialize_any(MembersVisitor { any: true })?;
    de.end()?;
    normalised(members, fields)
}

/// An object's members, duplicate keys collapsed; `any`: another value
/// (read and checked, not kept) is no members.
struct MembersVisitor {
    any: bool,
}

type RawMembers<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = RawMembers<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: RawMembers<'de> = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(Key(key)) = map.next_key()? {
            let value: &RawValue = map.next_value()?;
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(member) => member.1 = value,
                None => out.push((key, value)),
            }
        }
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if !self.any {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Seq,
                &self,
            ));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

fn raw_members(text: &str) -> Result<RawMembers<'_>, serde_json::Error> {
    serde_json::Deserializer::from_str(text).deserialize_map(MembersVisitor { any: false })
}

fn raw_items(raw: &RawValue) -> Result<Vec<&RawValue>, serde_json::Error> {
    serde_json::from_str(raw.get())
}

/// A string token's text: borrowed when it holds no escape (the only way a
/// JSON string can differ from its text).
fn string(raw: &RawValue) -> Result<Cow<'_, str>, serde_json::Error> {
    let t = raw.get();
    if t.contains('\\') {
        serde_json::from_str::<String>(t).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(&t[1..t.len() - 1]))
    }
}

/// A number token as serde_json writes the number it reads: the text itself
/// for a plain integer that fits a u64, else parsed and rewritten (`1E2` is
/// `100.0`, `1e+21` is `1e21`). A fraction or an exponent is read by the
/// standard library, which rounds correctly: serde_json's own reading
/// (without its `float_roundtrip`, 13 KiB more wasm) can miss the last digit
/// of extreme values (`9.549465867632965e-307`), and a number must be sent
/// as it was given.
fn number(raw: &RawValue) -> Result<Cow<'_, str>, serde_json::Error> {
    let t = raw.get();
    if t.len() < 20 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(t));
    }
    let n: serde_json::Number = serde_json::from_str(t)?;
    let exact =
        (n.is_f64().then(|| t.parse().ok()).flatten()).and_then(serde_json::Number::from_f64);
    Ok(Cow::Owned(exact.unwrap_or(n).to_string()))
}

/// `v` as compact JSON text, as serde_json writes the value: normally in
/// one pass over its text ([`JsonPass`]); split member by member instead
/// when an object names a member twice (the last value goes in the first
/// one's place) or a number has a fraction or an exponent ([`number`] reads
/// its text).
pub(crate) fn json(v: Sent) -> Result<String, serde_json::Error> {
    // Compact JSON is rarely longer than the text it is written from.
    let mut out = Vec::with_capacity(v.text().len());
    let shape = match v {
        Sent::Raw(_) => Shape::Any,
        Sent::Object(_, fields) => Shape::Object(fields),
        Sent::List(_, f) => Shape::List(f),
    };
    let by_member = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(v.text());
    let seed = JsonPass {
        out: &mut out,
        shape,
        by_member: &by_member,
    };
    if let Err(e) = seed.deserialize(&mut de) {
        if !by_member.get() {
            return Err(e);
        }
        out.clear();
        write_json(&mut out, v, 0)?;
    }
    // Only UTF-8 (text slices and serde_json's output) was written.
    String::from_utf8(out).map_err(serde::ser::Error::custom)
}

/// What a value is documented as, for [`JsonPass`] and [`XmlPass`].
#[derive(Clone, Copy)]
enum Shape {
    /// As given: every member and item, nulls too.
    Any,
    /// A documented object: normalised (see the module comment).
    Object(&'static [Field]),
    /// The value of the list field `f`: its items without nulls; a single
    /// value is the one item.
    List(&'static Field),
    /// One value of the field `f`: an object of an object field is normalised.
    Item(&'static Field),
}

impl Shape {
    fn of(f: &'static Field) -> Shape {
        if f.list {
            Shape::List(f)
        } else {
            Shape::Item(f)
        }
    }

    /// The fields an object of this shape is normalised by; `None`: an
    /// object here is written as given.
    fn fields(self) -> Option<&'static [Field]> {
        match self {
            Shape::Object(fields) => Some(fields),
            Shape::Item(f) | Shape::List(f) if f.kind == Kind::Object => Some(f.fields),
            _ => None,
        }
    }
}

/// Writes the value it reads as [`write_json`] writes it as sent, while
/// reading. Yields whether the value was not null (a null is written, and
/// left for the caller to take back where nulls are dropped). Sets
/// `by_member` and fails where [`json`] must split member by member.
struct JsonPass<'o, 'r> {
    out: &'o mut Vec<u8>,
    shape: Shape,
    by_member: &'r Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for JsonPass<'_, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl JsonPass<'_, '_> {
    /// A value that is not a list, where a list field wants one: `[value]`.
    fn one_item<E>(self, write: impl FnOnce(JsonPass) -> Result<bool, E>) -> Result<bool, E> {
        let Shape::List(f) = self.shape else {
            return write(self);
        };
        self.out.push(b'[');
        write(JsonPass {
            out: &mut *self.out,
            shape: Shape::Item(f),
            by_member: self.by_member,
        })?;
        self.out.push(b']');
        Ok(true)
    }

    fn scalar<E>(self, text: &[u8]) -> Result<bool, E> {
        self.one_item(|w| {
            w.out.extend_from_slice(text);
            Ok(true)
        })
    }
}

impl<'de> Visitor<'de> for JsonPass<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        self.out.extend_from_slice(b"null");
        Ok(false)
    }
    fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
        self.scalar(if v { b"true" } else { b"false" })
    }
    fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
        self.scalar(itoa::Buffer::new().format(v).as_bytes())
    }
    fn visit_i64<E>(self, v: i64) -> Result<bool, E> {
        self.scalar(itoa::Buffer::new().format(v).as_bytes())
    }
    /// serde_json's reading of a fraction may miss the last digit.
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<bool, E> {
        self.by_member.set(true);
        Err(E::custom("a fraction"))
    }
    /// No escape in the text (serde_json borrows only then): copied as is.
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<bool, E> {
        self.one_item(|w| {
            w.out.push(b'"');
            w.out.extend_from_slice(v.as_bytes());
            w.out.push(b'"');
            Ok(true)
        })
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
        self.one_item(|w| {
            serde_json::to_writer(&mut *w.out, v).map_err(E::custom)?;
            Ok(true)
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        // A list field's items drop their nulls; any other array is as given.
        let (item, drop_nulls) = match self.shape {
            Shape::List(f) => (Shape::Item(f), true),
            _ => (Shape::Any, false),
        };
        self.out.push(b'[');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first {
                self.out.push(b',');
            }
            let seed = JsonPass {
                out: &mut *self.out,
                shape: item,
                by_member: self.by_member,
            };
            match seq.next_element_seed(seed)? {
                None => {
                    self.out.truncate(mark);
                    break;
                }
                Some(false) if drop_nulls => self.out.truncate(mark),
                Some(_) => first = false,
            }
        }
        self.out.push(b']');
        Ok(true)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let by_member = self.by_member;
        self.one_item(|w| {
            let fields = w.shape.fields();
            w.out.push(b'{');
            let mut names: Vec<Cow<str>> = Vec::new();
            let mut written = false;
            while let Some(Key(key)) = map.next_key()? {
                let (name, shape) = match fields.map(|fields| find_field(fields, &key)) {
                    Some(Some(f)) if f.misplaced.is_some() => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    Some(Some(f)) => (Cow::Borrowed(f.name), Shape::of(f)),
                    _ => (key, Shape::Any),
                };
                if names.contains(&name) {
                    by_member.set(true);
                    return Err(serde::de::Error::custom("a member named twice"));
                }
                let mark = w.out.len();
                if written {
                    w.out.push(b',');
                }
                serde_json::to_writer(&mut *w.out, &*name).map_err(serde::de::Error::custom)?;
                w.out.push(b':');
                let seed = JsonPass {
                    out: &mut *w.out,
                    shape,
                    by_member,
                };
                // A documented object drops its null members.
                if !map.next_value_seed(seed)? && fields.is_some() {
                    w.out.truncate(mark);
                } else {
                    written = true;
                }
                names.push(name);
            }
            w.out.push(b'}');
            Ok(true)
        })
    }
}

fn write_json(out: &mut Vec<u8>, v: Sent, depth: usize) -> Result<(), serde_json::Error> {
    if depth > MAX_DEPTH {
        return Err(serde::ser::Error::custom("nested too deeply"));
    }
    match v.token() {
        Token::Object => {
            out.push(b'{');
            for (i, (k, v)) in v.members()?.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, &*k)?;
                out.push(b':');
                write_json(out, v, depth + 1)?;
            }
            out.push(b'}');
        }
        Token::Array => {
            out.push(b'[');
            for (i, v) in v.items()?.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(out, v, depth + 1)?;
            }
            out.push(b']');
        }
        Token::String => match v {
            Sent::Raw(raw) if !raw.get().contains('\\') => {
                out.extend_from_slice(raw.get().as_bytes())
            }
            _ => serde_json::to_writer(&mut *out, &*v.scalar_text()?.unwrap_or_default())?,
        },
        Token::Number | Token::Bool | Token::Null => {
            let text = v.scalar_text()?;
            out.extend_from_slice(text.as_deref().unwrap_or("null").as_bytes());
        }
    }
    Ok(())
}

/// A Qimen request body: `request` as the element `root` (`<request>`);
/// `None` (no request given) is an empty one.
pub(crate) fn xml(
    root: &str,
    request: Option<Sent>,
    fields: &'static [Field],
) -> Result<String, SendError> {
    if let Some(Sent::Object(raw, fields)) = request {
        if let Some(body) = xml_one_pass(root, raw, fields) {
            return Ok(body);
        }
    }
    xml_by_member(root, request, fields)
}

/// [`xml`] written while the request's text is read ([`XmlPass`]); `None`
/// when that cannot match [`xml_by_member`]: members out of the document's
/// order or named twice, or anything the member-by-member writer reports.
fn xml_one_pass(root: &str, raw: &RawValue, fields: &'static [Field]) -> Option<String> {
    let mut out = XmlOut::new(crate::xml::Style::Qimen);
    out.start(root, false, "").ok()?;
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let pass = XmlPass {
        out: &mut out,
        name: root,
        field: None,
        shape: Shape::Object(fields),
        depth: 0,
        item: true,
    };
    pass.deserialize(&mut de).ok()?;
    out.end(root).ok()?;
    Some(out.finish())
}

/// [`xml`] member by member: each object split into its members, which
/// are then put in the document's order.
fn xml_by_member(
    root: &str,
    request: Option<Sent>,
    fields: &'static [Field],
) -> Result<String, SendError> {
    let mut out = XmlOut::new(crate::xml::Style::Qimen);
    let top = Pointer::Text("");
    match request {
        None => {
            out.start(root, false, "")?;
            out.end(root)?;
        }
        Some(v) if v.token() == Token::Object => {
            out.start(root, false, "")?;
            xml_members(&mut out, &v.members()?, fields, &top, 1)?;
            out.end(root)?;
        }
        Some(v) => out.leaf(root, &json(v)?, "")?,
    }
    Ok(out.finish())
}

/// As `XmlOut::members`: documented fields first, in the document's order,
/// then the others; `null` members are left out.
fn xml_members(
    out: &mut XmlOut,
    members: &Members,
    fields: &'static [Field],
    path: &Pointer,
    depth: usize,
) -> Result<(), SendError> {
    let at = |name: &str| members.iter().position(|(k, _)| k == name);
    let mut seen: Vec<usize> = Vec::new();
    for f in fields {
        if let Some(i) = at(f.name).or_else(|| f.aliases.iter().find_map(|a| at(a))) {
            seen.push(i);
            let (k, v) = &members[i];
            xml_member(out, k, *v, find_field(fields, k), path, depth)?;
        }
    }
    for (i, (k, v)) in members.iter().enumerate() {
        if !seen.contains(&i) {
            xml_member(out, k, *v, find_field(fields, k), path, depth)?;
        }
    }
    Ok(())
}

fn xml_member(
    out: &mut XmlOut,
    name: &str,
    v: Sent,
    field: Option<&'static Field>,
    parent: &Pointer,
    depth: usize,
) -> Result<(), SendError> {
    let path = Pointer::Key(parent, name);
    if depth >= XML_MAX_DEPTH {
        return Err(WriteError::TooDeep {
            path: path.to_string(),
        }
        .into());
    }
    match v.token() {
        Token::Null => Ok(()),
        // Qimen style: a list is its items repeated.
        Token::Array => {
            for (i, item) in v.items()?.into_iter().enumerate() {
                let item_path = Pointer::Index(&path, i);
                xml_scalar_or_object(out, name, item, field, &item_path, depth + 1)?;
            }
            Ok(())
        }
        _ => xml_scalar_or_object(out, name, v, field, &path, depth),
    }
}

fn xml_scalar_or_object(
    out: &mut XmlOut,
    name: &str,
    v: Sent,
    field: Option<&'static Field>,
    path: &Pointer,
    depth: usize,
) -> Result<(), SendError> {
    match v.token() {
        Token::Null => Ok(()),
        Token::Object => {
            out.start_at(name, false, path)?;
            let fields = field.map_or(&[][..], |f| f.fields);
            xml_members(out, &v.members()?, fields, path, depth + 1)?;
            Ok(out.end(name)?)
        }
        Token::Array => Err(WriteError::NestedList {
            path: path.to_string(),
        }
        .into()),
        _ => Ok(out.leaf_at(name, &v.scalar_text()?.unwrap_or_default(), path)?),
    }
}

/// Writes the value it reads as the element(s) `name`, as [`xml_member`]
/// (or, for an `item`, [`xml_scalar_or_object`]) writes it, while reading.
/// Any error means: write it member by member instead (which reports it).
struct XmlPass<'a> {
    out: &'a mut XmlOut,
    name: &'a str,
    /// The documented field of the value, whose fields its members are.
    field: Option<&'static Field>,
    shape: Shape,
    depth: usize,
    /// An item of a list (or the root): an array here is an error.
    item: bool,
}

impl<'de> DeserializeSeed<'de> for XmlPass<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if !self.item && self.depth >= XML_MAX_DEPTH {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        d.deserialize_any(self)
    }
}

impl XmlPass<'_> {
    fn leaf<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        (self.out)
            .leaf_at(self.name, text, &Pointer::Text(""))
            .map_err(|_| E::custom("not XML"))
    }
}

impl<'de> Visitor<'de> for XmlPass<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.leaf(if v { "true" } else { "false" })
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.leaf(itoa::Buffer::new().format(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.leaf(itoa::Buffer::new().format(v))
    }
    /// serde_json's reading of a fraction may miss the last digit.
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom("a fraction"))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.leaf(v)
    }

    /// A list at a member's place: its items as repeated elements.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.item {
            return Err(serde::de::Error::custom("a list in a list"));
        }
        let shape = match self.shape {
            Shape::List(f) => Shape::Item(f),
            _ => Shape::Any,
        };
        loop {
            let seed = XmlPass {
                out: &mut *self.out,
                name: self.name,
                field: self.field,
                shape,
                depth: self.depth + 1,
                item: true,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A documented object's members as sent; any other object's as
        // given, its field's fields still deciding their order.
        let normalised = self.shape.fields().is_some();
        let fields = (self.shape.fields()).unwrap_or_else(|| self.field.map_or(&[], |f| f.fields));
        // Only the root is a documented object here; `xml_one_pass` writes
        // its element.
        let root = matches!(self.shape, Shape::Object(_));
        // A single value where a list is allowed is the list's one item.
        let one_item = matches!(self.shape, Shape::List(_)) && !self.item;
        let depth = self.depth + 1 + usize::from(one_item);
        let custom = |_| serde::de::Error::custom("not XML");
        if !root {
            (self.out)
                .start_at(self.name, false, &Pointer::Text(""))
                .map_err(custom)?;
        }
        // Documented members must come in the document's order, before the
        // others, each once: the order `xml_members` writes them in.
        let mut last: Option<usize> = None;
        let mut others: Vec<Cow<str>> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            let at = field_position(fields, &key);
            let field = at.map(|i| &fields[i]);
            if normalised && field.is_some_and(|f| f.misplaced.is_some()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let in_order = match at {
                Some(i) => others.is_empty() && last.is_none_or(|l| l < i),
                None => !others.contains(&key),
            };
            if !in_order {
                return Err(serde::de::Error::custom("out of order"));
            }
            last = at.or(last);
            let name = match field {
                Some(f) if normalised => Cow::Borrowed(f.name),
                Some(_) => key,
                None => {
                    others.push(key.clone());
                    key
                }
            };
            let shape = match field {
                Some(f) if normalised => Shape::of(f),
                _ => Shape::Any,
            };
            map.next_value_seed(XmlPass {
                out: &mut *self.out,
                name: &name,
                field,
                shape,
                depth,
                item: false,
            })?;
        }
        if !root {
            self.out.end(self.name).map_err(custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    /// Every object with null members before and after its own.
    fn with_nulls(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::from_iter([("a0".to_string(), Value::Null)]);
                out.extend(m.iter().map(|(k, v)| (k.clone(), with_nulls(v))));
                out.insert("zz".into(), Value::Null);
                Value::Object(out)
            }
            Value::Array(a) => {
                Value::Array(a.iter().map(with_nulls).chain([Value::Null]).collect())
            }
            other => other.clone(),
        }
    }

    /// Every object's members in the opposite order.
    fn reversed(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .rev()
                    .map(|(k, v)| (k.clone(), reversed(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
            other => other.clone(),
        }
    }

    /// `service_type` last in every `address` (where it is misplaced).
    fn misplaced_last(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out: Map<String, Value> = m
                    .iter()
                    .map(|(k, v)| (k.clone(), misplaced_last(v)))
                    .collect();
                if let Some(Value::Object(address)) = out.get_mut("address") {
                    address.insert("service_type".into(), "1".into());
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    /// Every array replaced by its first item (a single value for a list).
    fn singles(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), singles(v))).collect())
            }
            Value::Array(a) => a.first().map_or(Value::Null, singles),
            other => other.clone(),
        }
    }

    /// The one-pass writer against the member-by-member one on every API's
    /// sample spelt many ways; values as given also against serde_json's
    /// own `Value`.
    #[test]
    fn one_pass_writes_what_member_by_member_writes() {
        for api in crate::apis() {
            let sample = crate::sample::sample(api, 1_700_000_000_000);
            let text = sample.to_string();
            let spellings = [
                text.clone(),
                serde_json::to_string_pretty(&sample).unwrap(),
                with_nulls(&sample).to_string(),
                singles(&sample).to_string(),
                text.replace('_', "\\u005f").replace('/', "\\/"),
                text.replace("\"package\":", "\"packageValue\":"),
                text.replace("\"address\":{", "\"address\":{\"service_type\":\"1\","),
                misplaced_last(&sample).to_string(),
                text.replacen(
                    ":{",
                    r#":{"x":{"b":1E2,"c":[-0,1e+21,12345678901234567890,null,true]},"z":"\"\n\u00e9","#,
                    2,
                ),
                // Named twice, out of order: the member-by-member writers' cases.
                text.replacen(":{", r#":{"x":1,"y":2,"x":null,"#, 2),
                reversed(&sample).to_string(),
            ];
            let (root, fields) = (api.params[0].name, api.params[0].fields);
            for (i, text) in spellings.iter().enumerate() {
                let request = payload(text, api.params)
                    .unwrap()
                    .into_iter()
                    .find_map(|(k, v)| (k == root).then_some(v));
                let by_member = xml_by_member(root, request, fields).unwrap();
                let Some(Sent::Object(raw, fields)) = request else {
                    panic!("{}: no {root} object", api.name);
                };
                match xml_one_pass(root, raw, fields) {
                    Some(one_pass) => assert_eq!(one_pass, by_member, "{}: {text}", api.name),
                    // The plain sample is written in one pass.
                    None => assert!(i > 0, "{}: the sample fell back", api.name),
                }
            }
            // What the member-by-member writer refuses, the one pass leaves to it.
            let deep = format!("{{\"d\":{}1{}}}", "{\"d\":".repeat(70), "}".repeat(70));
            for bad in [deep.as_str(), r#"{"d":[[1]]}"#, r#"{"<":1}"#] {
                let text = format!("{{\"{root}\":{bad}}}");
                let request = payload(&text, api.params)
                    .unwrap()
                    .into_iter()
                    .next()
                    .map(|m| m.1);
                assert!(xml_by_member(root, request, fields).is_err(), "{text}");
                let Some(Sent::Object(raw, fields)) = request else {
                    panic!("{}: no {root} object", api.name);
                };
                assert_eq!(xml_one_pass(root, raw, fields), None, "{text}");
            }
            for text in &spellings {
                for (name, v) in payload(text, api.params).unwrap() {
                    let mut by_member = Vec::new();
                    write_json(&mut by_member, v, 0).unwrap();
                    let one_pass = json(v).unwrap();
                    assert_eq!(
                        one_pass.as_bytes(),
                        by_member,
                        "{}: {name} in {text}",
                        api.name
                    );
                    if let Sent::Raw(raw) = v {
                        let value: Value = serde_json::from_str(raw.get()).unwrap();
                        assert_eq!(one_pass, value.to_string(), "{}: {name}", api.name);
                    }
                }
            }
        }
    }
}

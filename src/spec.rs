//! The declarative model of an API. Each API is one TOML file in `src/apis/`;
//! `build.rs` turns those files into the `static` tables below (and into the
//! typed payload structs in [`crate::types`]), so validation, serialisation,
//! `describe`, JSON Schema and TypeScript all read the same description.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// `router/rest`: form-encoded business parameters, JSON or XML answers.
    Top,
    /// `router/qimen/service`: an XML (or JSON) `<request>` body.
    Qimen,
}

/// The body format of a request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum WireFormat {
    Json,
    Xml,
}

/// A text in Chinese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    /// A JSON integer (TOP `Number`, a Java `Long`).
    Int,
    Bool,
    Object,
    /// A string that holds a JSON object (`extra`, `extend_param`, `attribute`).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Format {
    /// Epoch milliseconds, plausible within `past_days` before and
    /// `future_days` after now.
    EpochMillis {
        past_days: u32,
        future_days: u32,
    },
    /// `yyyy-MM-dd HH:mm:ss`, a real calendar date and time.
    DateTime,
    Latitude,
    Longitude,
    /// A non-negative decimal in a string; `precision` digits in all,
    /// `scale` after the point (0 and 0: unbounded).
    Decimal {
        precision: u8,
        scale: u8,
    },
    /// A non-negative integer in a string.
    Quantity,
    /// Six digits.
    PickupCode,
    /// Mobile, landline, 400/800, privacy number with extension, or masked.
    Phone,
    /// A mainland mobile number (or a masked / privacy one).
    Mobile,
    /// A landline (area code recommended).
    Landline,
    /// An ASCII carrier code such as `ZTO`, never a Chinese company name.
    CarrierCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    pub value: &'static str,
    pub doc: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The wire name, exactly as documented.
    pub name: &'static str,
    /// Other names accepted on input (the seed's `packageValue`).
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    /// A list of `kind`; a single value is accepted where a list is allowed.
    pub list: bool,
    /// `Some(Error)`: required; `Some(Warning)`: recommended; `None`: optional.
    pub required: Option<Level>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    #[serde(rename = "enum")]
    pub enum_values: &'static [EnumValue],
    /// Whether a value outside `enum_values` is an error or a warning.
    pub enum_level: Level,
    pub format: Option<Format>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// For `Json` fields: every value in the object must be a string.
    pub string_values: bool,
    /// Values that are legal but are placeholders, not data (a warning).
    pub placeholders: &'static [&'static str],
    /// For a field the seed puts in the wrong place: where it belongs (a
    /// JSON Pointer). Such a field is never sent.
    pub misplaced: Option<&'static str>,
    /// Children of an `Object` or `Json` field (`describe` writes them with their paths).
    #[serde(skip)]
    pub fields: &'static [Field],
    /// Cross-field rules checked on this object's children.
    pub rules: &'static [Rule],
    /// The Rust/TypeScript type name of an `Object` field.
    pub type_name: Option<&'static str>,
    pub doc: Text,
    /// The integrator's decision where the seed is wrong or unsure.
    pub note: Option<Text>,
    /// The document's example value, as JSON text.
    pub example: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// At least one of the children must be present.
    AtLeastOne {
        fields: &'static [&'static str],
        level: Level,
        doc: Text,
    },
    /// When child `when` equals `equals`, the child path `then` (dotted,
    /// may reach into a JSON-in-a-string child) must be present.
    Requires {
        when: &'static str,
        equals: &'static str,
        then: &'static str,
        level: Level,
        doc: Text,
    },
}

/// Where a response reports a business failure inside a success envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureFlag {
    /// Dotted path of the boolean that is `false` on failure.
    pub flag: &'static str,
    pub code: Option<&'static str>,
    pub message: Option<&'static str>,
    /// Dotted path of a boolean that says whether a retry may succeed.
    pub retry: Option<&'static str>,
}

/// A business error code the document explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResponseCode {
    pub code: &'static str,
    pub doc: Text,
    pub hint: Text,
    pub retryable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseSpec {
    pub fields: &'static [Field],
    pub failures: &'static [FailureFlag],
    pub codes: &'static [ResponseCode],
    /// The document's example response body (XML).
    pub example_xml: &'static str,
}

/// A decision taken where the seed document contradicts itself or is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub path: &'static str,
    pub seed: &'static str,
    pub decision: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Api {
    pub name: &'static str,
    pub protocol: Protocol,
    pub title: Text,
    pub summary: Text,
    /// TypeScript/Rust name of the payload type.
    pub payload_type: &'static str,
    /// The top-level request parameters.
    pub params: &'static [Field],
    /// JSON Pointer of the idempotency key a client keeps across retries.
    pub idempotency_key: Option<&'static str>,
    /// The document's example payload, as JSON text.
    pub example: &'static str,
    pub response: ResponseSpec,
    pub decisions: &'static [Decision],
}

impl Api {
    /// The response envelope's root name: the method without a leading
    /// `taobao.`, dots turned into underscores, then `_response`.
    pub fn response_root(&self) -> String {
        let name = self.name.strip_prefix("taobao.").unwrap_or(self.name);
        format!("{}_response", name.replace('.', "_"))
    }
}

impl Field {
    pub fn child(&self, name: &str) -> Option<&'static Field> {
        find_field(self.fields, name)
    }

    /// Whether `name` is the field's wire name or one of its aliases.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

/// Finds a field by its wire name or one of its aliases.
pub fn find_field(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.is_named(name))
}

/// [`find_field`] with the field's place in `fields` (the document's order).
pub fn field_position(fields: &[Field], name: &str) -> Option<usize> {
    fields.iter().position(|f| f.is_named(name))
}

include!(concat!(env!("OUT_DIR"), "/apis.rs"));

/// Every API this library knows, in the order of `src/apis/`.
pub fn apis() -> &'static [&'static Api] {
    APIS
}

/// Looks an API up by method name; Qimen names also without `taobao.`.
pub fn api(name: &str) -> Option<&'static Api> {
    APIS.iter().copied().find(|a| {
        a.name == name
            || (a.protocol == Protocol::Qimen && a.name.strip_prefix("taobao.") == Some(name))
    })
}

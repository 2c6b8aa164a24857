//! Turns each API description in `src/apis/*.toml` into
//! - `$OUT_DIR/apis.rs`: the `static` spec tables of `src/spec.rs`;
//! - `$OUT_DIR/types.rs`: typed serde structs of payloads and responses
//!   (with tsify derives on wasm32, which give the TypeScript types);
//! - `$OUT_DIR/payloads_ts.rs`: the `Payloads` map for TypeScript.
//!
//! Adding an API means adding one TOML file.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiFile {
    name: String,
    protocol: String,
    title: TextDef,
    summary: TextDef,
    payload_type: String,
    idempotency_key: Option<String>,
    example: String,
    fields: Vec<FieldDef>,
    #[serde(default)]
    decisions: Vec<DecisionDef>,
    response: ResponseDef,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct TextDef {
    zh: String,
    en: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct DecisionDef {
    path: String,
    seed: String,
    zh: String,
    en: String,
}

#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct FieldDef {
    /// Dotted wire names from the payload (or response) root.
    path: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    list: bool,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    recommended: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(rename = "rust")]
    type_name: Option<String>,
    min_length: Option<u32>,
    max_length: Option<u32>,
    #[serde(rename = "enum", default)]
    enum_values: Vec<EnumDef>,
    enum_level: Option<String>,
    format: Option<String>,
    /// `[precision, scale]` for `format = "decimal"`.
    decimal: Option<[u8; 2]>,
    /// For `epoch_millis`: `[days before now, days after now]`.
    plausible_days: Option<[u32; 2]>,
    min: Option<i64>,
    max: Option<i64>,
    #[serde(default)]
    string_values: bool,
    #[serde(default)]
    placeholders: Vec<String>,
    misplaced: Option<String>,
    #[serde(default)]
    at_least_one: Vec<RuleAtLeastOne>,
    #[serde(default)]
    requires: Vec<RuleRequires>,
    zh: String,
    en: String,
    note_zh: Option<String>,
    note_en: Option<String>,
    example: Option<toml::Value>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct EnumDef {
    value: String,
    zh: String,
    en: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RuleAtLeastOne {
    fields: Vec<String>,
    level: Option<String>,
    zh: String,
    en: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RuleRequires {
    when: String,
    equals: String,
    then: String,
    level: Option<String>,
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseDef {
    example_xml: String,
    fields: Vec<FieldDef>,
    #[serde(default)]
    failures: Vec<FailureDef>,
    #[serde(default)]
    codes: Vec<CodeDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailureDef {
    flag: String,
    code: Option<String>,
    message: Option<String>,
    retry: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeDef {
    code: String,
    zh: String,
    en: String,
    hint_zh: String,
    hint_en: String,
    retryable: bool,
}

/// A field with its children, after the flat `path` list is folded.
struct Node {
    def: FieldDef,
    name: String,
    children: Vec<Node>,
}

fn main() {
    let dir = Path::new("src/apis");
    println!("cargo:rerun-if-changed=src/apis");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("src/apis")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();

    let mut apis = String::new();
    let mut types = String::new();
    let mut statics = Vec::new();
    let mut payload_map = String::from("export interface Payloads {\n");
    let mut type_names = BTreeMap::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("read api file");
        let api: ApiFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let ident = path.file_stem().unwrap().to_string_lossy().to_uppercase();
        let params = fold(&api.fields, path);
        let response = fold(&api.response.fields, path);
        check_example_shape(&api.example, path);
        emit_api(&mut apis, &ident, &api, &params, &response);
        emit_types(
            &mut types,
            &api.payload_type,
            &params,
            true,
            &mut type_names,
            path,
        );
        let response_type = format!("{}Response", api.payload_type.trim_end_matches("Payload"));
        emit_types(
            &mut types,
            &response_type,
            &response,
            false,
            &mut type_names,
            path,
        );
        let _ = writeln!(
            types,
            "impl crate::types::ApiPayload for {} {{ const API: &'static str = {:?}; }}\n",
            api.payload_type, api.name
        );
        let _ = writeln!(payload_map, "  {:?}: {};", api.name, api.payload_type);
        statics.push(ident);
    }
    payload_map.push_str(
        "}\n/** The method name of every API. */\nexport type ApiName = keyof Payloads;\n",
    );
    let _ = writeln!(
        apis,
        "static APIS: &[&Api] = &[{}];",
        statics
            .iter()
            .map(|s| format!("&{s}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&out).join("apis.rs"), apis).unwrap();
    std::fs::write(Path::new(&out).join("types.rs"), types).unwrap();
    // For the wasm binding: each API name to its payload type, in TypeScript.
    let section = format!(
        "#[wasm_bindgen(typescript_custom_section)]\nconst PAYLOADS_TS: &'static str = r#\"\n/** Each API's payload type, by method name. */\n{payload_map}\"#;\n"
    );
    std::fs::write(Path::new(&out).join("payloads_ts.rs"), section).unwrap();
}

fn check_example_shape(text: &str, path: &Path) {
    // The example must at least be balanced JSON-looking text; the real
    // check is the test that validates it.
    assert!(
        text.trim_start().starts_with('{'),
        "{}: example must be a JSON object",
        path.display()
    );
}

/// Folds the flat, ordered `path` list into a tree; a parent comes first.
fn fold(defs: &[FieldDef], file: &Path) -> Vec<Node> {
    let mut roots: Vec<Node> = Vec::new();
    for def in defs {
        let parts: Vec<&str> = def.path.split('.').collect();
        let mut level = &mut roots;
        for part in &parts[..parts.len() - 1] {
            level = &mut level
                .iter_mut()
                .find(|n| n.name == *part)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: parent of {} not declared before it",
                        file.display(),
                        def.path
                    )
                })
                .children;
        }
        let name = parts[parts.len() - 1].to_string();
        // The validator relies on these: a key matches at most one field,
        // a known name needs no JSON Pointer escaping, and an object's
        // fields fit the bits of a u64 (src/validate/mod.rs).
        for n in std::iter::once(&name).chain(&def.aliases) {
            assert!(
                !level
                    .iter()
                    .any(|o| o.name == *n || o.def.aliases.contains(n)),
                "{}: {} declared twice",
                file.display(),
                def.path
            );
            assert!(
                !n.contains(['~', '/']),
                "{}: {}: a name with ~ or /",
                file.display(),
                def.path
            );
        }
        assert!(
            level.len() < 64,
            "{}: {}: more than 64 fields in one object",
            file.display(),
            def.path
        );
        level.push(Node {
            def: def.clone(),
            name,
            children: Vec::new(),
        });
    }
    roots
}

fn text(zh: &str, en: &str) -> String {
    format!("Text {{ zh: {zh:?}, en: {en:?} }}")
}

fn level(l: &Option<String>) -> &'static str {
    match l.as_deref() {
        None | Some("error") => "Level::Error",
        Some("warning") => "Level::Warning",
        Some(other) => panic!("unknown level {other}"),
    }
}

fn kind(k: &str) -> &'static str {
    match k {
        "string" => "Kind::String",
        "int" => "Kind::Int",
        "bool" => "Kind::Bool",
        "object" => "Kind::Object",
        "json" => "Kind::Json",
        other => panic!("unknown type {other}"),
    }
}

fn format_expr(d: &FieldDef) -> String {
    let Some(f) = d.format.as_deref() else {
        return "None".into();
    };
    let inner = match f {
        "epoch_millis" => {
            let [past, future] = d.plausible_days.unwrap_or([3650, 1]);
            format!("Format::EpochMillis {{ past_days: {past}, future_days: {future} }}")
        }
        "datetime" => "Format::DateTime".into(),
        "latitude" => "Format::Latitude".into(),
        "longitude" => "Format::Longitude".into(),
        "decimal" => {
            let [p, s] = d.decimal.unwrap_or([0, 0]);
            format!("Format::Decimal {{ precision: {p}, scale: {s} }}")
        }
        "quantity" => "Format::Quantity".into(),
        "pickup_code" => "Format::PickupCode".into(),
        "phone" => "Format::Phone".into(),
        "mobile" => "Format::Mobile".into(),
        "landline" => "Format::Landline".into(),
        "carrier_code" => "Format::CarrierCode".into(),
        other => panic!("unknown format {other}"),
    };
    format!("Some({inner})")
}

fn strs(v: &[String]) -> String {
    format!(
        "&[{}]",
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn opt_str(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

fn field_expr(n: &Node) -> String {
    let d = &n.def;
    let required = if d.required {
        "Some(Level::Error)"
    } else if d.recommended {
        "Some(Level::Warning)"
    } else {
        "None"
    };
    let enums = d
        .enum_values
        .iter()
        .map(|e| {
            // Problem::enum_miss compares values in ASCII lower case.
            assert!(e.value.is_ascii(), "enum value {:?} is not ASCII", e.value);
            format!(
                "EnumValue {{ value: {:?}, doc: {} }}",
                e.value,
                text(&e.zh, &e.en)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut rules: Vec<String> = d
        .at_least_one
        .iter()
        .map(|r| {
            format!(
                "Rule::AtLeastOne {{ fields: {}, level: {}, doc: {} }}",
                strs(&r.fields),
                level(&r.level),
                text(&r.zh, &r.en)
            )
        })
        .collect();
    // The validator keeps only the enum value a field matched, for these rules.
    for r in &d.requires {
        assert!(
            n.children
                .iter()
                .any(|c| c.name == r.when && c.def.enum_values.iter().any(|e| e.value == r.equals)),
            "{}: requires: {} = {} is not one of its enum values",
            d.path,
            r.when,
            r.equals
        );
    }
    rules.extend(d.requires.iter().map(|r| {
        format!(
            "Rule::Requires {{ when: {:?}, equals: {:?}, then: {:?}, level: {}, doc: {} }}",
            r.when,
            r.equals,
            r.then,
            level(&r.level),
            text(&r.zh, &r.en)
        )
    }));
    let note = match (&d.note_zh, &d.note_en) {
        (Some(zh), Some(en)) => format!("Some({})", text(zh, en)),
        (None, None) => "None".into(),
        _ => panic!("{}: note_zh and note_en go together", d.path),
    };
    let example = d.example.as_ref().map(toml_to_json);
    let misplaced = d
        .misplaced
        .as_ref()
        .map(|p| format!("/{}", p.replace('.', "/")));
    format!(
        "Field {{ name: {:?}, aliases: {}, kind: {}, list: {}, required: {}, min_length: {:?}, max_length: {:?}, \
         enum_values: &[{}], enum_level: {}, format: {}, min: {:?}, max: {:?}, string_values: {}, placeholders: {}, \
         misplaced: {}, fields: &[{}], rules: &[{}], type_name: {}, doc: {}, note: {}, example: {} }}",
        n.name,
        strs(&d.aliases),
        kind(&d.kind),
        d.list,
        required,
        d.min_length,
        d.max_length,
        enums,
        level(&d.enum_level),
        format_expr(d),
        d.min,
        d.max,
        d.string_values,
        strs(&d.placeholders),
        opt_str(&misplaced),
        n.children.iter().map(field_expr).collect::<Vec<_>>().join(",\n"),
        rules.join(", "),
        opt_str(&d.type_name),
        text(&d.zh, &d.en),
        note,
        opt_str(&example),
    )
}

fn toml_to_json(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => panic!("examples are scalars, not {other:?}"),
    }
}

fn emit_api(out: &mut String, ident: &str, api: &ApiFile, params: &[Node], response: &[Node]) {
    let protocol = match api.protocol.as_str() {
        "top" => "Protocol::Top",
        "qimen" => "Protocol::Qimen",
        other => panic!("unknown protocol {other}"),
    };
    let failures = api
        .response
        .failures
        .iter()
        .map(|f| {
            format!(
                "FailureFlag {{ flag: {:?}, code: {}, message: {}, retry: {} }}",
                f.flag,
                opt_str(&f.code),
                opt_str(&f.message),
                opt_str(&f.retry)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let codes = api
        .response
        .codes
        .iter()
        .map(|c| {
            format!(
                "ResponseCode {{ code: {:?}, doc: {}, hint: {}, retryable: {} }}",
                c.code,
                text(&c.zh, &c.en),
                text(&c.hint_zh, &c.hint_en),
                c.retryable
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let decisions = api
        .decisions
        .iter()
        .map(|d| {
            format!(
                "Decision {{ path: {:?}, seed: {:?}, decision: {} }}",
                d.path,
                d.seed,
                text(&d.zh, &d.en)
            )
        })
        .collect::<Vec<_>>()
        .join(",\n");
    let _ = writeln!(
        out,
        "pub static {ident}: Api = Api {{ name: {:?}, protocol: {protocol}, title: {}, summary: {}, payload_type: {:?}, \
         params: &[{}], idempotency_key: {}, example: {:?}, \
         response: ResponseSpec {{ fields: &[{}], failures: &[{failures}], codes: &[{codes}], example_xml: {:?} }}, \
         decisions: &[{decisions}] }};\n",
        api.name,
        text(&api.title.zh, &api.title.en),
        text(&api.summary.zh, &api.summary.en),
        api.payload_type,
        params.iter().map(field_expr).collect::<Vec<_>>().join(",\n"),
        opt_str(&api.idempotency_key),
        api.example,
        response.iter().map(field_expr).collect::<Vec<_>>().join(",\n"),
        api.response.example_xml,
    );
}

/// Emits one struct for `name` with `nodes` as its fields, and recursively one
/// for every object child. Misplaced fields are not part of the types.
fn emit_types(
    out: &mut String,
    name: &str,
    nodes: &[Node],
    is_request: bool,
    seen: &mut BTreeMap<String, String>,
    file: &Path,
) {
    if let Some(prev) = seen.insert(name.to_string(), file.display().to_string()) {
        panic!("type {name} declared by {prev} and {}", file.display());
    }
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]"
    );
    let _ = writeln!(
        out,
        "#[cfg_attr(target_arch = \"wasm32\", derive(tsify::Tsify))]"
    );
    let _ = writeln!(out, "pub struct {name} {{");
    let mut nested = Vec::new();
    for n in nodes.iter().filter(|n| n.def.misplaced.is_none()) {
        let d = &n.def;
        let base = match d.kind.as_str() {
            "string" | "json" => "String".to_string(),
            "int" => "i64".to_string(),
            "bool" => "bool".to_string(),
            "object" => {
                let t = d.type_name.clone().unwrap_or_else(|| {
                    panic!(
                        "{}: object {} needs `rust = \"TypeName\"`",
                        file.display(),
                        d.path
                    )
                });
                nested.push((t.clone(), n));
                t
            }
            other => panic!("unknown type {other}"),
        };
        let ty = if d.list { format!("Vec<{base}>") } else { base };
        // Requests: required fields are plain, so TypeScript demands them.
        // Responses: every field may be missing.
        let optional = !(is_request && d.required);
        let _ = writeln!(
            out,
            "    /// {} / {}",
            d.zh.replace('\n', " "),
            d.en.replace('\n', " ")
        );
        let _ = writeln!(
            out,
            "    #[serde(rename = {:?}{})]",
            n.name,
            aliases(&d.aliases)
        );
        if d.list {
            let _ = writeln!(
                out,
                "    #[serde(deserialize_with = \"crate::types::one_or_many\", default)]"
            );
        }
        let field = rust_ident(&n.name);
        if optional {
            if d.list {
                let _ = writeln!(out, "    #[serde(skip_serializing_if = \"Vec::is_empty\")]");
                let _ = writeln!(
                    out,
                    "    #[cfg_attr(target_arch = \"wasm32\", tsify(optional))]"
                );
                let _ = writeln!(out, "    pub {field}: {ty},");
            } else {
                let _ = writeln!(
                    out,
                    "    #[serde(skip_serializing_if = \"Option::is_none\", default)]"
                );
                let _ = writeln!(
                    out,
                    "    #[cfg_attr(target_arch = \"wasm32\", tsify(optional))]"
                );
                let _ = writeln!(out, "    pub {field}: Option<{ty}>,");
            }
        } else {
            let _ = writeln!(out, "    pub {field}: {ty},");
        }
    }
    let _ = writeln!(out, "}}\n");
    for (t, n) in nested {
        emit_types(out, &t, &n.children, is_request, seen, file);
    }
}

fn aliases(a: &[String]) -> String {
    a.iter().map(|s| format!(", alias = {s:?}")).collect()
}

fn rust_ident(name: &str) -> String {
    let mut s = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    match s.as_str() {
        "type" | "ref" | "match" | "move" | "use" => format!("r#{s}"),
        _ => s,
    }
}

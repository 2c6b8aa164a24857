//! What forms, docs and tools read about an API: `apis()` and `describe(api)`.

use crate::spec::{Api, Protocol, Text};
use serde::Serialize;

/// One line of `apis()`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ApiInfo {
    pub name: &'static str,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"top\" | \"qimen\""))]
    pub protocol: Protocol,
    #[cfg_attr(target_arch = "wasm32", tsify(type = "{ zh: string; en: string }"))]
    pub title: Text,
    /// The top-level request parameters, by wire name.
    pub params: Vec<&'static str>,
}

pub fn api_list() -> Vec<ApiInfo> {
    crate::spec::apis().iter().map(|a| info(a)).collect()
}

fn info(api: &'static Api) -> ApiInfo {
    ApiInfo {
        name: api.name,
        protocol: api.protocol,
        title: api.title,
        params: api.params.iter().map(|f| f.name).collect(),
    }
}

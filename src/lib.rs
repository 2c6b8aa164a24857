//! top-logistics: validate, serialise, sign and parse requests for five
//! Taobao Open Platform (TOP) and Qimen logistics APIs. The core does no I/O
//! and compiles natively; `wasm.rs` is the thin WebAssembly binding.

pub mod describe;
pub mod request;
pub mod response;
pub mod sample;
pub mod sign;
pub mod spec;
pub mod time;
pub mod types;
pub mod validate;
pub mod xml;

pub use spec::{api, apis, Api, Protocol};

/// The WebAssembly binding (public so that the wasm tests can call the exports).
#[cfg(target_arch = "wasm32")]
pub mod wasm;

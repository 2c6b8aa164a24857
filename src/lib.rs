//! top-logistics: validate, serialise, sign and parse requests for five
//! Taobao Open Platform (TOP) and Qimen logistics APIs. The core does no I/O
//! and compiles natively; `wasm.rs` is the thin WebAssembly binding.

pub mod describe;
pub mod spec;
pub mod types;

pub use spec::{api, apis, Api, Protocol};

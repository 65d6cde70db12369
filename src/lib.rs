//! raftlab: the Raft lab that runs in a web page.
//!
//! A complete, checked Raft consensus core ([`raft`]), the replicated key-value state machine
//! it drives ([`kv`]) and the checkers that prove each run safe ([`check`]), compiled to
//! WebAssembly and exposed to the browser through one facade ([`wasm`]). Everything below the facade is deterministic and sans-IO: no clock, no OS
//! randomness, no web API.
#![deny(missing_docs)]

pub mod check;
pub mod collections;
pub mod debug_text;
pub mod float_text;
pub mod json;
pub mod kv;
pub mod raft;
pub mod scenario;
pub mod sim;
pub mod wasm;

//! Checkers that watch the virtual cluster: Raft's safety properties after every event, and
//! linearizability of the clients' history.
//!
//! A checker only reads what it checks; it never changes the world.

pub mod facts;
pub mod history;
pub mod linearizability;
pub mod safety;

//! The Raft consensus core: a pure, deterministic state machine per server.

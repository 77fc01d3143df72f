//! Benchmark support for chatwire: deterministic corpus generators shared by the criterion
//! benches (see `BENCHMARKS.md`).

pub mod corpus;

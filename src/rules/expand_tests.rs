//! Unit and property tests of `expand`.

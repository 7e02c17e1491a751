//! Unit tests of `check` (validation).

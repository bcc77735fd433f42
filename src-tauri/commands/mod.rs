//! The IPC surface: one file per area, each command a few lines.

pub mod sandbox;

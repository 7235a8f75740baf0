pub mod config;
pub mod extract;

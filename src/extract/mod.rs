//! Extraction: the bytes of a page in, an [`article::Article`] out.

pub mod article;
pub mod author;
pub mod dates;
pub mod decode;
pub mod jsonld;
pub mod lang;
pub mod markers;
pub mod metadata;
mod title;

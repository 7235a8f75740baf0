//! Extraction: the bytes of a page in, an [`article::Article`] out.

pub mod article;
pub mod dates;
pub mod decode;
pub mod lang;
pub mod markers;

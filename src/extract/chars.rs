//! Cutting text at character boundaries: the searches bound what they read by characters
//! or bytes, and a `&str` may only be cut between characters.

/// The first `max` characters of `text`.
pub fn prefix_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The last `n` characters of `text`.
pub fn tail_chars(text: &str, n: usize) -> &str {
    match text.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((at, _)) => &text[at..],
        None => text,
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_between_characters() {
        assert_eq!(prefix_chars("Впервые", 3), "Впе");
        assert_eq!(prefix_chars("abc", 5), "abc");
        assert_eq!(tail_chars("ilk dəfə", 4), "dəfə");
        assert_eq!(tail_chars("ab", 5), "ab");
        // "ə" is two bytes: a cut inside it steps back.
        assert_eq!(prefix_bytes("dəfə", 2), "d");
        assert_eq!(prefix_bytes("dəfə", 3), "də");
    }
}

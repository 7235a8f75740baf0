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

/// The last `n` characters of `text` as a browser shows them, a run of white space
/// counting as one: a template's indentation does not push a label out of reach.
pub fn tail_visible_chars(text: &str, n: usize) -> &str {
    let mut count = 0;
    let mut after_space = false;
    for (at, c) in text.char_indices().rev() {
        let space = c.is_whitespace();
        if !(space && after_space) {
            count += 1;
            if count > n {
                return &text[at + c.len_utf8()..];
            }
        }
        after_space = space;
    }
    text
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
        // White space runs count once.
        assert_eq!(
            tail_visible_chars("posted\n\t\t\t\t on ", 10),
            "posted\n\t\t\t\t on "
        );
        assert_eq!(
            tail_visible_chars("was posted\n\t\t on ", 10),
            "posted\n\t\t on "
        );
        assert_eq!(tail_visible_chars("ilk dəfə", 4), "dəfə");
        // "ə" is two bytes: a cut inside it steps back.
        assert_eq!(prefix_bytes("dəfə", 2), "d");
        assert_eq!(prefix_bytes("dəfə", 3), "də");
    }
}

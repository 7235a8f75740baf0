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

/// Where each character of `text` a browser shows starts, from the end: a run of white
/// space is one character (its last).
fn visible_from_end(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut after_space = false;
    text.char_indices().rev().filter(move |&(_, c)| {
        let space = c.is_whitespace();
        let shown = !(space && after_space);
        after_space = space;
        shown
    })
}

/// Characters of `text` as a browser shows them, a run of white space counting as one: a
/// template's indentation between "posted" and "on Tuesday" is not a gap.
pub fn visible_chars(text: &str) -> usize {
    visible_from_end(text).count()
}

/// The last `n` characters of `text` as a browser shows them (see [`visible_chars`]): a
/// template's indentation does not push a label out of reach.
pub fn tail_visible_chars(text: &str, n: usize) -> &str {
    match visible_from_end(text).nth(n) {
        Some((at, c)) => &text[at + c.len_utf8()..],
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
        assert_eq!(visible_chars("posted\n\t\t\t\t on "), 10);
        assert_eq!(visible_chars(""), 0);
        // "ə" is two bytes: a cut inside it steps back.
        assert_eq!(prefix_bytes("dəfə", 2), "d");
        assert_eq!(prefix_bytes("dəfə", 3), "də");
    }
}

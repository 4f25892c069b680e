//! How deep a rule file nests, measured before the parser descends: pest (and every
//! later stage walking the tree) recurses once per bracket, `not` or leading `-`, so
//! a file nesting thousands of them would overflow the stack. [`too_deep`] scans the
//! text once, without recursion, and finds the first token past [`NESTING_LIMIT`].
//!
//! The count is an upper bound of the parser's depth: every open bracket is a level,
//! and so is every prefix `not` or `-` until a binary operator, a comma or a keyword
//! ends the operand it applies to. Strings and comments are skipped.

use super::ast::Span;

/// The deepest nesting of brackets and prefix operators a rule file may have.
pub const NESTING_LIMIT: usize = 64;

/// The deepest tree of operators one expression may build (chains of `or`, `and`,
/// `+`, `*` … add one level per operator), so that checking, compiling, evaluating and
/// dropping an expression, which recurse over the tree, stay within any thread's stack.
pub const EXPRESSION_LIMIT: usize = 256;

/// The span of the first token nested deeper than [`NESTING_LIMIT`], if any.
pub(crate) fn too_deep(text: &str) -> Option<Span> {
    // Prefix operators pending in each open bracket, the outermost first.
    let mut frames: Vec<usize> = vec![0];
    let mut depth = 0usize;
    // Whether the last token ends a value, so that a `-` after it is binary.
    let mut after_value = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                while chars.peek().is_some_and(|(_, n)| *n != '\n') {
                    chars.next();
                }
            }
            '"' => {
                while let Some((_, n)) = chars.next() {
                    match n {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
                after_value = true;
            }
            '(' | '[' | '{' => {
                frames.push(0);
                depth += 1;
                after_value = false;
                if depth > NESTING_LIMIT {
                    return Some(Span::new(at, at + 1));
                }
            }
            ')' | ']' | '}' => {
                if frames.len() > 1 {
                    let pending = frames.pop().unwrap_or(0);
                    depth -= pending + 1;
                }
                after_value = true;
            }
            '-' if !after_value => {
                if let Some(top) = frames.last_mut() {
                    *top += 1;
                }
                depth += 1;
                if depth > NESTING_LIMIT {
                    return Some(Span::new(at, at + 1));
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some((i, n)) = chars.peek().copied() {
                    if n.is_alphanumeric() || n == '_' {
                        end = i + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                match &text[at..end] {
                    "not" => {
                        if let Some(top) = frames.last_mut() {
                            *top += 1;
                        }
                        depth += 1;
                        after_value = false;
                        if depth > NESTING_LIMIT {
                            return Some(Span::new(at, end));
                        }
                    }
                    "and" | "or" | "is" | "in" | "where" | "when" | "to" => {
                        end_operand(&mut frames, &mut depth);
                        after_value = false;
                    }
                    _ => after_value = true,
                }
            }
            c if c.is_whitespace() => {}
            '.' | '%' => {}
            _ => {
                // `+ - * / == != < > , : = ?` and anything else: an operand ends.
                end_operand(&mut frames, &mut depth);
                after_value = false;
            }
        }
    }
    None
}

/// A binary operator or separator: the prefix operators of the current bracket have
/// their operand.
fn end_operand(frames: &mut [usize], depth: &mut usize) {
    if let Some(top) = frames.last_mut() {
        *depth -= *top;
        *top = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<usize> {
        too_deep(text).map(|s| s.start)
    }

    #[test]
    fn nesting_up_to_the_limit_passes() {
        let n = NESTING_LIMIT;
        assert_eq!(at(&format!("{}x{}", "(".repeat(n), ")".repeat(n))), None);
        assert_eq!(at(&format!("{}x", "not ".repeat(n))), None);
        assert_eq!(at(&format!("{}1", "-".repeat(n))), None);
    }

    #[test]
    fn the_first_token_past_the_limit_is_placed() {
        let n = NESTING_LIMIT;
        assert_eq!(at(&"(".repeat(1000)), Some(n));
        assert_eq!(at(&"not ".repeat(1000)), Some(4 * n));
        assert_eq!(at(&format!("when {}", "-".repeat(1000))), Some(5 + n));
        assert_eq!(at(&"not (".repeat(1000)), Some(5 * (n / 2)));
    }

    #[test]
    fn chains_and_closed_brackets_do_not_add_up() {
        let many = "not (a) and -(1) - -1 or f(x, y) and [1, 2] == b // ((((\n".repeat(2000);
        assert_eq!(at(&many), None);
        assert_eq!(at(&format!("\"{}\" x", "(".repeat(1000))), None);
    }
}

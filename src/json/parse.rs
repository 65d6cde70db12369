//! The text parser: RFC 8259 JSON into a [`Json`] tree, without recursion (so no input can
//! overflow the stack), keeping values down to [`MAX_DEPTH`] levels and checking the syntax of
//! everything below without storing it.

use super::{Json, Number, MAX_DEPTH};

/// A syntax error: 1-based line and column (in characters) and what the parser expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, e.g. "EOF while parsing an object".
    pub reason: &'static str,
}

/// A container being filled.
enum Frame {
    Array(Vec<Json>),
    /// The entries so far and the key of the value being parsed.
    Object(Vec<(String, Json)>, String),
    /// A container nested deeper than [`MAX_DEPTH`]: checked, not kept; its closing byte.
    Skip(u8),
}

impl Frame {
    fn closer(&self) -> u8 {
        match self {
            Frame::Array(_) => b']',
            Frame::Object(..) => b'}',
            Frame::Skip(c) => *c,
        }
    }

    fn push(&mut self, v: Json) {
        match self {
            Frame::Array(a) => a.push(v),
            Frame::Object(o, key) => o.push((std::mem::take(key), v)),
            Frame::Skip(_) => {}
        }
    }

    fn close(self) -> Json {
        match self {
            Frame::Array(a) => Json::Array(a),
            Frame::Object(o, _) => Json::Object(o),
            Frame::Skip(_) => Json::TooDeep,
        }
    }
}

/// What a byte that opens a value began.
enum Start {
    /// A complete value.
    Value(Json),
    /// A non-empty container: its values follow.
    Open(Frame),
}

/// Parses a whole document (one value, surrounded by optional white space).
pub fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut p = Parser {
        text: text.as_bytes(),
        pos: 0,
    };
    p.document().map_err(|reason| p.error(reason))
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

type Step<T> = Result<T, &'static str>;

impl<'a> Parser<'a> {
    fn document(&mut self) -> Step<Json> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let mut value = match self.start(stack.len())? {
                Start::Open(frame) => {
                    stack.push(frame);
                    continue;
                }
                Start::Value(v) => v,
            };
            // A complete value: hand it to its container, closing every container it ends.
            loop {
                let Some(top) = stack.last_mut() else {
                    self.skip_ws();
                    return match self.peek() {
                        None => Ok(value),
                        Some(_) => Err("trailing characters"),
                    };
                };
                top.push(value);
                self.skip_ws();
                let closer = top.closer();
                match self.next_byte() {
                    Some(b',') if closer == b']' => {
                        self.skip_ws();
                        if self.peek() == Some(b']') {
                            return Err("trailing comma");
                        }
                        break;
                    }
                    Some(b',') => {
                        let key = self.key()?;
                        if let Frame::Object(_, k) = top {
                            *k = key;
                        }
                        break;
                    }
                    Some(c) if c == closer => {
                        value = stack.pop().map_or(Json::Null, Frame::close);
                    }
                    None if closer == b']' => return Err("EOF while parsing a list"),
                    None => return Err("EOF while parsing an object"),
                    Some(_) if closer == b']' => return Err("expected `,` or `]`"),
                    Some(_) => return Err("expected `,` or `}`"),
                }
            }
        }
    }

    /// Reads the start of a value at nesting `depth`.
    fn start(&mut self, depth: usize) -> Step<Start> {
        self.skip_ws();
        let keep = depth < MAX_DEPTH;
        match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Start::Value(if keep {
                        Json::Array(Vec::new())
                    } else {
                        Json::TooDeep
                    }));
                }
                Ok(Start::Open(if keep {
                    Frame::Array(Vec::new())
                } else {
                    Frame::Skip(b']')
                }))
            }
            Some(b'{') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Start::Value(if keep {
                        Json::Object(Vec::new())
                    } else {
                        Json::TooDeep
                    }));
                }
                let key = self.key_here()?;
                Ok(Start::Open(if keep {
                    Frame::Object(Vec::new(), key)
                } else {
                    Frame::Skip(b'}')
                }))
            }
            _ => self.scalar().map(Start::Value),
        }
    }

    /// After a comma in an object: the next key and its colon.
    fn key(&mut self) -> Step<String> {
        self.skip_ws();
        match self.peek() {
            Some(b'}') => Err("trailing comma"),
            _ => self.key_here(),
        }
    }

    fn key_here(&mut self) -> Step<String> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err("EOF while parsing an object"),
            Some(_) => return Err("key must be a string"),
        }
        let key = self.string()?;
        self.skip_ws();
        match self.next_byte() {
            Some(b':') => Ok(key),
            None => Err("EOF while parsing an object"),
            Some(_) => Err("expected `:`"),
        }
    }

    fn scalar(&mut self) -> Step<Json> {
        match self.peek() {
            None => Err("EOF while parsing a value"),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(_) => Err("expected value"),
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Step<Json> {
        let end = self.pos + word.len();
        if self.text.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(v)
        } else if end > self.text.len() && word.as_bytes().starts_with(&self.text[self.pos..]) {
            Err("EOF while parsing a value")
        } else {
            Err("expected ident")
        }
    }

    /// A string at `pos` (which is `"`), escapes decoded.
    fn string(&mut self) -> Step<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(&b) = self.text.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Safe to slice: the run stops only at ASCII bytes, so it ends on a char boundary.
            out.push_str(
                std::str::from_utf8(&self.text[run..self.pos]).map_err(|_| "invalid UTF-8")?,
            );
            match self.next_byte() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return Err("control character (\\u0000-\\u001F) found while parsing a string")
                }
                None => return Err("EOF while parsing a string"),
            }
        }
    }

    fn escape(&mut self) -> Step<char> {
        Ok(match self.next_byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            None => return Err("EOF while parsing a string"),
            Some(_) => return Err("invalid escape"),
        })
    }

    fn unicode_escape(&mut self) -> Step<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.next_byte() != Some(b'\\') || self.next_byte() != Some(b'u') {
                    return Err("lone leading surrogate in hex escape");
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err("lone leading surrogate in hex escape");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err("lone trailing surrogate in hex escape"),
            c => c,
        };
        char::from_u32(code).ok_or("invalid unicode code point")
    }

    fn hex4(&mut self) -> Step<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let d = match self.next_byte() {
                None => return Err("EOF while parsing a string"),
                Some(b) => (b as char).to_digit(16).ok_or("invalid escape")?,
            };
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// A number: an integer (`u64`, or `i64` when negative) when it fits, else a float.
    fn number(&mut self) -> Step<Number> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int = self.digits();
        if int.is_empty() {
            return Err(if self.peek().is_none() {
                "EOF while parsing a value"
            } else {
                "invalid number"
            });
        }
        if int.len() > 1 && int[0] == b'0' {
            return Err("invalid number");
        }
        let mut frac: &[u8] = &[];
        if self.peek() == Some(b'.') {
            self.pos += 1;
            frac = self.digits();
            if frac.is_empty() {
                return Err("invalid number");
            }
        }
        let exp = self.exponent()?;
        if frac.is_empty() && exp.is_none() {
            if let Some(n) = integer(int, negative) {
                return Ok(n);
            }
        }
        let f = decimal_to_f64(int, frac, exp.unwrap_or(0)).ok_or("number out of range")?;
        Ok(Number::Float(if negative { -f } else { f }))
    }

    fn digits(&mut self) -> &'a [u8] {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let text: &'a [u8] = self.text;
        &text[start..self.pos]
    }

    /// The decimal exponent after `e`/`E`, if any (saturated far beyond any finite f64).
    fn exponent(&mut self) -> Step<Option<i64>> {
        if !matches!(self.peek(), Some(b'e' | b'E')) {
            return Ok(None);
        }
        self.pos += 1;
        let negative = match self.peek() {
            Some(b'-') => true,
            Some(b'+') => false,
            _ => false,
        };
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let digits = self.digits();
        if digits.is_empty() {
            return Err("invalid number");
        }
        let e = digits
            .iter()
            .fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(1_000_000));
        Ok(Some(if negative { -e } else { e }))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// The position of the last byte read (or of the end), as line and column.
    fn error(&self, reason: &'static str) -> SyntaxError {
        let at = self.pos.min(self.text.len());
        let before = &self.text[..at];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        SyntaxError {
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            column: column.max(1),
            reason,
        }
    }
}

/// An integer literal as `u64` (or `i64` when negative), `None` when it does not fit.
fn integer(digits: &[u8], negative: bool) -> Option<Number> {
    let mut v: u64 = 0;
    for d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if !negative {
        return Some(Number::PosInt(v));
    }
    if v <= 1 << 63 {
        Some(Number::NegInt((v as i64).wrapping_neg()))
    } else {
        None
    }
}

/// Exact powers of ten as f64 (10^22 is the largest exactly representable one).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `int.frac × 10^exp` as a positive f64; `None` when it overflows.
///
/// Up to 19 significant digits are kept. When the digits fit 2^53 and the scale is at most
/// 10^22 the result is correctly rounded (one exact operation); otherwise it is computed by a
/// fixed sequence of IEEE operations, so it is the same on every platform (native and wasm),
/// within a few units in the last place of the exact value.
fn decimal_to_f64(int: &[u8], frac: &[u8], exp: i64) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut scale = exp;
    let mut kept = 0;
    for (i, &d) in int.iter().chain(frac).enumerate() {
        let is_frac = i >= int.len();
        if mantissa == 0 && d == b'0' {
            // Leading zeros carry no precision.
            if is_frac {
                scale -= 1;
            }
            continue;
        }
        if kept < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            kept += 1;
            if is_frac {
                scale -= 1;
            }
        } else if !is_frac {
            scale += 1;
        }
    }
    if mantissa == 0 {
        return Some(0.0);
    }
    let mut f = mantissa as f64;
    if mantissa < 1 << 53 && (-22..=22).contains(&scale) {
        let p = POW10[scale.unsigned_abs() as usize];
        return Some(if scale < 0 { f / p } else { f * p });
    }
    let mut e = scale;
    while e > 22 {
        f *= 1e22;
        e -= 22;
    }
    while e < -22 {
        f /= 1e22;
        e += 22;
    }
    let p = POW10[e.unsigned_abs() as usize];
    f = if e < 0 { f / p } else { f * p };
    f.is_finite().then_some(f)
}

//! Floats written exactly as Rust's `Display` writes them (`0.5`, `-0`, `1000000`, `NaN`,
//! `inf`), without core's float formatter. The shortest digits come from `zmij` (already
//! linked for serde_json) and are laid out here in plain notation: core's `flt2dec` (Grisu with
//! a Dragon fallback, ≈ 20 KB) then stays out of the page's wasm (issue 6, sizes). Only error
//! texts use it; no simulation state is ever formatted through it.

use std::fmt;

use crate::debug_text::Quoted;

/// `v` as `format!("{}", v)` writes it, digit for digit (width and alignment are honoured; a
/// precision is not used anywhere and would cut the text, not round the number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&text(self.0))
    }
}

/// `v` in the words of `v.to_string()`.
pub fn text(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    let mut out = String::with_capacity(24);
    if v.is_sign_negative() {
        out.push('-');
    }
    if v.is_infinite() {
        out.push_str("inf");
        return out;
    }
    let mut buffer = zmij::Buffer::new();
    let (mut digits, point) = decimal(buffer.format_finite(v.abs()).as_bytes());
    if is_upper_half(v.abs(), &digits, point) {
        // zmij breaks a tie between two shortest candidates towards the even one; Rust's
        // formatter takes the upper one (the last digit is even, so no carry).
        if let Some(last) = digits.last_mut() {
            *last += 1;
        }
    }
    plain(&mut out, &digits, point);
    out
}

/// The significant digits (ASCII) of a non-negative decimal given as `d.ddd`, `ddd` or
/// `d.ddde±x` (how zmij and JavaScript print shortest digits), without leading or trailing
/// zeros, and where the decimal point falls counted from their start (`0.012` is `("12", -1)`).
fn decimal(text: &[u8]) -> (Vec<u8>, i32) {
    let mut digits = Vec::with_capacity(24);
    let (mut point, mut fraction) = (0i32, false);
    let mut bytes = text.iter();
    for &b in bytes.by_ref() {
        match b {
            b'.' => fraction = true,
            b'e' | b'E' => break,
            _ => {
                point += i32::from(!fraction);
                if digits.is_empty() && b == b'0' {
                    point -= 1;
                } else {
                    digits.push(b);
                }
            }
        }
    }
    let (mut exp, mut negative) = (0i32, false);
    for &b in bytes {
        match b {
            b'-' => negative = true,
            b'0'..=b'9' => exp = exp.saturating_mul(10).saturating_add(i32::from(b - b'0')),
            _ => {}
        }
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point + if negative { -exp } else { exp })
}

/// Whether `x` lies exactly halfway between `digits` (ending in an even digit) and the next
/// number of as many digits: `x = (2D + 1) * 10^k / 2` with `D` the digits and `k` the power
/// of ten of their last one. Exact, in integers: `m * 2^(e+1) = (2D + 1) * 2^k * 5^k`, so
/// the powers of two and the odd parts of both sides must match.
fn is_upper_half(x: f64, digits: &[u8], point: i32) -> bool {
    if x == 0.0 || digits.last().is_none_or(|d| d % 2 == 1) {
        return false;
    }
    let d = digits.iter().try_fold(0u64, |d, &b| {
        d.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    });
    let Some(odd) = d.and_then(|d| d.checked_mul(2)?.checked_add(1)) else {
        return false;
    };
    let k = point - digits.len() as i32;
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = match biased {
        0 => (frac, -1074),
        _ => (frac | 1 << 52, biased - 1075),
    };
    if m.trailing_zeros() as i32 + e + 1 != k {
        return false;
    }
    let odd_m = m >> m.trailing_zeros();
    let five = (0..k.unsigned_abs()).try_fold(1u64, |p, _| p.checked_mul(5));
    match five {
        Some(p) if k >= 0 => p.checked_mul(odd) == Some(odd_m),
        Some(p) => odd_m.checked_mul(p) == Some(odd),
        None => false,
    }
}

/// Appends `0.digits * 10^point` in plain notation: no exponent, no trailing `.0`.
fn plain(out: &mut String, digits: &[u8], point: i32) {
    let chars = |range: &[u8]| range.iter().map(|&b| char::from(b)).collect::<String>();
    if digits.is_empty() {
        out.push('0');
    } else if point <= 0 {
        out.push_str("0.");
        zeros(out, -point);
        out.push_str(&chars(digits));
    } else if point as usize >= digits.len() {
        out.push_str(&chars(digits));
        zeros(out, point - digits.len() as i32);
    } else {
        let (whole, rest) = digits.split_at(point as usize);
        out.push_str(&chars(whole));
        out.push('.');
        out.push_str(&chars(rest));
    }
}

/// serde's `Unexpected` worded exactly as serde words it (`floating point `1.5``, `string
/// "x"`, …), its float through [`text`].
pub struct Unexpected<'a>(pub serde::de::Unexpected<'a>);

impl fmt::Display for Unexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use serde::de::Unexpected as U;
        match self.0 {
            U::Bool(b) => write!(f, "boolean `{b}`"),
            U::Unsigned(i) => write!(f, "integer `{i}`"),
            U::Signed(i) => write!(f, "integer `{i}`"),
            U::Float(v) => {
                let t = text(v);
                let point = v.is_finite() && !t.contains('.');
                write!(f, "floating point `{t}{}`", if point { ".0" } else { "" })
            }
            U::Char(c) => write!(f, "character `{c}`"),
            U::Str(s) => write!(f, "string {}", Quoted(s)),
            U::Bytes(_) => f.write_str("byte array"),
            U::Unit => f.write_str("unit value"),
            U::Option => f.write_str("Option value"),
            U::NewtypeStruct => f.write_str("newtype struct"),
            U::Seq => f.write_str("sequence"),
            U::Map => f.write_str("map"),
            U::Enum => f.write_str("enum"),
            U::UnitVariant => f.write_str("unit variant"),
            U::NewtypeVariant => f.write_str("newtype variant"),
            U::TupleVariant => f.write_str("tuple variant"),
            U::StructVariant => f.write_str("struct variant"),
            U::Other(other) => f.write_str(other),
        }
    }
}

/// `f64::from(ppm) / 1e6` with three decimals, as `format!("{:.3}", …)` writes it: the
/// double's exact value rounded to the nearest thousandth, a tie to the even one.
pub fn ppm_fraction(ppm: u32) -> String {
    let x = f64::from(ppm) / 1e6;
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    // x = m * 2^-shift exactly (x is a normal non-negative double below 2^13, or zero).
    let m = u128::from(bits & ((1 << 52) - 1) | (u64::from(exp != 0) << 52));
    let shift = (1075 - exp).clamp(0, 127) as u32;
    let scaled = m * 1000;
    let (q, r) = (scaled >> shift, scaled & ((1u128 << shift) - 1));
    let half = 1u128 << (shift - 1);
    let up = r > half || (r == half && q % 2 == 1);
    let q = q + u128::from(up);
    format!("{}.{:03}", q / 1000, q % 1000)
}

fn zeros(out: &mut String, n: i32) {
    out.extend(std::iter::repeat_n('0', n.max(0) as usize));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(v: f64) {
        assert_eq!(text(v), v.to_string(), "bits {:#x}", v.to_bits());
    }

    #[test]
    fn special_values_read_as_rust_writes_them() {
        for v in [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.5,
            -1.0,
            1.5,
            26.0,
            1e300,
            1e-7,
            1.5e-7,
            123_456_789.125,
            9_007_199_254_740_991.0,
            1e21,
            1e22,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            0.1 + 0.2,
            // Halfway between two shortest candidates (…562.25): Rust writes the upper one.
            f64::from_bits(0x4317_9085_685d_83c9),
        ] {
            same(v);
        }
        assert_eq!(text(1e300).len(), 301);
        assert_eq!(format!("[{:>5}]", Shortest(0.5)), "[  0.5]");
    }

    const ROUNDS: u32 = 200_000;

    #[test]
    fn every_kind_of_double_reads_as_rust_writes_it() {
        // A fixed xorshift walk over bit patterns (all exponents, all mantissas), and the
        // decimals people type (k / 10^j).
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..ROUNDS {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            same(f64::from_bits(x));
            let typed = (x % 2_000_001) as f64 / 10f64.powi((x >> 40) as i32 % 12);
            same(typed);
            same(-typed);
        }
    }

    #[test]
    fn ppm_reads_as_rust_rounds_it_to_thousandths() {
        for ppm in (0..=1_000_000).chain([4_000_000, u32::MAX]) {
            let rust = format!("{:.3}", f64::from(ppm) / 1e6);
            assert_eq!(ppm_fraction(ppm), rust, "{ppm}");
        }
    }

    #[test]
    fn unexpected_values_are_worded_as_serde_words_them() {
        use serde::de::Unexpected as U;
        let all = [
            U::Bool(true),
            U::Unsigned(7),
            U::Signed(-7),
            U::Float(1.5),
            U::Float(2.0),
            U::Float(1e300),
            U::Float(-0.0),
            U::Float(f64::NAN),
            U::Float(f64::NEG_INFINITY),
            U::Char('x'),
            U::Str("a \"b\""),
            U::Bytes(b"ab"),
            U::Unit,
            U::Option,
            U::NewtypeStruct,
            U::Seq,
            U::Map,
            U::Enum,
            U::UnitVariant,
            U::NewtypeVariant,
            U::TupleVariant,
            U::StructVariant,
            U::Other("something else"),
        ];
        for u in all {
            assert_eq!(Unexpected(u).to_string(), u.to_string());
        }
    }

    #[test]
    fn javascript_spellings_are_laid_out_plainly() {
        for (js, rust) in [
            ("1e+21", "1000000000000000000000"),
            ("1.5e-7", "0.00000015"),
            ("123.456", "123.456"),
            ("0", "0"),
            ("0.001", "0.001"),
            ("7", "7"),
            ("2.5e+3", "2500"),
            ("1.25e1", "12.5"),
        ] {
            let mut out = String::new();
            let (digits, point) = decimal(js.as_bytes());
            plain(&mut out, &digits, point);
            assert_eq!(out, rust, "{js}");
        }
    }
}

//! Values written as compact JSON text, for the page: the facade hands the text to the browser's
//! own `JSON.parse` instead of building each object property by property through
//! serde-wasm-bindgen, whose per-field calls into JavaScript were ≈ 28 KB gzip of the page's
//! WebAssembly module (issue 6, sizes).
//!
//! Writing cannot fail, and the error type says so: [`WriteError`] has no values. Writing into a
//! `String` cannot fail; a map key that is not a string, a number, a bool or a unit variant
//! (serde_json refuses those) is written as its own JSON text, quoted; and serde asks for a
//! custom error only for shapes the crate's types do not have (see [`WriteError`]). So the
//! check after every field of every derived `serialize` compiles to nothing (issue 6: 2.7 KB
//! gzip of the page's wasm). The shapes are serde_json's: a struct is an object, `None` and
//! unit are `null`, an externally tagged variant is `{"name": value}`, integer map keys are
//! quoted, and a non-finite float is `null`. Floats are written with the shortest digits that
//! read back to the same value ([`crate::float_text`]), so `JSON.parse` gives the exact number.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::debug_text::split_ascii;

/// The writer's error type, which has no values: writing cannot fail.
///
/// serde's derived code asks a serializer for a custom error only for shapes that no type of
/// this crate has: an internally tagged enum's newtype variant holding a number, a string or a
/// sequence, or a flattened field that is not a struct or a map (every tagged variant and
/// flattened field here holds a struct). Its built-in impls ask for paths that are not UTF-8, a
/// borrowed `RefCell` and a poisoned lock, none of which the crate writes. `tests/json_output.rs`
/// writes every output of the facade from eventful runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteError {}

impl fmt::Display for WriteError {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        unreachable!("serde refused a shape no type of the crate has: {msg}")
    }
}

/// `value` as compact JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Out(String::with_capacity(256));
    match value.serialize(&mut out) {
        Ok(()) => out.0,
        Err(e) => match e {},
    }
}

/// The text written so far.
pub struct Out(String);

type Done = Result<(), WriteError>;

// The writing helpers stay out of line (`#[inline(never)]`): every field of every derived
// `serialize` calls them, and inlined copies measured 1.5 KB gzip more of the page's wasm. The
// page asks for objects on demand, never per frame.
impl Out {
    #[inline(never)]
    fn raw(&mut self, s: &str) -> Done {
        self.0.push_str(s);
        Ok(())
    }

    #[inline(never)]
    fn string(&mut self, s: &str) -> Done {
        let out = &mut self.0;
        out.push('"');
        let special = |b: u8| matches!(b, b'"' | b'\\' | 0..=0x1f);
        split_ascii(s, special, |run, b| {
            out.push_str(run);
            match b {
                None => {}
                Some(b'"') => out.push_str("\\\""),
                Some(b'\\') => out.push_str("\\\\"),
                Some(b'\n') => out.push_str("\\n"),
                Some(b'\r') => out.push_str("\\r"),
                Some(b'\t') => out.push_str("\\t"),
                Some(b) => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(HEX[usize::from(b >> 4)] as char);
                    out.push(HEX[usize::from(b & 0xf)] as char);
                }
            }
            Ok(())
        })?;
        out.push('"');
        Ok(())
    }

    #[inline(never)]
    fn unsigned(&mut self, mut v: u64, negative: bool) -> Done {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if negative {
            self.0.push('-');
        }
        // Only ASCII digits were written.
        self.0
            .push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
        Ok(())
    }

    #[inline(never)]
    fn float(&mut self, v: f64) -> Done {
        if v.is_finite() {
            self.raw(&crate::float_text::text(v))
        } else {
            self.raw("null")
        }
    }

    /// Opens `{"variant":` (the wrapper of an externally tagged variant).
    #[inline(never)]
    fn tag(&mut self, variant: &str) -> Done {
        self.0.push('{');
        self.string(variant)?;
        self.raw(":")
    }

    #[inline(never)]
    fn open(&mut self, open: &'static str, close: &'static str) -> Compound<'_> {
        self.0.push_str(open);
        Compound {
            out: self,
            first: true,
            close,
        }
    }
}

/// An array or object being written: the separator state and what closes it.
pub struct Compound<'a> {
    out: &'a mut Out,
    first: bool,
    close: &'static str,
}

// Out of line too, for the same reason as `Out`'s helpers.
impl Compound<'_> {
    #[inline(never)]
    fn comma(&mut self) {
        if !self.first {
            self.out.0.push(',');
        }
        self.first = false;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.comma();
        value.serialize(&mut *self.out)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Done {
        self.name(key);
        value.serialize(&mut *self.out)
    }

    #[inline(never)]
    fn name(&mut self, key: &str) {
        self.comma();
        let Ok(()) = self.out.string(key);
        self.out.0.push(':');
    }

    /// A map key: strings (and unit variants, which are written as strings) as they are;
    /// anything else (numbers and bools, as serde_json writes them; `null`, arrays and
    /// objects, which serde_json refuses) as its JSON text, quoted.
    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.comma();
        let start = self.out.0.len();
        key.serialize(&mut *self.out)?;
        match self.out.0.as_bytes().get(start) {
            Some(b'"') => {}
            Some(b'-' | b'0'..=b'9' | b't' | b'f') => {
                self.out.0.insert(start, '"');
                self.out.0.push('"');
            }
            _ => {
                let text = self.out.0.split_off(start);
                self.out.string(&text)?;
            }
        }
        self.out.0.push(':');
        Ok(())
    }

    #[inline(never)]
    fn finish(self) -> Done {
        self.out.raw(self.close)
    }
}

impl<'a> ser::Serializer for &'a mut Out {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Done {
        self.raw(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.unsigned(v.unsigned_abs(), v < 0)
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.unsigned(v.into(), false)
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.unsigned(v.into(), false)
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.unsigned(v.into(), false)
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.unsigned(v, false)
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.float(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Done {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        let mut seq = self.open("[", "]");
        for b in v {
            seq.element(b)?;
        }
        seq.finish()
    }
    fn serialize_none(self) -> Done {
        self.raw("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.raw("null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.raw("null")
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Done {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.tag(variant)?;
        value.serialize(&mut *self)?;
        self.raw("}")
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, WriteError> {
        self.tag(variant)?;
        Ok(self.open("[", "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, WriteError> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, WriteError> {
        self.tag(variant)?;
        Ok(self.open("{", "}}"))
    }
}

/// The compound traits: each element is a plain value (arrays, a tuple variant's array) or a
/// named field (a struct, a struct variant's object).
macro_rules! compound {
    ($($trait:ident :: $method:ident ($($key:ident)?) => $write:ident),* $(,)?) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = WriteError;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: &'static str,)? value: &T) -> Done {
                self.$write($($key,)? value)
            }
            fn end(self) -> Done {
                self.finish()
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element() => element,
    SerializeTuple::serialize_element() => element,
    SerializeTupleStruct::serialize_field() => element,
    SerializeTupleVariant::serialize_field() => element,
    SerializeStruct::serialize_field(key) => field,
    SerializeStructVariant::serialize_field(key) => field,
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut *self.out)
    }
    fn end(self) -> Done {
        self.finish()
    }
}

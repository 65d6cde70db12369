//! The one serde deserializer over a [`Json`] tree, tracking the path of the value it reads.
//!
//! It calls only the visitor method that fits what the type asked for (a struct gets
//! `visit_map`, an identifier `visit_str`), so the unused arms of derived visitors are never
//! compiled. Errors are stamped with their path where a container hands out a child (the
//! deepest stamp wins), so a visitor's own error (a missing field, a custom check) is reported
//! at the container, and a bad key (an unknown field) at the key.

use std::fmt;
use std::slice;

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, Expected, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};

use super::{Json, Number, MAX_DEPTH};

/// Where a value sits in the document: a linked list from the value up to the root.
#[derive(Clone, Copy)]
enum At<'p> {
    Root,
    Key(&'p At<'p>, &'p str),
    Index(&'p At<'p>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match self {
            At::Root => {}
            At::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            At::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        if out.is_empty() {
            out.push('.');
        }
        out
    }
}

/// A reading error: the reason, and the path once a container has stamped it. Boxed, so that
/// every `Result` a visitor passes up is a pointer wider than its value, not four words.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    path: Option<String>,
    reason: String,
}

impl Error {
    fn stamp(mut self, at: &At<'_>) -> Error {
        if self.0.path.is_none() {
            self.0.path = Some(at.render());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.reason)
    }
}

impl std::error::Error for Error {}

/// The error of `reason`, not yet stamped. Out of line: every derived visitor reports a
/// missing or duplicate field, and inlined each report would build its message in place.
#[inline(never)]
fn reason(args: fmt::Arguments<'_>) -> Error {
    Error(Box::new(Inner {
        path: None,
        reason: args.to_string(),
    }))
}

// The provided methods, with serde's wording, each kept as one out-of-line copy.
impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        reason(format_args!("{msg}"))
    }

    // serde's wording, with floats written by `float_text` (serde's `Unexpected` text would
    // link core's float formatter into the wasm).
    #[inline(never)]
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let unexp = crate::float_text::Unexpected(unexp);
        reason(format_args!("invalid type: {unexp}, expected {exp}"))
    }

    #[inline(never)]
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let unexp = crate::float_text::Unexpected(unexp);
        reason(format_args!("invalid value: {unexp}, expected {exp}"))
    }

    #[inline(never)]
    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        reason(format_args!("invalid length {len}, expected {exp}"))
    }

    #[inline(never)]
    fn missing_field(field: &'static str) -> Self {
        reason(format_args!("missing field `{field}`"))
    }

    #[inline(never)]
    fn duplicate_field(field: &'static str) -> Self {
        reason(format_args!("duplicate field `{field}`"))
    }
}

/// Reads a `T` from the whole tree.
pub(super) fn read<T: DeserializeOwned>(value: &Json) -> Result<T, super::Error> {
    T::deserialize(De {
        value,
        at: &At::Root,
    })
    .map_err(split)
}

/// The document error for an error that reached the root.
#[inline(never)]
fn split(e: Error) -> super::Error {
    let e = e.stamp(&At::Root);
    super::Error::Invalid {
        path: e.0.path.unwrap_or_default(),
        reason: e.0.reason,
    }
}

/// Reads `value` (at `at`) with `seed`, stamping errors with that path.
#[inline(always)]
fn child<'de, S: DeserializeSeed<'de>>(
    seed: S,
    value: &Json,
    at: &At<'_>,
) -> Result<S::Value, Error> {
    seed.deserialize(De { value, at }).map_err(|e| e.stamp(at))
}

struct De<'v, 'p> {
    value: &'v Json,
    at: &'p At<'p>,
}

impl De<'_, '_> {
    /// The error for a value that is not what `exp` expects.
    fn wrong(&self, exp: &dyn Expected) -> Error {
        match self.value.unexpected() {
            Some(unexpected) => de::Error::invalid_type(unexpected, exp),
            None => too_deep(),
        }
    }

    #[inline(always)]
    fn seq<'de, V: Visitor<'de>>(self, items: &[Json], visitor: V) -> Result<V::Value, Error> {
        let mut seq = Seq {
            items: items.iter(),
            at: self.at,
            index: 0,
        };
        let v = visitor.visit_seq(&mut seq)?;
        seq.finish(items.len())?;
        Ok(v)
    }

    #[inline(always)]
    fn map<'de, V: Visitor<'de>>(
        self,
        entries: &[(String, Json)],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Map {
            entries: entries.iter(),
            at: self.at,
            pending: None,
        })
    }
}

impl<'v, 'p> De<'v, 'p> {
    /// The entries of an object, or the error for any other value. Out of line, so that the
    /// reader of each struct type is a call and a branch.
    #[inline(never)]
    fn entries(&self, exp: &dyn Expected) -> Result<Map<'v, 'p>, Error> {
        match self.value {
            Json::Object(entries) => Ok(Map {
                entries: entries.iter(),
                at: self.at,
                pending: None,
            }),
            _ => Err(self.wrong(exp)),
        }
    }

    /// The items of an array and their number, or the error for any other value.
    #[inline(never)]
    fn items(&self, exp: &dyn Expected) -> Result<(Seq<'v, 'p>, usize), Error> {
        match self.value {
            Json::Array(items) => Ok((
                Seq {
                    items: items.iter(),
                    at: self.at,
                    index: 0,
                },
                items.len(),
            )),
            _ => Err(self.wrong(exp)),
        }
    }
}

impl Seq<'_, '_> {
    /// The error for items the visitor left unread (of `len`).
    #[inline(never)]
    fn finish(&self, len: usize) -> Result<(), Error> {
        match self.items.len() {
            0 => Ok(()),
            _ => Err(de::Error::invalid_length(len, &"fewer elements in array")),
        }
    }
}

fn too_deep() -> Error {
    de::Error::custom(format_args!("nested more than {MAX_DEPTH} levels deep"))
}

fn visit_number<'de, V: Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value, Error> {
    match n {
        Number::PosInt(u) => visitor.visit_u64(u),
        Number::NegInt(i) => visitor.visit_i64(i),
        Number::Float(f) => visitor.visit_f64(f),
    }
}

macro_rules! integer {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.value {
                Json::Number(Number::PosInt(u)) => visitor.visit_u64(*u),
                Json::Number(Number::NegInt(i)) => visitor.visit_i64(*i),
                _ => Err(self.wrong(&visitor)),
            }
        }
    )*};
}

macro_rules! float {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.value {
                Json::Number(n) => visit_number(*n, visitor),
                _ => Err(self.wrong(&visitor)),
            }
        }
    )*};
}

macro_rules! text {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.value {
                Json::String(s) => visitor.visit_str(s),
                _ => Err(self.wrong(&visitor)),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for De<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            Json::Number(n) => visit_number(*n, visitor),
            Json::String(s) => visitor.visit_str(s),
            Json::Array(items) => self.seq(items, visitor),
            Json::Object(entries) => self.map(entries, visitor),
            Json::TooDeep => Err(too_deep()),
        }
    }

    integer!(deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128);
    float!(deserialize_f32 deserialize_f64);
    text!(deserialize_char deserialize_str deserialize_string deserialize_identifier);

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Json::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.wrong(&visitor)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Json::Null => visitor.visit_unit(),
            _ => Err(self.wrong(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    #[inline(always)]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (mut seq, len) = self.items(&visitor)?;
        let v = visitor.visit_seq(&mut seq)?;
        seq.finish(len)?;
        Ok(v)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    #[inline(always)]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let map = self.entries(&visitor)?;
        visitor.visit_map(map)
    }

    #[inline(always)]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let (variant, value) = match self.value {
            Json::String(s) => (s.as_str(), None),
            Json::Object(entries) => match entries.as_slice() {
                [(k, v)] => (k.as_str(), Some(v)),
                _ => {
                    return Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"a map with a single key",
                    ))
                }
            },
            _ => return Err(self.wrong(&"a string or a map with a single key")),
        };
        visitor.visit_enum(Enum {
            variant,
            value,
            at: self.at,
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Seq<'v, 'p> {
    items: slice::Iter<'v, Json>,
    at: &'p At<'p>,
    index: usize,
}

impl<'de> SeqAccess<'de> for &mut Seq<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let at = At::Index(self.at, self.index);
        self.index += 1;
        child(seed, value, &at).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'v, 'p> {
    entries: slice::Iter<'v, (String, Json)>,
    at: &'p At<'p>,
    pending: Option<&'v (String, Json)>,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some(entry);
        seed.deserialize(StrDeserializer::<Error>::new(&entry.0))
            .map(Some)
            .map_err(|e| e.stamp(&At::Key(self.at, &entry.0)))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("a map value was read before its key"));
        };
        child(seed, value, &At::Key(self.at, key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Enum<'v, 'p> {
    variant: &'v str,
    value: Option<&'v Json>,
    at: &'p At<'p>,
}

impl<'de, 'v, 'p> EnumAccess<'de> for Enum<'v, 'p> {
    type Error = Error;
    type Variant = Enum<'v, 'p>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let v = seed
            .deserialize(StrDeserializer::<Error>::new(self.variant))
            .map_err(|e| e.stamp(self.at))?;
        Ok((v, self))
    }
}

impl Enum<'_, '_> {
    /// The variant's content, or the error for a variant written without one.
    fn content(&self, exp: &str) -> Result<&Json, Error> {
        self.value
            .ok_or_else(|| de::Error::invalid_type(Unexpected::UnitVariant, &exp))
    }
}

impl<'de> VariantAccess<'de> for Enum<'_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            None | Some(Json::Null) => Ok(()),
            Some(value) => Err(De { value, at: self.at }.wrong(&"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let value = self.content("newtype variant")?;
        child(seed, value, &At::Key(self.at, self.variant))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let value = self.content("tuple variant")?;
        let at = At::Key(self.at, self.variant);
        De { value, at: &at }
            .deserialize_seq(visitor)
            .map_err(|e| e.stamp(&at))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let value = self.content("struct variant")?;
        let at = At::Key(self.at, self.variant);
        De { value, at: &at }
            .deserialize_map(visitor)
            .map_err(|e| e.stamp(&at))
    }
}

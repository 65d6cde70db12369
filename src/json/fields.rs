//! Structs read field by field through one shared key table ([`json_struct!`]).
//!
//! serde's derive gives every struct its own key matcher (a chain of string comparisons), its own
//! duplicate and missing field checks, and one `Option` per field moved into place at the end;
//! in the WebAssembly module that was about 2 KB per struct (issue 6). Here a struct starts from
//! a value (its defaults), each key is looked up in the struct's field table by shared code,
//! and each field read is one call and one store. The errors are serde's, word for word and at
//! the same path: an unknown key at the key, a duplicate or missing field at the struct.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};

/// Reads an object key as the index of the field it names in `fields`. Any other key is serde's
/// "unknown field" error, or if `lenient`, the index `fields.len()` (a key to skip).
#[derive(Clone, Copy)]
pub struct FieldIndex {
    /// The keys, in declaration order.
    pub fields: &'static [&'static str],
    /// Whether other keys are skipped rather than refused.
    pub lenient: bool,
}

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        match self.fields.iter().position(|field| *field == key) {
            Some(i) => Ok(i),
            None if self.lenient => Ok(self.fields.len()),
            None => Err(E::unknown_field(key, self.fields)),
        }
    }
}

/// Reads an enum's variant name as its index in the table; any other name is serde's "unknown
/// variant" error.
#[derive(Clone, Copy)]
pub struct VariantIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for VariantIndex {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|variant| *variant == name)
            .ok_or_else(|| E::unknown_variant(name, self.0))
    }
}

/// Reads a value into a place: a struct's field read is then one call, whose body (read, check,
/// store) is shared by every field of that type.
pub struct Place<'a, T>(pub &'a mut T);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Place<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        *self.0 = T::deserialize(d)?;
        Ok(())
    }
}

/// Marks field `i` as read; reading it again is serde's "duplicate field" error.
pub fn first_time<E: de::Error>(
    seen: &mut u64,
    i: usize,
    fields: &[&'static str],
) -> Result<(), E> {
    let bit = 1 << i;
    if *seen & bit != 0 {
        return Err(E::duplicate_field(fields[i]));
    }
    *seen |= bit;
    Ok(())
}

/// serde's "missing field" error for the first field of `required` (a mask over the table, in
/// declaration order) that was not read.
pub fn all_read<E: de::Error>(seen: u64, required: u64, fields: &[&'static str]) -> Result<(), E> {
    match required & !seen {
        0 => Ok(()),
        missing => Err(E::missing_field(fields[missing.trailing_zeros() as usize])),
    }
}

/// Implements `Deserialize` for a struct with named fields, like serde's derive with
/// `deny_unknown_fields` (or without it, given `ignoring unknown`):
///
/// ```ignore
/// json_struct! {
///     Limits from Limits::default();        // the value missing fields keep
///                                           // (`, ignoring unknown` before `;`: skip other keys)
///     required times, steps;                // optional: these must be present
///     { max_virtual_ms with BoundedMs, max_steps, name as "as" }
/// }
/// ```
///
/// `with` reads the field through a `DeserializeSeed` (serde's `deserialize_with`), `as`
/// names its key (serde's `rename`). At most 64 fields.
macro_rules! json_struct {
    (
        $ty:ident from $init:expr $(, ignoring $unknown:ident)?;
        $(required $($req:ident),+;)?
        { $($field:ident $(as $key:literal)? $(with $seed:expr)?),* $(,)? }
    ) => {
        // `dead_code` and `unused_mut` for a struct without fields.
        #[allow(non_camel_case_types, dead_code, unused_mut)]
        const _: () = {
            impl<'de> ::serde::Deserialize<'de> for $ty {
                fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    d.deserialize_struct(stringify!($ty), FIELDS, V)
                }
            }

            enum F {
                $($field),*
            }

            const FIELDS: &[&str] = &[$($crate::json::json_struct!(@key $field $(, $key)?)),*];
            assert!(FIELDS.len() <= 64, "too many fields");

            struct V;

            impl<'de> ::serde::de::Visitor<'de> for V {
                type Value = $ty;

                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(concat!("struct ", stringify!($ty)))
                }

                fn visit_map<A: ::serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<$ty, A::Error> {
                    let mut value: $ty = $init;
                    let mut seen = 0u64;
                    let keys = $crate::json::FieldIndex {
                        fields: FIELDS,
                        lenient: $crate::json::json_struct!(@lenient $($unknown)?),
                    };
                    while let Some(i) = map.next_key_seed(keys)? {
                        if i == FIELDS.len() {
                            map.next_value::<::serde::de::IgnoredAny>()?;
                            continue;
                        }
                        $crate::json::first_time(&mut seen, i, FIELDS)?;
                        $(
                            if i == F::$field as usize {
                                $crate::json::json_struct!(@read map, value.$field $(, $seed)?);
                            }
                        )*
                    }
                    let required = 0u64 $($(| 1 << F::$req as u64)+)?;
                    $crate::json::all_read(seen, required, FIELDS)?;
                    Ok(value)
                }
            }
        };
    };
    (@lenient) => {
        false
    };
    (@lenient unknown) => {
        true
    };
    (@key $field:ident) => {
        stringify!($field)
    };
    (@key $field:ident, $key:literal) => {
        $key
    };
    (@read $map:ident, $place:expr) => {
        $map.next_value_seed($crate::json::Place(&mut $place))?
    };
    (@read $map:ident, $place:expr, $seed:expr) => {
        $place = $map.next_value_seed($seed)?
    };
}

pub(crate) use json_struct;

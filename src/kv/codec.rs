//! The hand-written binary codec shared by commands and snapshots.
//!
//! The Raft log carries opaque bytes, so every replica must turn the same bytes into the same
//! value and reject everything else with a clear error, never a panic. The format is small:
//!
//! * integers are unsigned LEB128 varints (7 bits per byte, low group first); only the
//!   shortest (canonical) form is accepted, so every value has exactly one encoding;
//! * a string is a varint byte length followed by that many bytes of UTF-8;
//! * an optional string is a presence byte (`0` absent, `1` present) and, if present, a string;
//! * a boolean is one byte, `0` or `1`.
//!
//! Lengths are checked against the bytes that remain before anything is allocated, so a
//! garbage length cannot make the decoder reserve gigabytes.

use serde::Serialize;
use thiserror::Error;

/// Why a byte string is not a valid command or snapshot.
///
/// Offsets (`at`) count bytes from the start of the input, so a trace can point at the exact
/// byte that was wrong.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecodeError {
    /// The input ended in the middle of a value.
    #[error("truncated input: {what} at byte {at} needs {needed} more byte(s)")]
    Truncated {
        /// The value being read when the input ran out.
        what: &'static str,
        /// The offset of the value.
        at: u64,
        /// How many bytes were missing.
        needed: u64,
    },
    /// The leading magic bytes do not identify a raftlab snapshot.
    #[error("not a raftlab key-value snapshot (bad magic bytes)")]
    BadMagic,
    /// The format version byte names a version this build does not understand.
    #[error("unsupported {what} format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// Whether a command or a snapshot was being read.
        what: &'static str,
        /// The version found in the input.
        found: u8,
        /// The only version this build reads.
        supported: u8,
    },
    /// A tag byte does not name any variant of the type being read.
    #[error("unknown {what} tag {tag} at byte {at}")]
    UnknownTag {
        /// The type whose variant tag was wrong.
        what: &'static str,
        /// The tag byte found.
        tag: u8,
        /// The offset of the tag byte.
        at: u64,
    },
    /// A varint is longer than ten bytes or does not fit in 64 bits.
    #[error("varint at byte {at} overflows 64 bits")]
    VarintOverflow {
        /// The offset of the varint's first byte.
        at: u64,
    },
    /// A varint has redundant trailing zero groups (it is not in its shortest form).
    #[error("varint at byte {at} is not in canonical (shortest) form")]
    NonCanonicalVarint {
        /// The offset of the varint's first byte.
        at: u64,
    },
    /// A string's bytes are not valid UTF-8.
    #[error("string at byte {at} is not valid UTF-8")]
    InvalidUtf8 {
        /// The offset of the string's first content byte.
        at: u64,
    },
    /// A boolean or presence byte is neither `0` nor `1`.
    #[error("flag {what} at byte {at} has value {found}, expected 0 or 1")]
    InvalidFlag {
        /// The flag being read.
        what: &'static str,
        /// The byte found.
        found: u8,
        /// The offset of the flag byte.
        at: u64,
    },
    /// Bytes remain after a complete value was read.
    #[error("{count} trailing byte(s) after the end of the value")]
    TrailingBytes {
        /// How many bytes were left over.
        count: u64,
    },
    /// The bytes are well formed but describe an impossible state (snapshots only).
    #[error("inconsistent snapshot: {reason}")]
    Inconsistent {
        /// Which invariant the decoded state breaks.
        reason: &'static str,
    },
}

/// Appends encoded values to a byte buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The bytes written so far.
    pub(crate) fn finish(self) -> Vec<u8> {
        self.bytes
    }

    /// Writes one raw byte (tags, versions).
    pub(crate) fn byte(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// Writes raw bytes with no length prefix (magic numbers).
    pub(crate) fn raw(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
    }

    /// Writes an unsigned LEB128 varint in its shortest form.
    pub(crate) fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// Writes a boolean as one byte.
    pub(crate) fn flag(&mut self, value: bool) {
        self.bytes.push(u8::from(value));
    }

    /// Writes a length-prefixed UTF-8 string.
    pub(crate) fn string(&mut self, value: &str) {
        self.varint(value.len() as u64);
        self.bytes.extend_from_slice(value.as_bytes());
    }

    /// Writes a presence byte and, if present, the string.
    pub(crate) fn opt_string(&mut self, value: Option<&str>) {
        self.flag(value.is_some());
        if let Some(value) = value {
            self.string(value);
        }
    }
}

/// Reads encoded values from a byte slice, tracking the offset for error messages.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    /// Invariant: `pos <= bytes.len()`.
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader positioned at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// The current offset, for error messages.
    pub(crate) fn offset(&self) -> u64 {
        self.pos as u64
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> u64 {
        (self.bytes.len() - self.pos) as u64
    }

    /// Fails unless every byte has been consumed.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes { count }),
        }
    }

    /// Takes the next `len` bytes, or reports which value was cut short.
    pub(crate) fn take(&mut self, len: u64, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let remaining = self.remaining();
        if len > remaining {
            return Err(DecodeError::Truncated {
                what,
                at: self.offset(),
                needed: len - remaining,
            });
        }
        // `len <= remaining`, which is a `usize`, so the cast is lossless.
        let end = self.pos + len as usize;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Reads one raw byte.
    pub(crate) fn byte(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    /// Reads a canonical unsigned LEB128 varint.
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        let at = self.offset();
        let mut value: u64 = 0;
        for group in 0..10u32 {
            let byte = self.byte(what)?;
            let bits = u64::from(byte & 0x7f);
            // The tenth group holds only bit 63; anything more overflows.
            if group == 9 && bits > 1 {
                return Err(DecodeError::VarintOverflow { at });
            }
            value |= bits << (7 * group);
            if byte & 0x80 == 0 {
                // A final zero group after the first byte means a shorter form existed.
                if group > 0 && bits == 0 {
                    return Err(DecodeError::NonCanonicalVarint { at });
                }
                return Ok(value);
            }
        }
        Err(DecodeError::VarintOverflow { at })
    }

    /// Reads a boolean byte (`0` or `1`).
    pub(crate) fn flag(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        let at = self.offset();
        match self.byte(what)? {
            0 => Ok(false),
            1 => Ok(true),
            found => Err(DecodeError::InvalidFlag { what, found, at }),
        }
    }

    /// Reads a length-prefixed UTF-8 string.
    pub(crate) fn string(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.varint(what)?;
        let at = self.offset();
        let bytes = self.take(len, what)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(DecodeError::InvalidUtf8 { at }),
        }
    }

    /// Reads a presence byte and, if present, a string.
    pub(crate) fn opt_string(&mut self, what: &'static str) -> Result<Option<String>, DecodeError> {
        if self.flag(what)? {
            Ok(Some(self.string(what)?))
        } else {
            Ok(None)
        }
    }

    /// Reads a count of items that each take at least `min_item_bytes`, rejecting counts the
    /// remaining input cannot possibly hold (so a garbage count never drives a huge loop).
    pub(crate) fn count(
        &mut self,
        what: &'static str,
        min_item_bytes: u64,
    ) -> Result<u64, DecodeError> {
        let at = self.offset();
        let count = self.varint(what)?;
        let needed = count.saturating_mul(min_item_bytes);
        if needed > self.remaining() {
            return Err(DecodeError::Truncated {
                what,
                at,
                needed: needed - self.remaining(),
            });
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(value: u64) -> Vec<u8> {
        let mut writer = Writer::new();
        writer.varint(value);
        writer.finish()
    }

    #[test]
    fn varints_round_trip_at_group_boundaries() {
        // Every boundary between one and ten bytes decodes back to itself.
        let mut values = vec![0, 1, u64::MAX, u64::MAX - 1];
        for shift in 1..64 {
            values.extend([(1u64 << shift) - 1, 1u64 << shift, (1u64 << shift) + 1]);
        }
        for value in values {
            let bytes = varint_bytes(value);
            let mut reader = Reader::new(&bytes);
            assert_eq!(reader.varint("v"), Ok(value));
            assert_eq!(reader.finish(), Ok(()));
        }
    }

    #[test]
    fn varint_with_redundant_zero_group_is_rejected() {
        // 0x80 0x00 is a two-byte spelling of zero: not canonical.
        let mut reader = Reader::new(&[0x80, 0x00]);
        assert_eq!(
            reader.varint("v"),
            Err(DecodeError::NonCanonicalVarint { at: 0 })
        );
    }

    #[test]
    fn varint_longer_than_64_bits_is_rejected() {
        // Ten continuation bytes never terminate within 64 bits.
        let mut reader = Reader::new(&[0xff; 11]);
        assert_eq!(
            reader.varint("v"),
            Err(DecodeError::VarintOverflow { at: 0 })
        );
        // The tenth group may only carry bit 63.
        let mut bytes = vec![0xff; 9];
        bytes.push(0x02);
        let mut reader = Reader::new(&bytes);
        assert_eq!(
            reader.varint("v"),
            Err(DecodeError::VarintOverflow { at: 0 })
        );
    }

    #[test]
    fn string_with_length_beyond_input_is_truncated_without_allocating() {
        // A length of 2^40 with three bytes left reports truncation rather than allocating.
        let mut writer = Writer::new();
        writer.varint(1 << 40);
        writer.raw(b"abc");
        let bytes = writer.finish();
        let mut reader = Reader::new(&bytes);
        assert!(matches!(
            reader.string("s"),
            Err(DecodeError::Truncated { .. })
        ));
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        // A lone continuation byte is not UTF-8.
        let mut reader = Reader::new(&[1, 0x80]);
        assert_eq!(reader.string("s"), Err(DecodeError::InvalidUtf8 { at: 1 }));
    }

    #[test]
    fn flag_other_than_zero_or_one_is_rejected() {
        // Only 0 and 1 are booleans.
        let mut reader = Reader::new(&[2]);
        assert!(matches!(
            reader.flag("f"),
            Err(DecodeError::InvalidFlag { found: 2, .. })
        ));
    }
}

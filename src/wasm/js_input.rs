//! Objects from the page (options, network settings, actions, partition groups) read into a
//! [`Json`] tree, so that a wrong field is named by its path: the page's own objects are then
//! read by hand ([`super::objects`]), commands by the reader's module (`readAction`, through the
//! typed reader of JSON text, [`crate::json::from_value`]).
//!
//! The conversion follows `JSON.stringify`: `undefined` members are absent, arrays and plain
//! objects become arrays and objects. Unlike it, nothing is silently dropped: a number that is
//! not finite stays a number (the typed reader or the range checks refuse it with its name), a
//! `BigInt` becomes an integer when it fits 64 bits, and a function or a symbol is an error
//! naming where it is. Nesting deeper than [`MAX_DEPTH`] (or a cycle) is cut there, and reading
//! the cut value is an error.

use js_sys::{Array, BigInt, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::json::{Json, Number, MAX_DEPTH};
use crate::wasm::options::MAX_SAFE_INTEGER;

/// Converts `v`; the error is `(path, reason)` with `.` for the value itself.
pub fn to_json(v: &JsValue) -> Result<Json, (String, String)> {
    convert(v, 0).map_err(|(path, reason)| {
        let path = if path.is_empty() { ".".into() } else { path };
        (path, reason)
    })
}

fn convert(v: &JsValue, depth: usize) -> Result<Json, (String, String)> {
    if v.is_null() || v.is_undefined() {
        return Ok(Json::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Json::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        return Ok(Json::Number(number(f)));
    }
    if let Some(s) = v.as_string() {
        return Ok(Json::String(s));
    }
    if v.is_bigint() {
        return big_integer(v.unchecked_ref::<BigInt>()).map(Json::Number);
    }
    if v.is_function() || v.is_symbol() {
        let kind = v.js_typeof().as_string().unwrap_or_default();
        return Err((String::new(), format!("a {kind} is not a value")));
    }
    if depth >= MAX_DEPTH {
        return Ok(Json::TooDeep);
    }
    if Array::is_array(v) {
        return elements(v.unchecked_ref::<Array>(), depth);
    }
    members(v.unchecked_ref::<Object>(), depth)
}

fn elements(array: &Array, depth: usize) -> Result<Json, (String, String)> {
    let mut items = Vec::with_capacity(array.length() as usize);
    for (i, item) in array.iter().enumerate() {
        let v = convert(&item, depth + 1).map_err(|(path, reason)| {
            let sep = if path.starts_with('[') || path.is_empty() {
                ""
            } else {
                "."
            };
            (format!("[{i}]{sep}{path}"), reason)
        })?;
        items.push(v);
    }
    Ok(Json::Array(items))
}

fn members(object: &Object, depth: usize) -> Result<Json, (String, String)> {
    let mut entries = Vec::new();
    for entry in Object::entries(object).iter() {
        let pair: &Array = entry.unchecked_ref();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if value.is_undefined() {
            continue;
        }
        let v = convert(&value, depth + 1).map_err(|(path, reason)| {
            let sep = if path.starts_with('[') || path.is_empty() {
                ""
            } else {
                "."
            };
            (format!("{key}{sep}{path}"), reason)
        })?;
        entries.push((key, v));
    }
    Ok(Json::Object(entries))
}

/// A JavaScript number: an integer when it is a whole number that a double holds exactly.
fn number(f: f64) -> Number {
    if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER {
        if f < 0.0 {
            Number::NegInt(f as i64)
        } else {
            Number::PosInt(f as u64)
        }
    } else {
        Number::Float(f)
    }
}

fn big_integer(b: &BigInt) -> Result<Number, (String, String)> {
    let text: String = b.to_string(10).map(String::from).unwrap_or_default();
    if let Ok(u) = text.parse::<u64>() {
        return Ok(Number::PosInt(u));
    }
    if let Ok(i) = text.parse::<i64>() {
        return Ok(Number::NegInt(i));
    }
    Err((
        String::new(),
        format!("the BigInt {text} does not fit 64 bits"),
    ))
}

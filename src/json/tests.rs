use serde::Deserialize;

use super::*;

fn syntax(text: &str) -> SyntaxError {
    match parse(text) {
        Err(Error::Syntax(e)) => e,
        other => panic!("{text:?} parsed: {other:?}"),
    }
}

fn invalid<T: DeserializeOwned + fmt::Debug>(text: &str) -> (String, String) {
    match from_str::<T>(text) {
        Err(Error::Invalid { path, reason }) => (path, reason),
        other => panic!("{text:?} gave {other:?}"),
    }
}

#[test]
fn values_of_every_kind_are_parsed() {
    let v = parse(" {\"a\": [1, -2, 2.5, true, false, null, \"x\"], \"b\": {}} ").expect("valid");
    let Json::Object(entries) = v else {
        panic!("not an object")
    };
    assert_eq!(entries[0].0, "a");
    assert_eq!(
        entries[0].1,
        Json::Array(vec![
            Json::Number(Number::PosInt(1)),
            Json::Number(Number::NegInt(-2)),
            Json::Number(Number::Float(2.5)),
            Json::Bool(true),
            Json::Bool(false),
            Json::Null,
            Json::String("x".into()),
        ])
    );
    assert_eq!(entries[1], ("b".to_string(), Json::Object(vec![])));
}

#[test]
fn escapes_and_unicode_are_decoded() {
    let v = parse(r#""a\"b\\c\/d\b\f\n\r\t \u00e9 \ud83d\ude00 ü""#).expect("valid");
    assert_eq!(v, Json::String("a\"b\\c/d\u{8}\u{c}\n\r\t é 😀 ü".into()));
    assert_eq!(
        syntax(r#""\ud83d""#).reason,
        "lone leading surrogate in hex escape"
    );
    assert_eq!(
        syntax(r#""\ude00""#).reason,
        "lone trailing surrogate in hex escape"
    );
    assert_eq!(syntax(r#""\q""#).reason, "invalid escape");
    assert_eq!(
        syntax("\"a\u{1}\"").reason,
        "control character (\\u0000-\\u001F) found while parsing a string"
    );
}

#[test]
fn numbers_stay_exact_integers_when_they_fit() {
    let n = |t: &str| match parse(t).expect(t) {
        Json::Number(n) => n,
        other => panic!("{other:?}"),
    };
    assert_eq!(n("18446744073709551615"), Number::PosInt(u64::MAX));
    assert_eq!(n("-9223372036854775808"), Number::NegInt(i64::MIN));
    assert_eq!(
        n("18446744073709551616"),
        Number::Float(18446744073709551616.0)
    );
    assert_eq!(n("0.1"), Number::Float(0.1));
    assert_eq!(n("-12.5e-1"), Number::Float(-1.25));
    assert_eq!(n("5E3"), Number::Float(5000.0));
    assert_eq!(n("0.000001"), Number::Float(0.000001));
    for long in ["123456789.123456789", "3.141592653589793238", "2.5e-7"] {
        let exact: f64 = long.parse().expect("Rust's parser");
        assert_eq!(n(long), Number::Float(exact), "{long}");
    }
    assert_eq!(n("1e-400"), Number::Float(0.0));
    assert_eq!(n("0e999999999999"), Number::Float(0.0));
    let Number::Float(big) = n("1.7976931348623157e308") else {
        panic!()
    };
    assert!(big.is_finite() && (big / f64::MAX - 1.0).abs() < 1e-12);
    assert_eq!(syntax("1e400").reason, "number out of range");
    for bad in ["01", "1.", "-", ".5", "1e", "+1", "1.e3"] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn syntax_errors_name_line_column_and_reason() {
    let e = syntax("{\n  \"a\": 1,\n  \"b\" 2\n}");
    assert_eq!((e.line, e.column, e.reason), (3, 7, "expected `:`"));
    assert_eq!(syntax("").reason, "EOF while parsing a value");
    assert_eq!(syntax("{").reason, "EOF while parsing an object");
    assert_eq!(syntax("[1").reason, "EOF while parsing a list");
    assert_eq!(syntax("\"abc").reason, "EOF while parsing a string");
    assert_eq!(syntax("[1,]").reason, "trailing comma");
    assert_eq!(syntax("{\"a\": 1,}").reason, "trailing comma");
    assert_eq!(syntax("[1 2]").reason, "expected `,` or `]`");
    assert_eq!(syntax("{\"a\": 1 \"b\": 2}").reason, "expected `,` or `}`");
    assert_eq!(syntax("{1: 2}").reason, "key must be a string");
    assert_eq!(syntax("[1] x").reason, "trailing characters");
    assert_eq!(syntax("tru").reason, "EOF while parsing a value");
    assert_eq!(syntax("nul!").reason, "expected ident");
    assert_eq!(syntax("[,1]").reason, "expected value");
}

#[test]
fn deep_nesting_is_checked_but_not_kept() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let v = parse(&deep).expect("well formed");
    let mut depth = 0;
    let mut at = &v;
    while let Json::Array(items) = at {
        depth += 1;
        at = &items[0];
    }
    assert_eq!((depth, at), (MAX_DEPTH, &Json::TooDeep));
    let broken = format!("{}{}", "[".repeat(100_000), "]".repeat(99_999));
    assert_eq!(syntax(&broken).reason, "EOF while parsing a list");
    let bad_inside = format!("{}{{\"a\" 1}}{}", "[".repeat(500), "]".repeat(500));
    assert_eq!(syntax(&bad_inside).reason, "expected `:`");
    // Reading the cut-off value is an error at its path (an untyped reader follows the arrays).
    let (path, reason) = invalid::<serde_json_free::Any>(&deep);
    assert_eq!(path, "[0]".repeat(MAX_DEPTH));
    assert!(reason.contains("nested more than 128 levels"), "{reason}");
}

/// A type that reads any value (what `serde_json::Value` would be), for the depth test.
mod serde_json_free {
    use serde::de::{Deserialize, Deserializer, IgnoredAny};

    #[derive(Debug)]
    pub struct Any;

    impl<'de> Deserialize<'de> for Any {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Any;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("anything")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Any, A::Error> {
                    while a.next_element::<Any>()?.is_some() {}
                    Ok(Any)
                }
                fn visit_unit<E>(self) -> Result<Any, E> {
                    Ok(Any)
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Any, A::Error> {
                    while a.next_entry::<IgnoredAny, Any>()?.is_some() {}
                    Ok(Any)
                }
            }
            d.deserialize_any(V)
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Doc {
    name: Option<String>,
    #[serde(default)]
    items: Vec<Item>,
    pair: Option<[u32; 2]>,
    shape: Option<Shape>,
    tagged: Option<Tagged>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    id: u32,
    weight: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Shape {
    Dot,
    Circle(f64),
    Rect { w: u32, h: u32 },
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Tagged {
    Move { to: u32 },
}

#[test]
fn typed_reads_accept_what_serde_json_accepts() {
    let d: Doc = from_str(
        r#"{"name": "n", "items": [{"id": 1}, {"id": 2, "weight": 3}], "pair": [4, 5],
            "shape": {"rect": {"w": 1, "h": 2}}, "tagged": {"type": "move", "to": 3}}"#,
    )
    .expect("valid");
    assert_eq!(d.items[1].weight, Some(3.0));
    assert_eq!(d.pair, Some([4, 5]));
    assert_eq!(d.shape, Some(Shape::Rect { w: 1, h: 2 }));
    assert_eq!(d.tagged, Some(Tagged::Move { to: 3 }));
    assert_eq!(from_str::<Shape>("\"dot\"").expect("unit"), Shape::Dot);
    assert_eq!(
        from_str::<Shape>("{\"circle\": 2}").expect("newtype"),
        Shape::Circle(2.0)
    );
    assert_eq!(from_str::<Option<u8>>("null").expect("none"), None);
}

#[test]
fn a_wrong_value_is_reported_at_its_path() {
    let (path, reason) = invalid::<Doc>(r#"{"items": [{"id": 1}, {"id": "two"}]}"#);
    assert_eq!(path, "items[1].id");
    assert_eq!(reason, "invalid type: string \"two\", expected u32");
    let (path, reason) = invalid::<Doc>(r#"{"items": [{"id": 1, "colour": 2}]}"#);
    assert_eq!(path, "items[0].colour");
    assert!(reason.starts_with("unknown field `colour`"), "{reason}");
    let (path, reason) = invalid::<Doc>(r#"{"items": [{"weight": 1}]}"#);
    assert_eq!(
        (path.as_str(), reason.as_str()),
        ("items[0]", "missing field `id`")
    );
    let (path, reason) = invalid::<Doc>(r#"{"pair": [1, 2, 3]}"#);
    assert_eq!(path, "pair");
    assert!(reason.contains("fewer elements"), "{reason}");
    let (path, reason) = invalid::<Doc>(r#"{"shape": {"hexagon": 1}}"#);
    assert_eq!(path, "shape");
    assert!(reason.starts_with("unknown variant `hexagon`"), "{reason}");
    let (path, _) = invalid::<Doc>(r#"{"shape": {"rect": {"w": -1, "h": 2}}}"#);
    assert_eq!(path, "shape.rect.w");
    let (path, _) = invalid::<Doc>(r#"{"shape": {"rect": 1, "dot": 2}}"#);
    assert_eq!(path, "shape");
    let (path, _) = invalid::<Doc>(r#"{"items": [{"id": 1.5}]}"#);
    assert_eq!(path, "items[0].id");
    let (path, reason) = invalid::<Doc>("[]");
    assert_eq!(path, ".");
    assert!(reason.starts_with("invalid type: sequence"), "{reason}");
    let (path, reason) = invalid::<Doc>(r#"{"name": "a", "name": "b"}"#);
    assert_eq!(
        (path.as_str(), reason.as_str()),
        (".", "duplicate field `name`")
    );
}

/// The same struct twice: derived by serde, and read through `json_struct!`.
#[allow(dead_code)] // The fields are compared through `Debug`.
mod derived {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Part {
        pub id: u32,
        #[serde(default = "seven")]
        pub count: u32,
        pub label: Option<String>,
        #[serde(default, rename = "as")]
        pub alias: Vec<u8>,
        pub size: u64,
    }

    fn seven() -> u32 {
        7
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Nothing {}

    #[derive(Debug, Deserialize)]
    pub struct Lenient {
        pub on: bool,
    }
}

mod table {
    use super::super::json_struct;

    #[derive(Debug)]
    pub struct Part {
        pub id: u32,
        pub count: u32,
        pub label: Option<String>,
        pub alias: Vec<u8>,
        pub size: u64,
    }

    json_struct! {
        Part from Part { id: 0, count: 7, label: None, alias: Vec::new(), size: 0 };
        required id, size;
        { id, count, label, alias as "as", size }
    }

    #[derive(Debug)]
    pub struct Nothing {}

    json_struct! {
        Nothing from Nothing {};
        {}
    }

    #[derive(Debug)]
    pub struct Lenient {
        pub on: bool,
    }

    json_struct! {
        Lenient from Lenient { on: false }, ignoring unknown;
        required on;
        { on }
    }
}

#[test]
fn table_read_structs_read_and_refuse_like_derived_ones() {
    let both = |text: &str| {
        let d = from_str::<derived::Part>(text).map(|v| format!("{v:?}"));
        let t = from_str::<table::Part>(text).map(|v| format!("{v:?}"));
        assert_eq!(
            d.map_err(|e| e.to_string()),
            t.map_err(|e| e.to_string()),
            "{text}"
        );
    };
    for text in [
        r#"{"id": 1, "size": 2}"#,
        r#"{"size": 2, "id": 1, "count": 3, "label": "x", "as": [1, 2]}"#,
        r#"{"id": 1, "size": 2, "label": null}"#,
        r#"{}"#,
        r#"{"size": 2}"#,
        r#"{"id": 1}"#,
        r#"{"id": 1, "size": 2, "colour": 3}"#,
        r#"{"id": 1, "id": 2, "size": 2}"#,
        r#"{"id": 1, "size": 2, "alias": []}"#,
        r#"{"id": "1", "size": 2}"#,
        r#"{"id": 1, "size": -2}"#,
        r#"{"id": 1, "size": 2, "as": [300]}"#,
        r#"[1, 2]"#,
        r#"3"#,
        r#"null"#,
    ] {
        both(text);
    }
    for text in ["{}", r#"{"a": 1}"#, "[]", "true"] {
        let d = from_str::<derived::Nothing>(text).map(|v| format!("{v:?}"));
        let t = from_str::<table::Nothing>(text).map(|v| format!("{v:?}"));
        assert_eq!(
            d.map_err(|e| e.to_string()),
            t.map_err(|e| e.to_string()),
            "{text}"
        );
    }
    for text in [
        r#"{"on": true, "x": [1, {"y": 2}]}"#,
        r#"{"x": 1}"#,
        r#"{"on": true, "on": false}"#,
        r#"{"on": 1}"#,
    ] {
        let d = from_str::<derived::Lenient>(text).map(|v| format!("{v:?}"));
        let t = from_str::<table::Lenient>(text).map(|v| format!("{v:?}"));
        assert_eq!(
            d.map_err(|e| e.to_string()),
            t.map_err(|e| e.to_string()),
            "{text}"
        );
    }
    assert_eq!(
        invalid::<table::Part>(r#"{"id": 1, "size": 2, "colour": 3}"#),
        (
            "colour".to_string(),
            "unknown field `colour`, expected one of `id`, `count`, `label`, `as`, `size`"
                .to_string()
        )
    );
}

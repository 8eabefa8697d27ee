//! Stored scripts: the 5.x forms (`{"script": "..."}` with the language beside it, or `code`)
//! become `{"script": {"lang", "source"}}`; removed languages are refused. A `GET _scripts/<id>`
//! answer is accepted too (its `_id` and `found` are not part of the script and are not kept).

use serde_json::{Map, Value, json};

use crate::context::Cx;
use crate::finding::Ptr;
use crate::rules;

const REMOVED_LANGUAGES: &[&str] = &["groovy", "javascript", "python"];

pub(crate) fn translate(cx: &mut Cx, input: &Value, base: &Ptr) -> Value {
    let Some(obj) = cx.object(input, base, "a stored script") else {
        return input.clone();
    };
    let outer_lang = obj.get("lang").and_then(Value::as_str);
    let sp = base.key("script");
    let mut script = match obj.get("script") {
        Some(Value::String(source)) => {
            let lang = outer_lang.unwrap_or("painless");
            if cx.on(&rules::STORED_SCRIPT_SOURCE) {
                cx.info(
                    &rules::STORED_SCRIPT_SOURCE,
                    &sp,
                    format!(
                        "the 5.x script string became `{{\"lang\": \"{lang}\", \"source\": ...}}`"
                    ),
                );
                json!({"lang": lang, "source": source})
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
            } else {
                return input.clone();
            }
        }
        Some(Value::Object(s)) => s.clone(),
        _ => {
            cx.error(
                &rules::MALFORMED_OBJECT,
                base,
                "a stored script needs `script` (a string or an object)",
            );
            return input.clone();
        }
    };
    if let Some(code) = script.shift_remove("code") {
        if cx.on(&rules::STORED_SCRIPT_SOURCE) {
            cx.info(
                &rules::STORED_SCRIPT_SOURCE,
                &sp.key("code"),
                "`code` became `source`",
            );
            script.insert("source".into(), code);
        } else {
            script.insert("code".into(), code);
        }
    }
    let lang_ptr = if script.contains_key("lang") {
        sp.key("lang")
    } else if outer_lang.is_some() {
        base.key("lang")
    } else {
        sp.clone()
    };
    if !script.contains_key("lang")
        && let Some(lang) = outer_lang
    {
        script.insert("lang".into(), Value::from(lang));
    }
    let lang = script
        .get("lang")
        .and_then(Value::as_str)
        .unwrap_or("painless")
        .to_string();
    if REMOVED_LANGUAGES.contains(&lang.as_str()) && cx.on(&rules::SCRIPT_LANGUAGE_REMOVED) {
        cx.error(
            &rules::SCRIPT_LANGUAGE_REMOVED,
            &lang_ptr,
            format!(
                "`{lang}` scripts do not run on {}: rewrite it in Painless",
                cx.dst
            ),
        );
    }
    let mut out = Map::new();
    out.insert("script".into(), Value::Object(script));
    Value::Object(out)
}

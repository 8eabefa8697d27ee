//! Mappings put over HTTP, per version: new fields merge into the existing mapping, a field whose
//! type changes is refused with the version's `illegal_argument_exception`, typed paths exist where
//! the version has mapping types (`/{index}/{type}/_mapping`, `/{index}/_mapping/{type}`) and are
//! refused where it does not.

use super::http::{call, ok, refused, start};
use migrate_sandbox::Flavor;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn es7_typeless_put_merges_and_refuses_type_changes() {
    let sb = start(Flavor::Elasticsearch, "7.10.2").await;
    ok(
        &sb,
        Method::PUT,
        "/books",
        Some(json!({"mappings": {"properties": {"title": {"type": "text"}, "meta": {"properties": {"pages": {"type": "long"}}}}}})),
    )
    .await;
    let v = ok(
        &sb,
        Method::PUT,
        "/books/_mapping",
        Some(json!({"properties": {"year": {"type": "integer"}, "meta": {"properties": {"isbn": {"type": "keyword"}}}}})),
    )
    .await;
    assert_eq!(v, json!({"acknowledged": true}));
    let m = ok(&sb, Method::GET, "/books/_mapping", None).await;
    let props = &m["books"]["mappings"]["properties"];
    assert_eq!(props["title"]["type"], "text", "{m}");
    assert_eq!(props["year"]["type"], "integer", "{m}");
    assert_eq!(props["meta"]["properties"]["pages"]["type"], "long", "{m}");
    assert_eq!(
        props["meta"]["properties"]["isbn"]["type"], "keyword",
        "{m}"
    );

    let (s, v) = call(
        &sb,
        Method::PUT,
        "/books/_mapping",
        Some(json!({"properties": {"meta": {"properties": {"pages": {"type": "text"}}}, "extra": {"type": "long"}}})),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["type"], "illegal_argument_exception");
    assert_eq!(
        v["error"]["reason"],
        "mapper [meta.pages] cannot be changed from type [long] to [text]"
    );
    // A refused update changes nothing, not even its compatible part.
    let m = ok(&sb, Method::GET, "/books/_mapping", None).await;
    assert!(
        m["books"]["mappings"]["properties"].get("extra").is_none(),
        "{m}"
    );

    // Typed paths need include_type_name on 7.x.
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/books/_mapping/_doc",
        Some(json!({"properties": {"n": {"type": "long"}}})),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["type"], "illegal_argument_exception");
    ok(
        &sb,
        Method::PUT,
        "/books/_mapping/_doc?include_type_name=true",
        Some(json!({"properties": {"n": {"type": "long"}}})),
    )
    .await;
    let m = ok(&sb, Method::GET, "/books/_mapping", None).await;
    assert_eq!(
        m["books"]["mappings"]["properties"]["n"]["type"], "long",
        "{m}"
    );
}

#[tokio::test]
async fn es6_typed_paths_and_the_single_type_rule() {
    let sb = start(Flavor::Elasticsearch, "6.8.23").await;
    ok(&sb, Method::PUT, "/books", None).await;
    // Typeless without a type: the 6.x validation error.
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/books/_mapping",
        Some(json!({"properties": {"title": {"type": "text"}}})),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["type"], "action_request_validation_exception");
    assert!(
        v["error"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("mapping type is missing")),
        "{v}"
    );
    ok(
        &sb,
        Method::PUT,
        "/books/book/_mapping",
        Some(json!({"properties": {"title": {"type": "text"}}})),
    )
    .await;
    ok(
        &sb,
        Method::POST,
        "/books/_mapping/book",
        Some(json!({"properties": {"year": {"type": "long"}}})),
    )
    .await;
    let m = ok(&sb, Method::GET, "/books/_mapping", None).await;
    let props = &m["books"]["mappings"]["book"]["properties"];
    assert_eq!(props["title"]["type"], "text", "{m}");
    assert_eq!(props["year"]["type"], "long", "{m}");
    // 6.8 typeless with include_type_name=false lands under `_doc`.
    ok(&sb, Method::PUT, "/typeless", None).await;
    ok(
        &sb,
        Method::PUT,
        "/typeless/_mapping?include_type_name=false",
        Some(json!({"properties": {"title": {"type": "text"}}})),
    )
    .await;
    let m = ok(&sb, Method::GET, "/typeless/_mapping", None).await;
    assert_eq!(
        m["typeless"]["mappings"]["_doc"]["properties"]["title"]["type"], "text",
        "{m}"
    );
    let e = refused(
        &sb,
        Method::PUT,
        "/books/other/_mapping",
        Some(json!({"properties": {"x": {"type": "long"}}})),
        400,
    )
    .await;
    assert_eq!(
        e["reason"],
        "Rejecting mapping update to [books] as the final mapping would have more than 1 type: [book, other]"
    );
    let e = refused(
        &sb,
        Method::PUT,
        "/books/book/_mapping",
        Some(json!({"properties": {"year": {"type": "keyword"}}})),
        400,
    )
    .await;
    assert_eq!(e["type"], "illegal_argument_exception");
    assert_eq!(
        e["reason"],
        "mapper [year] of different type, current_type [long], merged_type [keyword]"
    );
}

#[tokio::test]
async fn es5_many_types_and_typeless_versions_refuse_typed_paths() {
    let sb = start(Flavor::Elasticsearch, "5.6.16").await;
    ok(&sb, Method::PUT, "/lib", None).await;
    ok(
        &sb,
        Method::PUT,
        "/lib/book/_mapping",
        Some(json!({"properties": {"title": {"type": "text"}}})),
    )
    .await;
    ok(
        &sb,
        Method::PUT,
        "/lib/_mapping/film",
        Some(json!({"properties": {"length": {"type": "long"}}})),
    )
    .await;
    let m = ok(&sb, Method::GET, "/lib/_mapping", None).await;
    assert_eq!(
        m["lib"]["mappings"]["book"]["properties"]["title"]["type"], "text",
        "{m}"
    );
    assert_eq!(
        m["lib"]["mappings"]["film"]["properties"]["length"]["type"], "long",
        "{m}"
    );

    let os = start(Flavor::OpenSearch, "2.11.0").await;
    ok(&os, Method::PUT, "/lib", None).await;
    let e = refused(
        &os,
        Method::PUT,
        "/lib/_mapping/book",
        Some(json!({"properties": {"title": {"type": "text"}}})),
        400,
    )
    .await;
    assert_eq!(e["type"], "illegal_argument_exception");
    ok(
        &os,
        Method::PUT,
        "/lib/_mapping",
        Some(json!({"properties": {"title": {"type": "text"}}})),
    )
    .await;
    let e = refused(
        &os,
        Method::PUT,
        "/lib/_mapping",
        Some(json!({"properties": {"title": {"type": "long"}}})),
        400,
    )
    .await;
    assert_eq!(
        e["reason"],
        "mapper [title] cannot be changed from type [text] to [long]"
    );
}

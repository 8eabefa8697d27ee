//! Templates, ingest pipelines and lifecycle policies per version, over HTTP: what each version
//! accepts and refuses, and what an index created afterwards gets from the templates.

use super::http::{call, ok, refused, start};
use migrate_sandbox::Flavor;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_legacy_template_is_spelled_template_on_5x_and_index_patterns_from_6x() {
    let es5 = start(Flavor::Elasticsearch, "5.6.16").await;
    let t5 = json!({"template": "logs-*", "mappings": {"log": {"properties": {"msg": {"type": "text"}}}}});
    ok(&es5, Method::PUT, "/_template/logs", Some(t5)).await;
    let v = ok(&es5, Method::GET, "/_template/logs", None).await;
    assert_eq!(v["logs"]["template"], "logs-*");
    assert_eq!(
        v["logs"]["mappings"]["log"]["properties"]["msg"]["type"],
        "text"
    );
    assert_eq!(
        refused(
            &es5,
            Method::PUT,
            "/_template/x",
            Some(json!({"index_patterns": ["x*"]})),
            400
        )
        .await["type"],
        "parsing_exception"
    );

    let es7 = start(Flavor::Elasticsearch, "7.10.2").await;
    // 7.x refuses the 5.x spelling
    refused(
        &es7,
        Method::PUT,
        "/_template/x",
        Some(json!({"template": "x*"})),
        400,
    )
    .await;
    let e = refused(
        &es7,
        Method::PUT,
        "/_template/x",
        Some(json!({"settings": {}})),
        400,
    )
    .await;
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("index patterns are missing"),
        "{e}"
    );
    let typed = json!({"index_patterns": ["x*"], "mappings": {"_doc": {"properties": {"a": {"type": "keyword"}}}}});
    // a typed mapping needs include_type_name on 7.x
    refused(&es7, Method::PUT, "/_template/x", Some(typed.clone()), 400).await;
    ok(
        &es7,
        Method::PUT,
        "/_template/x?include_type_name=true",
        Some(typed),
    )
    .await;
    let v = ok(&es7, Method::GET, "/_template/x", None).await;
    assert_eq!(v["x"]["index_patterns"], json!(["x*"]));
    assert_eq!(v["x"]["mappings"]["properties"]["a"]["type"], "keyword");

    let os2 = start(Flavor::OpenSearch, "2.11.0").await;
    // no include_type_name on OpenSearch 2.x
    refused(
        &os2,
        Method::PUT,
        "/_template/x?include_type_name=true",
        Some(json!({"index_patterns": ["x*"]})),
        400,
    )
    .await;
    let (s, v) = call(&os2, Method::GET, "/_template/nothing", None).await;
    assert_eq!((s, v), (404, json!({})));
    assert_eq!(
        refused(&os2, Method::DELETE, "/_template/nothing", None, 404).await["type"],
        "index_template_missing_exception"
    );
}

#[tokio::test]
async fn an_index_created_after_a_legacy_template_gets_its_settings_mappings_and_aliases() {
    let sb = start(Flavor::Elasticsearch, "6.8.23").await;
    let t = json!({
        "index_patterns": ["logs-*"], "order": 1,
        "settings": {"number_of_shards": 2},
        "mappings": {"doc": {"properties": {"msg": {"type": "text"}}}},
        "aliases": {"all-logs": {"filter": {"term": {"level": "error"}}}}
    });
    ok(&sb, Method::PUT, "/_template/logs", Some(t)).await;
    ok(&sb, Method::PUT, "/logs-1", None).await;
    let v = ok(&sb, Method::GET, "/logs-1", None).await;
    assert_eq!(v["logs-1"]["settings"]["index"]["number_of_shards"], "2");
    assert_eq!(
        v["logs-1"]["mappings"]["doc"]["properties"]["msg"]["type"],
        "text"
    );
    assert_eq!(
        v["logs-1"]["aliases"]["all-logs"]["filter"]["term"]["level"],
        "error"
    );
    // A request that names another type than the template's is refused on 6.x (one type only).
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/logs-2",
        Some(json!({"mappings": {"other": {}}})),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    // Documents indexed into a new index through auto-creation get the template too.
    let (s, _) = call(&sb, Method::PUT, "/logs-3/doc/1", Some(json!({"msg": "x"}))).await;
    assert_eq!(s, 201);
    let v = ok(&sb, Method::GET, "/logs-3/_mapping", None).await;
    assert_eq!(
        v["logs-3"]["mappings"]["doc"]["properties"]["msg"]["type"],
        "text"
    );
}

#[tokio::test]
async fn composable_templates_exist_from_7_8_and_layer_component_templates_by_priority() {
    let es6 = start(Flavor::Elasticsearch, "6.8.23").await;
    // 6.x has no composable templates
    refused(
        &es6,
        Method::PUT,
        "/_index_template/t",
        Some(json!({"index_patterns": ["a*"]})),
        405,
    )
    .await;
    refused(
        &es6,
        Method::PUT,
        "/_component_template/c",
        Some(json!({"template": {}})),
        405,
    )
    .await;

    let sb = start(Flavor::Elasticsearch, "8.11.0").await;
    assert_eq!(
        refused(
            &sb,
            Method::PUT,
            "/_index_template/t",
            Some(json!({"index_patterns": ["a*"], "composed_of": ["c"]})),
            400
        )
        .await["type"],
        "invalid_index_template_exception"
    );
    let c = json!({"template": {"settings": {"number_of_shards": 3}, "mappings": {"properties": {"c": {"type": "keyword"}}}}});
    ok(&sb, Method::PUT, "/_component_template/c", Some(c)).await;
    let t = json!({"index_patterns": ["a*"], "priority": 5, "composed_of": ["c"],
                   "template": {"mappings": {"properties": {"t": {"type": "long"}}}}});
    ok(&sb, Method::PUT, "/_index_template/t", Some(t)).await;
    // same priority, overlapping patterns
    refused(
        &sb,
        Method::PUT,
        "/_index_template/u",
        Some(json!({"index_patterns": ["ab*"], "priority": 5})),
        400,
    )
    .await;
    ok(
        &sb,
        Method::PUT,
        "/_index_template/u",
        Some(json!({"index_patterns": ["ab*"], "priority": 9})),
    )
    .await;
    // A legacy template matching too is ignored once a composable one matches.
    ok(
        &sb,
        Method::PUT,
        "/_template/old",
        Some(json!({"index_patterns": ["a*"], "settings": {"number_of_shards": 7}})),
    )
    .await;

    ok(&sb, Method::PUT, "/apple", None).await;
    let v = ok(&sb, Method::GET, "/apple", None).await;
    assert_eq!(v["apple"]["settings"]["index"]["number_of_shards"], "3");
    assert_eq!(v["apple"]["mappings"]["properties"]["c"]["type"], "keyword");
    assert_eq!(v["apple"]["mappings"]["properties"]["t"]["type"], "long");
    // `ab*` has the higher priority: only its (empty) template applies.
    ok(&sb, Method::PUT, "/abc", None).await;
    let v = ok(&sb, Method::GET, "/abc", None).await;
    assert_eq!(v["abc"]["settings"]["index"]["number_of_shards"], "1");

    let v = ok(&sb, Method::GET, "/_index_template/t", None).await;
    assert_eq!(
        v["index_templates"][0]["index_template"]["composed_of"],
        json!(["c"])
    );
    assert_eq!(v["index_templates"][0]["index_template"]["priority"], 5);
    // a component template in use cannot be deleted
    refused(&sb, Method::DELETE, "/_component_template/c", None, 400).await;
    assert_eq!(
        refused(&sb, Method::GET, "/_index_template/none", None, 404).await["type"],
        "resource_not_found_exception"
    );
}

#[tokio::test]
async fn ingest_pipelines_are_stored_checked_and_never_silently_skipped() {
    let sb = start(Flavor::OpenSearch, "2.11.0").await;
    assert_eq!(
        refused(
            &sb,
            Method::PUT,
            "/_ingest/pipeline/p",
            Some(json!({"description": "x"})),
            400
        )
        .await["type"],
        "parse_exception"
    );
    let e = refused(
        &sb,
        Method::PUT,
        "/_ingest/pipeline/p",
        Some(json!({"processors": [{"nope": {}}]})),
        400,
    )
    .await;
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("No processor type exists with name [nope]")
    );
    let p = json!({"description": "x", "processors": [{"set": {"field": "a", "value": 1}}]});
    ok(&sb, Method::PUT, "/_ingest/pipeline/p", Some(p.clone())).await;
    assert_eq!(
        ok(&sb, Method::GET, "/_ingest/pipeline/p", None).await,
        json!({"p": p})
    );
    // the sandbox refuses what it cannot run
    refused(
        &sb,
        Method::PUT,
        "/i/_doc/1?pipeline=p",
        Some(json!({"b": 1})),
        400,
    )
    .await;
    ok(&sb, Method::DELETE, "/_ingest/pipeline/p", None).await;
    let (s, v) = call(&sb, Method::GET, "/_ingest/pipeline/p", None).await;
    assert_eq!((s, v), (404, json!({})));
    refused(&sb, Method::DELETE, "/_ingest/pipeline/p", None, 404).await;
}

#[tokio::test]
async fn ilm_policies_exist_from_6_6_and_check_their_phases() {
    let old = start(Flavor::Elasticsearch, "6.5.4").await;
    refused(&old, Method::GET, "/_ilm/policy", None, 400).await;
    let sb = start(Flavor::Elasticsearch, "6.8.23").await;
    let bad = json!({"policy": {"phases": {"lukewarm": {"actions": {}}}}});
    refused(&sb, Method::PUT, "/_ilm/policy/p", Some(bad), 400).await;
    let bad = json!({"policy": {"phases": {"delete": {"actions": {"rollover": {}}}}}});
    refused(&sb, Method::PUT, "/_ilm/policy/p", Some(bad), 400).await;
    let good = json!({"policy": {"phases": {"hot": {"actions": {"rollover": {"max_age": "1d"}}}, "delete": {"min_age": "30d", "actions": {"delete": {}}}}}});
    ok(&sb, Method::PUT, "/_ilm/policy/p", Some(good.clone())).await;
    ok(&sb, Method::PUT, "/_ilm/policy/p", Some(good.clone())).await;
    let v = ok(&sb, Method::GET, "/_ilm/policy/p", None).await;
    assert_eq!(v["p"]["version"], 2);
    assert_eq!(v["p"]["policy"], good["policy"]);
    let os = start(Flavor::OpenSearch, "2.11.0").await;
    // OpenSearch has no ILM
    refused(&os, Method::GET, "/_ilm/policy", None, 400).await;
}

#[tokio::test]
async fn an_ism_policy_is_replaced_only_with_the_stored_copys_seq_no_and_primary_term() {
    let sb = start(Flavor::OpenSearch, "2.11.0").await;
    let policy = json!({"policy": {"description": "d", "default_state": "hot",
        "states": [{"name": "hot", "actions": [], "transitions": [{"state_name": "delete", "conditions": {"min_index_age": "30d"}}]},
                   {"name": "delete", "actions": [{"delete": {}}], "transitions": []}]}});
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/_plugins/_ism/policies/p",
        Some(policy.clone()),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let seq = v["_seq_no"].as_u64().unwrap();
    assert_eq!(
        refused(
            &sb,
            Method::PUT,
            "/_plugins/_ism/policies/p",
            Some(policy.clone()),
            409
        )
        .await["type"],
        "version_conflict_engine_exception"
    );
    refused(
        &sb,
        Method::PUT,
        &format!(
            "/_plugins/_ism/policies/p?if_seq_no={}&if_primary_term=1",
            seq + 5
        ),
        Some(policy.clone()),
        409,
    )
    .await;
    let (s, v) = call(
        &sb,
        Method::PUT,
        &format!("/_plugins/_ism/policies/p?if_seq_no={seq}&if_primary_term=1"),
        Some(policy.clone()),
    )
    .await;
    assert_eq!((s, v["_version"].as_u64()), (200, Some(2)));
    let v = ok(&sb, Method::GET, "/_plugins/_ism/policies/p", None).await;
    assert_eq!(v["policy"]["default_state"], "hot");
    assert_eq!(v["policy"]["policy_id"], "p");
    let bad = json!({"policy": {"default_state": "nope", "states": [{"name": "hot", "actions": [], "transitions": []}]}});
    refused(
        &sb,
        Method::PUT,
        "/_plugins/_ism/policies/q",
        Some(bad),
        400,
    )
    .await;
    // the _opendistro paths are OpenSearch 1.x only
    refused(&sb, Method::GET, "/_opendistro/_ism/policies/p", None, 400).await;
    let os1 = start(Flavor::OpenSearch, "1.3.14").await;
    let (s, _) = call(
        &os1,
        Method::PUT,
        "/_opendistro/_ism/policies/p",
        Some(policy),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(
        refused(&sb, Method::GET, "/_plugins/_ism/policies/none", None, 404).await["type"],
        "status_exception"
    );
    let es = start(Flavor::Elasticsearch, "8.11.0").await;
    // Elasticsearch has no ISM
    refused(&es, Method::GET, "/_plugins/_ism/policies/p", None, 400).await;
}

#[tokio::test]
async fn a_data_stream_needs_its_template_and_takes_only_creates_with_a_timestamp() {
    let es6 = start(Flavor::Elasticsearch, "6.8.23").await;
    // 6.x has no data streams
    refused(&es6, Method::PUT, "/_data_stream/logs-app", None, 400).await;
    let sb = start(Flavor::Elasticsearch, "7.17.22").await;
    let (s, v) = call(&sb, Method::PUT, "/_data_stream/logs-app", None).await;
    assert_eq!(s, 400, "no data-stream template yet: {v}");
    let t = json!({"index_patterns": ["logs-*"], "data_stream": {},
                   "template": {"mappings": {"properties": {"msg": {"type": "keyword"}}}}});
    ok(&sb, Method::PUT, "/_index_template/logs", Some(t)).await;
    // The first create to a matching name makes the stream.
    let (s, v) = call(
        &sb,
        Method::POST,
        "/logs-app/_doc",
        Some(json!({"@timestamp": "2024-01-01T00:00:00Z", "msg": "a"})),
    )
    .await;
    assert_eq!(s, 400, "op_type index is refused: {v}");
    // @timestamp is required
    refused(
        &sb,
        Method::PUT,
        "/logs-app/_create/1",
        Some(json!({"msg": "a"})),
        400,
    )
    .await;
    let (s, v) = call(
        &sb,
        Method::PUT,
        "/logs-app/_create/1",
        Some(json!({"@timestamp": "2024-01-01T00:00:00Z", "msg": "a"})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let backing = v["_index"].as_str().unwrap().to_owned();
    assert!(
        backing.starts_with(".ds-logs-app-") && backing.ends_with("-000001"),
        "{backing}"
    );
    let v = ok(&sb, Method::GET, "/_data_stream/logs-app", None).await;
    assert_eq!(
        v["data_streams"][0]["indices"][0]["index_name"],
        backing.as_str()
    );
    assert_eq!(v["data_streams"][0]["template"], "logs");
    let m = ok(&sb, Method::GET, &format!("/{backing}/_mapping"), None).await;
    assert_eq!(
        m[&backing]["mappings"]["properties"]["@timestamp"]["type"],
        "date"
    );
    assert_eq!(
        m[&backing]["mappings"]["properties"]["msg"]["type"],
        "keyword"
    );
    // a template in use by a stream stays
    refused(&sb, Method::DELETE, "/_index_template/logs", None, 400).await;
    ok(&sb, Method::DELETE, "/_data_stream/logs-app", None).await;
    // the backing index goes with the stream
    refused(&sb, Method::GET, &format!("/{backing}"), None, 404).await;
}

#[tokio::test]
async fn a_data_stream_is_read_through_its_name_and_rolls_over_to_a_new_write_index() {
    let sb = start(Flavor::Elasticsearch, "8.15.0").await;
    let t = json!({"index_patterns": ["logs-*"], "data_stream": {}});
    ok(&sb, Method::PUT, "/_index_template/logs", Some(t)).await;
    ok(&sb, Method::PUT, "/_data_stream/logs-app", None).await;
    let doc = json!({"@timestamp": "2024-01-01T00:00:00Z", "msg": "a"});
    let (s, v) = call(&sb, Method::PUT, "/logs-app/_doc/1", Some(doc.clone())).await;
    assert_eq!(s, 400, "an index by id is refused: {v}");
    assert!(
        v["error"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("op_type of create")),
        "{v}"
    );
    let (s, _) = call(&sb, Method::PUT, "/logs-app/_create/1", Some(doc.clone())).await;
    assert_eq!(s, 201);
    let (s, v) = call(&sb, Method::PUT, "/logs-app/_create/1", Some(doc.clone())).await;
    assert_eq!(s, 409, "the id is in the write index: {v}");
    ok(&sb, Method::POST, "/logs-app/_refresh", None).await;
    let c = ok(&sb, Method::GET, "/logs-app/_count", None).await;
    assert_eq!(c["count"], 1, "counted through the stream's name");
    let c = ok(&sb, Method::GET, "/logs-*/_count", None).await;
    assert_eq!(c["count"], 1, "a wildcard matches the stream");

    let r = ok(&sb, Method::POST, "/logs-app/_rollover", None).await;
    let (old, new) = (
        r["old_index"].as_str().unwrap().to_owned(),
        r["new_index"].as_str().unwrap().to_owned(),
    );
    assert!(old.ends_with("-000001") && new.ends_with("-000002"), "{r}");
    let v = ok(&sb, Method::GET, "/_data_stream/logs-app", None).await;
    assert_eq!(
        v["data_streams"][0]["indices"][1]["index_name"],
        new.as_str()
    );
    assert_eq!(v["data_streams"][0]["generation"], 2);
    // Ids are unique per backing index only: the same id now lands in the new write index.
    let (s, v) = call(&sb, Method::PUT, "/logs-app/_create/1", Some(doc)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["_index"], new.as_str());
    ok(&sb, Method::POST, "/logs-app/_refresh", None).await;
    let c = ok(&sb, Method::GET, "/logs-app/_count", None).await;
    assert_eq!(c["count"], 2);
    let (s, _) = call(&sb, Method::POST, "/not-a-stream/_rollover", None).await;
    assert_eq!(s, 400);
}

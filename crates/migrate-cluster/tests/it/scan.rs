//! The scan reader against the sandbox on every family: each document exactly once (id, routing,
//! type, source), PIT paging only where the quirks table says so, a cursor that survives
//! serialization, and an expired context reported (never silently restarted).

use std::collections::BTreeMap;

use migrate_cluster::scan::{Scan, ScanCursor, ScanError, ScanMethod};
use migrate_cluster::{ClusterClient, ClusterConfig, Side};
use migrate_graph::requests::scan::scan;
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::Value;

const VERSIONS: &[(Flavor, &str, ScanMethod)] = &[
    (Flavor::Elasticsearch, "5.6.16", ScanMethod::Scroll),
    (Flavor::Elasticsearch, "6.8.23", ScanMethod::Scroll),
    (Flavor::Elasticsearch, "7.10.2", ScanMethod::Scroll),
    (Flavor::Elasticsearch, "7.17.20", ScanMethod::Pit),
    (Flavor::Elasticsearch, "8.15.0", ScanMethod::Pit),
    (Flavor::OpenSearch, "1.3.19", ScanMethod::Scroll),
    (Flavor::OpenSearch, "2.11.0", ScanMethod::Scroll),
];

async fn sandbox(flavor: Flavor, version: &str) -> RunningSandbox {
    Sandbox::builder()
        .flavor(flavor)
        .version(version)
        .start()
        .await
        .expect("sandbox")
}

async fn client(sb: &RunningSandbox) -> ClusterClient {
    ClusterClient::new(&ClusterConfig::new(
        sb.url().parse().expect("url"),
        Side::Source,
    ))
    .await
    .expect("client")
}

/// `n` documents in a 3-shard index; every 7th has a routing; typed below 7.
async fn seed(sb: &RunningSandbox, typed: bool, index: &str, n: usize) {
    let http = reqwest::Client::new();
    let r = http
        .put(format!("{}/{index}", sb.url()))
        .json(&serde_json::json!({"settings": {"number_of_shards": 3}}))
        .send()
        .await
        .expect("create");
    assert!(r.status().is_success(), "{:?}", r.text().await);
    let mut body = String::new();
    for i in 0..n {
        let ty = if typed { ",\"_type\":\"doc\"" } else { "" };
        let routing = if i.is_multiple_of(7) {
            format!(",\"routing\":\"r{}\"", i % 3)
        } else {
            String::new()
        };
        body.push_str(&format!(
            "{{\"index\":{{\"_index\":\"{index}\",\"_id\":\"d{i}\"{ty}{routing}}}}}\n{{\"n\":{i},\"t\":\"v{i}\"}}\n"
        ));
    }
    migrate_test_support::sandboxes::bulk(&sb.url(), None, body).await;
}

/// Reads every slice to the end: id → (routing, type, source).
async fn read_all(
    scan: &Scan<'_>,
) -> Result<BTreeMap<String, Vec<(Option<String>, Option<String>, Value)>>, ScanError> {
    let mut seen: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for k in 0..scan.slices() {
        let mut r = scan.slice(k);
        while let Some(page) = r.next_page().await? {
            assert!(page.hits <= 300, "a page holds at most the page size");
            for d in page.docs().expect("docs") {
                let src: Value =
                    serde_json::from_str(d.source.expect("source").get()).expect("json");
                seen.entry(d.id.to_string()).or_default().push((
                    d.routing.map(|r| r.to_string()),
                    d.doc_type.map(|t| t.to_string()),
                    src,
                ));
            }
        }
        assert!(r.cursor().is_done());
    }
    Ok(seen)
}

#[tokio::test]
async fn every_family_scans_each_document_exactly_once_with_routing_type_and_source() {
    for &(flavor, version, method) in VERSIONS {
        let sb = sandbox(flavor, version).await;
        let typed = version.starts_with('5') || version.starts_with('6');
        seed(&sb, typed, "scan-me", 2_500).await;
        let c = client(&sb).await;
        let scan = Scan::new(&c, scan(Side::Source, "scan-me", 300), 3)
            .await
            .expect("scan");
        assert_eq!(scan.method(), method, "{flavor:?} {version}");
        let expected_slices = if method == ScanMethod::Pit { 1 } else { 3 };
        assert_eq!(scan.slices(), expected_slices);
        let seen = read_all(&scan).await.expect("read");
        assert_eq!(seen.len(), 2_500, "{flavor:?} {version}: every document");
        for (id, copies) in &seen {
            assert_eq!(
                copies.len(),
                1,
                "{version}: `{id}` read {} times",
                copies.len()
            );
            let i: usize = id[1..].parse().expect("n");
            let (routing, ty, src) = &copies[0];
            assert_eq!(src["n"], i, "{version}: `{id}`'s source");
            let want = i.is_multiple_of(7).then(|| format!("r{}", i % 3));
            assert_eq!(routing, &want, "{version}: `{id}`'s routing");
            if typed {
                assert_eq!(ty.as_deref(), Some("doc"), "{version}: `{id}`'s type");
            }
        }
        sb.shutdown().await;
    }
}

/// Removes every scroll and PIT the sandbox holds, as an expiry (or a restarted node) would.
async fn expire_contexts(sb: &RunningSandbox, flavor_pit: bool, pit: Option<&str>) {
    let http = reqwest::Client::new();
    let r = if flavor_pit {
        http.delete(format!("{}/_pit", sb.url()))
            .json(&serde_json::json!({"id": pit.expect("pit id")}))
            .send()
            .await
    } else {
        http.delete(format!("{}/_search/scroll/_all", sb.url()))
            .send()
            .await
    }
    .expect("expire");
    assert!(r.status().is_success(), "{:?}", r.text().await);
}

#[tokio::test]
async fn a_cursor_resumes_after_serialization_and_an_expired_context_is_an_error_until_restarted() {
    // ES 8 pages a PIT; ES 6.8 with more slices than shards reads hash shares of shards, which
    // no search outside the scroll can select: both report the expiry and restart explicitly.
    for &(flavor, version, method, slices) in &[
        (VERSIONS[1].0, VERSIONS[1].1, VERSIONS[1].2, 4),
        (VERSIONS[4].0, VERSIONS[4].1, VERSIONS[4].2, 1),
    ] {
        let sb = sandbox(flavor, version).await;
        seed(&sb, version.starts_with('6'), "resume-me", 3_000).await;
        let c = client(&sb).await;
        let scan = Scan::new(&c, scan(Side::Source, "resume-me", 100), slices)
            .await
            .expect("scan");
        assert_eq!(scan.method(), method);
        let whole_slice: Vec<String> = {
            let mut r = scan.slice(0);
            let mut ids = Vec::new();
            while let Some(p) = r.next_page().await.expect("page") {
                ids.extend(p.docs().expect("docs").iter().map(|d| d.id.to_string()));
            }
            ids
        };
        let mut ids = Vec::new();
        let mut r = scan.slice(0);
        let first = r.next_page().await.expect("page").expect("hits");
        ids.extend(first.docs().expect("docs").iter().map(|d| d.id.to_string()));
        // The cursor goes through JSON (a checkpoint) and the read continues from it.
        let saved = serde_json::to_string(r.cursor()).expect("cursor json");
        drop(r);
        let cursor: ScanCursor = serde_json::from_str(&saved).expect("cursor back");
        let mut r = scan.resume(cursor).expect("resume");
        let second = r.next_page().await.expect("page").expect("hits");
        ids.extend(
            second
                .docs()
                .expect("docs")
                .iter()
                .map(|d| d.id.to_string()),
        );
        assert_eq!(r.cursor().docs, 200);

        // The context disappears: the next page is an error naming the slice, not a fresh start.
        let pit = r.cursor().context().map(str::to_owned);
        expire_contexts(&sb, method == ScanMethod::Pit, pit.as_deref()).await;
        let e = r.next_page().await.expect_err("expired");
        assert!(e.is_expired(), "{e}");
        assert!(e.to_string().contains("after 200 documents"), "{e}");
        let again = r.next_page().await.expect_err("still expired");
        assert!(again.is_expired(), "{again}");

        // Restarted explicitly, the slice reads everything once more and counts the restart.
        r.restart();
        let mut all = Vec::new();
        while let Some(p) = r.next_page().await.expect("page") {
            all.extend(p.docs().expect("docs").iter().map(|d| d.id.to_string()));
        }
        assert_eq!(all, whole_slice, "{version}");
        assert_eq!(r.cursor().restarts, 1);
        assert_eq!(r.cursor().reopens, 0);
        assert!(ids.iter().all(|i| all.contains(i)));
        sb.shutdown().await;
    }
}

/// Reads `pages` pages of a slice, adding each id to `seen`.
async fn take_pages(
    r: &mut migrate_cluster::scan::SliceReader<'_>,
    pages: usize,
    seen: &mut BTreeMap<String, usize>,
) {
    for _ in 0..pages {
        let page = r.next_page().await.expect("page").expect("hits");
        for d in page.docs().expect("docs") {
            *seen.entry(d.id.to_string()).or_default() += 1;
        }
    }
}

#[tokio::test]
async fn an_expired_scroll_reopens_after_its_last_document_on_every_scroll_version() {
    for &(flavor, version, method) in VERSIONS {
        if method != ScanMethod::Scroll {
            continue;
        }
        let sb = sandbox(flavor, version).await;
        let typed = version.starts_with('5') || version.starts_with('6');
        seed(&sb, typed, "reopen-me", 2_500).await;
        let c = client(&sb).await;
        let scan = Scan::new(&c, scan(Side::Source, "reopen-me", 100), 3)
            .await
            .expect("scan");
        let tiebreaker = if typed { "_uid" } else { "_id" };
        assert_eq!(scan.tiebreaker(), Some(tiebreaker), "{version}");
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut readers: Vec<_> = (0..scan.slices()).map(|k| scan.slice(k)).collect();
        for r in &mut readers {
            take_pages(r, 2, &mut seen).await;
        }
        // Every scroll is gone mid-slice (an expiry after a long pause).
        expire_contexts(&sb, false, None).await;
        for r in &mut readers {
            while let Some(page) = r.next_page().await.expect("the slice reopens by position") {
                for d in page.docs().expect("docs") {
                    *seen.entry(d.id.to_string()).or_default() += 1;
                }
            }
            assert!(r.cursor().is_done());
            assert_eq!(r.cursor().reopens, 1, "{version}: one reopen");
            assert_eq!(r.cursor().restarts, 0, "{version}: never from zero");
        }
        assert_eq!(seen.len(), 2_500, "{version}: no document skipped");
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            twice.is_empty(),
            "{version}: read again after the reopen: {twice:?}"
        );
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn a_saved_scroll_cursor_reopens_after_its_last_page_rereading_at_most_one_page() {
    for &(flavor, version, _) in &[VERSIONS[0], VERSIONS[6]] {
        let sb = sandbox(flavor, version).await;
        let typed = version.starts_with('5');
        seed(&sb, typed, "killed", 2_000).await;
        let c = client(&sb).await;
        let scan = Scan::new(&c, scan(Side::Source, "killed", 100), 2)
            .await
            .expect("scan");
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut r = scan.slice(1);
        take_pages(&mut r, 3, &mut seen).await;
        // The checkpoint holds the cursor after page 3; the run reads page 4 and is killed before
        // writing it, leaving its scroll moved on.
        let saved = serde_json::to_string(r.cursor()).expect("cursor json");
        let mut lost = BTreeMap::new();
        take_pages(&mut r, 1, &mut lost).await;
        drop(r);
        let cursor: ScanCursor = serde_json::from_str(&saved).expect("cursor back");
        let mut r = scan.resume(cursor).expect("resume");
        assert!(
            r.reopen().await,
            "{version}: whole shards reopen by position"
        );
        let mut reread = 0;
        while let Some(page) = r.next_page().await.expect("page") {
            for d in page.docs().expect("docs") {
                let id = d.id.to_string();
                if lost.contains_key(&id) {
                    reread += 1;
                }
                *seen.entry(id).or_default() += 1;
            }
        }
        // Exactly the unwritten page is read again, nothing before it, and nothing is skipped.
        assert_eq!(reread, 100, "{version}");
        assert!(
            seen.values().all(|n| *n == 1),
            "{version}: a written page read again"
        );
        let mut whole = scan.slice(1);
        let mut expected = BTreeMap::new();
        while let Some(page) = whole.next_page().await.expect("page") {
            for d in page.docs().expect("docs") {
                expected.insert(d.id.to_string(), 1usize);
            }
        }
        assert_eq!(
            seen, expected,
            "{version}: every document of the slice once"
        );
        sb.shutdown().await;
    }
}

#[test]
fn a_cursor_from_another_scan_shape_is_refused() {
    let c = ScanCursor::new("other", ScanMethod::Scroll, 0, 2);
    assert_eq!(c.context(), None);
    assert!(!c.is_done());
    let json = serde_json::to_value(&c).expect("json");
    assert_eq!(json["position"]["at"], "start");
}

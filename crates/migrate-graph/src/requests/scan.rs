//! The full scan of one index (every live document, once), built once here and sent by
//! migrate-cluster's scan reader: a point in time paged with `search_after` on `_doc` where the
//! version adds the `_shard_doc` tiebreaker, a sliced scroll on `_doc` elsewhere (the quirks
//! table's `pit_paging` decides at run time; previews show both).

use migrate_core::Side;
use migrate_core::request::scan::{PIT_ID, PREFERENCE, SCROLL_ID, SEARCH_AFTER, SLICE, SORT};
use migrate_core::request::{Body, Method, Request, Role, ScanRequests};
use serde_json::json;

/// Hits per scan page unless a step asks for another size.
pub const PAGE_SIZE: u32 = 1000;
/// How long a scroll or PIT stays open between two pages.
pub const KEEP_ALIVE: &str = "5m";

/// The scan requests of `index` on `side`, `page_size` hits a page (clamped to 1..=10,000).
pub fn scan(side: Side, index: &str, page_size: u32) -> ScanRequests {
    let size = page_size.clamp(1, 10_000);
    let bodies = Bodies::of(size);
    let read = |method| Request::new(Role::Read, side, method);
    ScanRequests {
        index: index.to_owned(),
        page_size: size,
        open_pit: read(Method::Post)
            .name(index)
            .at("_pit")
            .query("keep_alive", KEEP_ALIVE)
            .note("only where the version pages a point in time (ES 7.12+); a sliced scroll elsewhere"),
        pit_page: read(Method::Post).at("_search").body(bodies.pit_page),
        close_pit: read(Method::Delete).at("_pit").body(bodies.close_pit),
        open_scroll: read(Method::Post)
            .name(index)
            .at("_search")
            .query("scroll", KEEP_ALIVE)
            .body(bodies.open_scroll)
            .note("where the version has no point-in-time paging; one scroll per slice"),
        next_scroll: read(Method::Post)
            .at("_search")
            .at("scroll")
            .body(bodies.next_scroll),
        clear_scroll: read(Method::Delete)
            .at("_search")
            .at("scroll")
            .body(bodies.clear_scroll),
        after_page: read(Method::Post)
            .name(index)
            .at("_search")
            .query_slot("preference", PREFERENCE)
            .body(bodies.after_page)
            .note("only after a slice's scroll expired: the rest of the slice, after its last document, in the shards it covers"),
    }
}

/// The bodies of a scan's requests, which depend on the page size only.
#[derive(Clone)]
struct Bodies {
    pit_page: Body,
    close_pit: Body,
    open_scroll: Body,
    next_scroll: Body,
    clear_scroll: Body,
    after_page: Body,
}

impl Bodies {
    /// The bodies for `size` hits a page. A dry run previews two scans per verified index (100,000
    /// for a 50,000-index plan), almost all of one page size: each thread builds the bodies of the
    /// last size it saw once and copies their text after that.
    fn of(size: u32) -> Bodies {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(u32, Bodies)>> =
                const { std::cell::RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| match last {
            Some((seen, bodies)) if *seen == size => bodies.clone(),
            _ => {
                let bodies = Bodies::build(size);
                *last = Some((size, bodies.clone()));
                bodies
            }
        })
    }

    fn build(size: u32) -> Bodies {
        Bodies {
            pit_page: Body::json(&json!({
                "size": size,
                "pit": {"id": PIT_ID.placeholder(), "keep_alive": KEEP_ALIVE},
                "sort": ["_doc"],
                "track_total_hits": false,
                "search_after": SEARCH_AFTER.placeholder(),
            })),
            close_pit: Body::json(&json!({"id": PIT_ID.placeholder()})),
            open_scroll: Body::json(&json!({
                "size": size,
                "sort": SORT.placeholder(),
                "slice": SLICE.placeholder(),
            })),
            next_scroll: Body::json(&json!({
                "scroll": KEEP_ALIVE,
                "scroll_id": SCROLL_ID.placeholder(),
            })),
            clear_scroll: Body::json(&json!({"scroll_id": [SCROLL_ID.placeholder()]})),
            after_page: Body::json(&json!({
                "size": size,
                "sort": SORT.placeholder(),
                "search_after": SEARCH_AFTER.placeholder(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_core::request::Fills;

    #[test]
    fn the_first_pit_page_has_no_search_after_and_a_single_slice_scroll_no_slice() {
        let r = scan(Side::Source, "movies", 50_000);
        assert_eq!(r.page_size, 10_000);
        let first = r
            .pit_page
            .fill(&Fills::new().set(PIT_ID, "p1").maybe(SEARCH_AFTER, None))
            .unwrap();
        let body = first.body.unwrap();
        assert!(body.get("search_after").is_none(), "{body}");
        assert_eq!(body["pit"]["id"], "p1");
        let next = r
            .pit_page
            .fill(
                &Fills::new()
                    .set(PIT_ID, "p1")
                    .maybe(SEARCH_AFTER, Some(json!([41, 7]))),
            )
            .unwrap();
        assert_eq!(next.body.unwrap()["search_after"], json!([41, 7]));
        let scroll = r
            .open_scroll
            .fill(&Fills::new().maybe(SLICE, None).set(SORT, json!(["_doc"])))
            .unwrap();
        assert_eq!(scroll.target(), "/movies/_search?scroll=5m");
        assert!(scroll.body.unwrap().get("slice").is_none());
    }

    #[test]
    fn scans_of_another_page_size_get_their_own_bodies_not_the_last_ones_built() {
        let size = |r: &ScanRequests| {
            let page = r.after_page.body.as_ref().unwrap().as_str().to_owned();
            serde_json::from_str::<serde_json::Value>(&page).unwrap()["size"].clone()
        };
        assert_eq!(size(&scan(Side::Source, "a", 1000)), json!(1000));
        assert_eq!(size(&scan(Side::Source, "b", 250)), json!(250));
        assert_eq!(size(&scan(Side::Destination, "c", 1000)), json!(1000));
        assert_eq!(
            scan(Side::Source, "a", 250).pit_page.body,
            Some(Bodies::build(250).pit_page)
        );
    }
}

//! `create-index`: the destination index from the source's settings and mappings, with the copy-time
//! replicas and refresh interval; an existing one with compatible mappings counts as done.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Segment};
use serde::Serialize;

use super::endpoint::{mapping, settings};
use super::expand;
use super::slots::{SOURCE_MAPPINGS, SOURCE_SETTINGS};

/// What one concrete index (or, previewed, the entry) sends.
pub struct CreateIndex {
    pub source_settings: Request,
    pub source_mapping: Request,
    /// `GET /{destination}` (404: absent).
    pub existing: Request,
    pub create: Request,
    /// The destination's mapping, when it exists already: it must be compatible.
    pub existing_mapping: Request,
    /// The destination index's uuid: recorded once the step is done, and compared on resume and
    /// before every copy into it, so an index the engine did not create is never written to.
    pub identity: Request,
}

pub fn create_index(
    source: &str,
    destination: &str,
    number_of_replicas: u32,
    refresh_interval: &str,
) -> CreateIndex {
    let src = || Segment::Name(source.to_owned());
    let body = CreateBody {
        settings: CreateSettings {
            spread: SOURCE_SETTINGS.placeholder(),
            number_of_replicas: number_of_replicas.to_string(),
            refresh_interval,
        },
        mappings: SOURCE_MAPPINGS.placeholder(),
    };
    CreateIndex {
        source_settings: settings(Role::Read, Side::Source, src()),
        source_mapping: mapping(Role::Read, Side::Source, src()),
        existing: Request::new(Role::Check, Side::Destination, Method::Get).name(destination),
        create: Request::new(Role::Act, Side::Destination, Method::Put)
            .name(destination)
            .body(Body::json(&body))
            .mutates(MutatingCall::CreateIndex, destination),
        existing_mapping: mapping(
            Role::Check,
            Side::Destination,
            Segment::Name(destination.to_owned()),
        )
        .note("only when the destination index exists: its mapping must be compatible"),
        identity: identity(destination).note("its uuid, recorded when done and compared on resume (404: the index is gone, it is created again)"),
    }
}

/// `GET /_cat/indices/{index}?h=index,uuid&format=json` on the destination (404: absent).
pub fn identity(index: &str) -> Request {
    Request::new(Role::Check, Side::Destination, Method::Get)
        .at("_cat")
        .at("indices")
        .name(index)
        .query("h", "index,uuid")
        .query("format", "json")
}

/// The create body, serialised straight into text (members in this order).
#[derive(Serialize)]
struct CreateBody<'a> {
    settings: CreateSettings<'a>,
    mappings: String,
}

#[derive(Serialize)]
struct CreateSettings<'a> {
    #[serde(rename = "...")]
    spread: String,
    #[serde(rename = "index.number_of_replicas")]
    number_of_replicas: String,
    #[serde(rename = "index.refresh_interval")]
    refresh_interval: &'a str,
}

impl CreateIndex {
    pub fn list(self) -> Vec<Request> {
        vec![
            self.source_settings,
            self.source_mapping,
            self.existing,
            self.create,
            self.existing_mapping,
            self.identity,
        ]
    }
}

/// The preview of a `create-index` step: the entry resolved, then its requests (for a pattern,
/// once per index it matches).
pub fn preview(
    source: &str,
    destination: &str,
    exclude: &[String],
    number_of_replicas: u32,
    refresh_interval: &str,
) -> Vec<Request> {
    let mut resolve = expand::entry(source);
    if !exclude.is_empty() {
        resolve = resolve.note("the entry's excludes are left out of what the pattern matches");
    }
    let mut out = vec![resolve];
    out.extend(create_index(source, destination, number_of_replicas, refresh_interval).list());
    out
}

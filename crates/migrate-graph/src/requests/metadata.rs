//! `migrate-metadata`: one kind of cluster metadata (templates, pipelines, stored scripts,
//! lifecycle policies) read from the source, and per selected object the destination's copy read
//! and, when absent (or different and the plan says `replace`), the translated object written.
//! The lifecycle paths depend on each side's flavour: ILM on Elasticsearch, ISM on OpenSearch.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Slot};

use crate::metadata::MetadataObject;

/// The name of one selected object.
pub const NAME: Slot = Slot::new("name", "each selected object's name");
/// The translated object written to the destination.
pub const OBJECT: Slot = Slot::new(
    "object",
    "the source object translated for the destination's version (migrate-translate's rules)",
);
/// ISM's optimistic-concurrency guard when a policy is replaced.
pub const SEQ_NO: Slot = Slot::new("seq_no", "the destination policy's _seq_no");
/// ISM's optimistic-concurrency guard when a policy is replaced.
pub const PRIMARY_TERM: Slot = Slot::new("primary_term", "the destination policy's _primary_term");

/// What one kind's step sends.
pub struct MetadataRequests {
    /// Every object of the kind on the source (stored scripts: one, by name).
    pub list: Request,
    /// The destination's copy of one object (404: absent).
    pub existing: Request,
    /// Writes one translated object on the destination.
    pub put: Request,
    /// Replaces one ISM policy (with the stored copy's `if_seq_no`/`if_primary_term`); `None`
    /// where `put` replaces as it is.
    pub replace: Option<Request>,
}

fn path(r: Request, object: MetadataObject, opensearch: bool) -> Request {
    match object {
        MetadataObject::LegacyTemplates => r.at("_template"),
        MetadataObject::IndexTemplates => r.at("_index_template"),
        MetadataObject::ComponentTemplates => r.at("_component_template"),
        MetadataObject::Pipelines => r.at("_ingest").at("pipeline"),
        MetadataObject::StoredScripts => r.at("_scripts"),
        MetadataObject::LifecyclePolicies if opensearch => {
            r.at("_plugins").at("_ism").at("policies")
        }
        MetadataObject::LifecyclePolicies => r.at("_ilm").at("policy"),
        MetadataObject::DataStreams => r.at("_data_stream"),
    }
}

/// The requests of `object`'s step between a source and a destination of these flavours.
pub fn metadata(
    object: MetadataObject,
    source_opensearch: bool,
    destination_opensearch: bool,
) -> MetadataRequests {
    let src = Request::new(Role::Read, Side::Source, Method::Get);
    let list = match object {
        MetadataObject::StoredScripts => path(src, object, source_opensearch).slot(NAME),
        _ => path(src, object, source_opensearch),
    };
    let dst = |role, method| {
        path(
            Request::new(role, Side::Destination, method),
            object,
            destination_opensearch,
        )
        .slot(NAME)
    };
    let put = dst(Role::Act, Method::Put)
        .body(Body::json(&OBJECT.placeholder()))
        .mutates(MutatingCall::PutMetadata, object.name());
    let replace =
        (object == MetadataObject::LifecyclePolicies && destination_opensearch).then(|| {
            dst(Role::Act, Method::Put)
                .query_slot("if_seq_no", SEQ_NO)
                .query_slot("if_primary_term", PRIMARY_TERM)
                .body(Body::json(&OBJECT.placeholder()))
                .mutates(MutatingCall::PutMetadata, object.name())
                .note("only with `replace: true`, when the destination's policy differs")
        });
    MetadataRequests {
        list,
        existing: dst(Role::Check, Method::Get)
            .note("404: absent; present and equal to the translation: nothing to do; different: the step fails unless `replace: true`"),
        put,
        replace,
    }
}

impl MetadataRequests {
    pub fn list(self) -> Vec<Request> {
        let mut out = vec![self.list, self.existing, self.put];
        out.extend(self.replace);
        out
    }
}

/// The dry run's requests: Elasticsearch paths on both sides, the OpenSearch ISM forms too for
/// lifecycle policies (which one is sent depends on the flavours found at run time).
pub fn preview(object: MetadataObject) -> Vec<Request> {
    let mut out = metadata(object, false, false).list();
    if object == MetadataObject::LifecyclePolicies {
        let ism = metadata(object, false, true);
        out.push(
            ism.existing
                .note("on an OpenSearch destination (ILM becomes ISM)"),
        );
        out.push(
            ism.put
                .note("on an OpenSearch destination (ILM becomes ISM)"),
        );
        out.extend(ism.replace);
    }
    out
}

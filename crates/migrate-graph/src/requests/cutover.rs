//! `block-writes`: the cutover's write block on each source index (declared on the source).

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role};

use super::expand;

pub struct BlockWrites {
    /// `GET /{index}/_settings/index.blocks.write`: already blocked?
    pub current: Request,
    /// `PUT /{index}/_settings {"index":{"blocks":{"write":true}}}`.
    pub block: Request,
}

pub fn block_writes(index: &str) -> BlockWrites {
    BlockWrites {
        current: Request::new(Role::Check, Side::Source, Method::Get)
            .name(index)
            .at("_settings")
            .at("index.blocks.write"),
        block: Request::new(Role::Act, Side::Source, Method::Put)
            .name(index)
            .at("_settings")
            .body(Body::fixed(r#"{"index":{"blocks":{"write":true}}}"#))
            .mutates(MutatingCall::WriteBlock, index),
    }
}

impl BlockWrites {
    pub fn list(self) -> Vec<Request> {
        vec![self.current, self.block]
    }
}

pub fn preview(index: &str) -> Vec<Request> {
    let mut out: Vec<Request> = expand::for_pairs(index).into_iter().collect();
    out.extend(block_writes(index).list());
    out
}

//! Search: the query DSL subset, sorting, `_source` filtering, execution over indexes, and scroll/PIT contexts.

pub mod alias_filter;
pub mod context;
pub mod exec;
pub mod fetch;
pub mod fields;
pub mod meta_sort;
pub mod query;
pub mod scroll_rules;
pub mod sort;
pub mod source;

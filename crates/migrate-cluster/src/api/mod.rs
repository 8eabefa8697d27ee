//! Typed calls for the APIs the migration steps use, one file per area.

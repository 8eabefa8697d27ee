//! Which cluster is which: the identity (`cluster_uuid`, cluster name, flavour, version) of each
//! side, recorded by `preflight/versions` at first contact and compared by every later run, and
//! the refusal of one cluster reached under two names (`127.0.0.1` and `localhost`).

use migrate_cluster::ServerInfo;
use migrate_core::Side;
use serde_json::{Value, json};

/// The recorded identity of one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub cluster_uuid: Option<String>,
    pub name: Option<String>,
    pub flavor: String,
    pub version: Option<String>,
}

impl Identity {
    pub fn of(info: &ServerInfo) -> Self {
        Identity {
            // `_na_` is what a cluster without an elected master answers: no identity yet.
            cluster_uuid: info.cluster_uuid.clone().filter(|u| u != "_na_"),
            name: info.cluster_name.clone(),
            flavor: info.flavor().to_string(),
            version: info.release().map(|r| r.version.to_string()),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "cluster_uuid": self.cluster_uuid,
            "name": self.name,
            "flavor": self.flavor,
            "version": self.version,
        })
    }

    /// The identity recorded under `clusters.<side>` of `preflight/versions`' outputs.
    pub fn recorded(outputs: &Value, side: Side) -> Option<Self> {
        let v = outputs.get("clusters")?.get(side.as_str())?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(Identity {
            cluster_uuid: text("cluster_uuid"),
            name: text("name"),
            flavor: text("flavor")?,
            version: text("version"),
        })
    }

    fn describe(&self) -> String {
        format!(
            "`{}` ({} {}, cluster_uuid `{}`)",
            self.name.as_deref().unwrap_or("unnamed"),
            self.flavor,
            self.version.as_deref().unwrap_or("version unknown"),
            self.cluster_uuid.as_deref().unwrap_or("unknown")
        )
    }
}

/// Why the cluster now answering on `side` at `url` is not the one the state recorded, or `None`
/// when it is. A cluster upgraded in place keeps its `cluster_uuid`: only a different uuid, or
/// (when no uuid is known) a different name or flavour, is another cluster.
pub fn replaced(side: Side, url: &str, recorded: &Identity, now: &Identity) -> Option<String> {
    let other = match (&recorded.cluster_uuid, &now.cluster_uuid) {
        (Some(a), Some(b)) => a != b,
        _ => recorded.name != now.name || recorded.flavor != now.flavor,
    };
    other.then(|| {
        format!(
            "the {} cluster at {url} is now {}, but this migration started against {}: it is another cluster behind the same URL, and the state's record of what was done there does not hold for it — point `{}.url` back at the original cluster, or move the state aside to start the plan from scratch against the new one",
            side.as_str(),
            now.describe(),
            recorded.describe(),
            side.as_str()
        )
    })
}

/// Why source and destination are one cluster (the same `cluster_uuid`), or `None`.
pub fn same_cluster(
    source_url: &str,
    destination_url: &str,
    source: &Identity,
    destination: &Identity,
) -> Option<String> {
    match (&source.cluster_uuid, &destination.cluster_uuid) {
        (Some(a), Some(b)) if a == b => Some(format!(
            "the source ({source_url}) and the destination ({destination_url}) are the same cluster {}: a migration onto itself would write the destination's repository, restores and indexes into the source — set `destination.url` to the cluster the data moves to",
            source.describe()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(uuid: Option<&str>, name: &str) -> Identity {
        Identity {
            cluster_uuid: uuid.map(str::to_owned),
            name: Some(name.into()),
            flavor: "Elasticsearch".into(),
            version: Some("7.10.2".into()),
        }
    }

    #[test]
    fn a_cluster_upgraded_in_place_is_the_same_and_a_new_uuid_is_another() {
        let was = id(Some("u1"), "prod");
        let mut upgraded = was.clone();
        upgraded.version = Some("7.17.0".into());
        assert_eq!(replaced(Side::Source, "http://h", &was, &upgraded), None);
        let why = replaced(Side::Source, "http://h", &was, &id(Some("u2"), "prod")).unwrap();
        assert!(
            why.contains("cluster_uuid `u2`") && why.contains("cluster_uuid `u1`"),
            "{why}"
        );
        assert!(why.contains("`source.url`"), "{why}");
    }

    #[test]
    fn without_uuids_a_different_name_is_another_cluster() {
        assert!(replaced(Side::Destination, "u", &id(None, "a"), &id(None, "b")).is_some());
        assert!(replaced(Side::Destination, "u", &id(None, "a"), &id(None, "a")).is_none());
    }

    #[test]
    fn the_same_uuid_on_both_sides_is_one_cluster_and_unknown_uuids_are_not_judged() {
        let why = same_cluster(
            "http://127.0.0.1:9",
            "http://localhost:9",
            &id(Some("u"), "c"),
            &id(Some("u"), "c"),
        )
        .unwrap();
        assert!(
            why.contains("same cluster") && why.contains("destination.url"),
            "{why}"
        );
        assert!(same_cluster("a", "b", &id(None, "c"), &id(None, "c")).is_none());
        assert!(same_cluster("a", "b", &id(Some("u"), "c"), &id(Some("v"), "c")).is_none());
    }
}

//! The step DAG: a petgraph graph of [`Step`]s that is acyclic by construction.
//!
//! Steps can only be added with dependencies on steps that already exist, so every edge points from
//! an earlier node to a later one and insertion order is a topological order. The compiler inserts
//! steps phase by phase and index by index, which makes that order readable as well as valid.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::error::CompileError;
use crate::fingerprint::Fingerprint;
use crate::id::StepId;
use crate::id_index::IdIndex;
use crate::kind::{Name, StepKind};
use crate::phase::Phase;
use crate::step::Step;

/// A compiled plan: steps, the real dependencies between them, and what the renderers need to label it.
#[derive(Debug, Clone)]
pub struct StepGraph {
    graph: DiGraph<Step, ()>,
    ids: IdIndex,
    plan_name: String,
    strategy: &'static str,
    indexes: Vec<Name>,
}

impl StepGraph {
    pub fn plan_name(&self) -> &str {
        &self.plan_name
    }

    /// `snapshot` or `reindex`.
    pub fn strategy(&self) -> &'static str {
        self.strategy
    }

    /// The plan's index entries (source names or patterns), in plan order.
    pub fn indexes(&self) -> &[Name] {
        &self.indexes
    }

    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }

    /// Number of dependency edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Number of gate steps.
    pub fn gates(&self) -> usize {
        self.steps().filter(|s| s.kind.is_gate()).count()
    }

    /// Steps in a topological order (every step after all its dependencies), stable across runs.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.graph.node_weights()
    }

    /// Node handles in the same topological order as [`steps`](Self::steps).
    pub fn topological_order(&self) -> impl ExactSizeIterator<Item = NodeIndex> {
        self.graph.node_indices()
    }

    pub fn step(&self, node: NodeIndex) -> &Step {
        &self.graph[node]
    }

    /// The node of the step with this id.
    pub fn node(&self, id: &str) -> Option<NodeIndex> {
        self.ids.get(&self.graph, id)
    }

    pub fn get(&self, id: &str) -> Option<&Step> {
        self.node(id).map(|n| &self.graph[n])
    }

    /// The steps `node` waits for, in topological order.
    pub fn dependencies(&self, node: NodeIndex) -> Vec<NodeIndex> {
        self.sorted_neighbors(node, Direction::Incoming)
    }

    /// The steps that wait for `node`, in topological order.
    pub fn dependents(&self, node: NodeIndex) -> Vec<NodeIndex> {
        self.sorted_neighbors(node, Direction::Outgoing)
    }

    /// The underlying petgraph graph, for algorithms.
    pub fn petgraph(&self) -> &DiGraph<Step, ()> {
        &self.graph
    }

    fn sorted_neighbors(&self, node: NodeIndex, dir: Direction) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.graph.neighbors_directed(node, dir).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl std::borrow::Borrow<str> for StepId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

/// Builds a [`StepGraph`]; only ever adds edges from existing steps to the new one.
pub(crate) struct GraphBuilder {
    graph: DiGraph<Step, ()>,
    ids: IdIndex,
    /// The text of the ids added since the last [`seal`](Self::seal), and their steps: every 64 KiB
    /// they become one shared block that the steps' ids point into.
    id_block: String,
    id_block_nodes: Vec<NodeIndex>,
    source_url: String,
    destination_url: String,
    /// The state's short lineage the names of server-side objects carry (`None`: none).
    lineage: Option<String>,
}

/// How much id text goes into one shared block.
const ID_BLOCK: usize = 64 * 1024;

impl GraphBuilder {
    pub(crate) fn new(source_url: &str, destination_url: &str, capacity: usize) -> Self {
        GraphBuilder {
            graph: DiGraph::with_capacity(capacity, capacity * 2),
            ids: IdIndex::with_capacity(capacity),
            id_block: String::with_capacity(ID_BLOCK + 256),
            id_block_nodes: Vec::new(),
            source_url: source_url.to_owned(),
            destination_url: destination_url.to_owned(),
            lineage: None,
        }
    }

    /// Names of server-side objects carry `lineage` (the state's short lineage, or the dry run's
    /// placeholder).
    pub(crate) fn with_lineage(mut self, lineage: Option<&str>) -> Self {
        self.lineage = lineage.map(str::to_owned);
        self
    }

    /// The snapshot name of `round` of plan `plan`, with this graph's lineage.
    pub(crate) fn snapshot_name(&self, plan: &str, round: crate::kind::Round) -> String {
        crate::preflight::snapshot_name_in(plan, self.lineage.as_deref(), round)
    }

    /// Adds a step that depends on `deps` (all already in the graph) and returns its node.
    pub(crate) fn add(
        &mut self,
        id: StepId,
        kind: StepKind,
        index: Option<&Name>,
        phase: Phase,
        deps: &[NodeIndex],
    ) -> Result<NodeIndex, CompileError> {
        if self.ids.get(&self.graph, id.as_str()).is_some() {
            return Err(CompileError::DuplicateStep(id.to_string()));
        }
        self.id_block.push_str(id.as_str());
        let step = Step {
            id,
            kind,
            index: index.cloned(),
            phase,
            // Filled in by `finish`, for every step at once and on several threads.
            fingerprint: Fingerprint::PENDING,
        };
        let node = self.graph.add_node(step);
        // The compiler passes its dependencies in order almost always; sort a copy only when not.
        let sorted;
        let deps = if deps.windows(2).all(|w| w[0] < w[1]) {
            deps
        } else {
            let mut copy = deps.to_vec();
            copy.sort_unstable();
            copy.dedup();
            sorted = copy;
            &sorted
        };
        for &dep in deps {
            // Every dependency was returned by an earlier `add`, so it is older than `node`: no edge
            // can close a cycle.
            debug_assert!(dep < node);
            self.graph.add_edge(dep, node, ());
        }
        self.ids.insert(&self.graph, node);
        self.id_block_nodes.push(node);
        if self.id_block.len() >= ID_BLOCK {
            self.seal();
        }
        Ok(node)
    }

    /// Moves the text of the latest ids into one shared block and points their steps' ids at it,
    /// which frees each id's own allocation (about 60 bytes a step).
    fn seal(&mut self) {
        let block = std::sync::Arc::new(self.id_block.clone());
        let mut at = 0;
        for &node in &self.id_block_nodes {
            let step = &mut self.graph[node];
            let len = step.id.as_str().len();
            step.id = step.id.within(&block, at);
            at += len;
        }
        self.id_block.clear();
        self.id_block_nodes.clear();
    }

    pub(crate) fn finish(
        mut self,
        plan_name: &str,
        strategy: &'static str,
        indexes: Vec<Name>,
    ) -> StepGraph {
        self.seal();
        self.fingerprint_all();
        StepGraph {
            graph: self.graph,
            ids: self.ids,
            plan_name: plan_name.to_owned(),
            strategy,
            indexes,
        }
    }

    /// Fingerprints every step. Each fingerprint hashes its own step's inputs only, so contiguous
    /// chunks of steps are hashed on several threads (most of a large plan's compile time).
    fn fingerprint_all(&mut self) {
        let (source, destination) = (self.source_url.as_str(), self.destination_url.as_str());
        let mut steps: Vec<&mut Step> = self.graph.node_weights_mut().collect();
        let threads = crate::render::threads_for(steps.len());
        let per_thread = steps.len().div_ceil(threads).max(1);
        let hash = |chunk: &mut [&mut Step]| {
            let mut buf = Vec::with_capacity(512);
            for step in chunk {
                step.fingerprint = Fingerprint::of(&step.kind, source, destination, &mut buf);
            }
        };
        if threads <= 1 {
            hash(&mut steps);
            return;
        }
        // A panic while hashing is a bug; the scope re-raises it here.
        std::thread::scope(|scope| {
            for chunk in steps.chunks_mut(per_thread) {
                scope.spawn(move || hash(chunk));
            }
        });
    }
}

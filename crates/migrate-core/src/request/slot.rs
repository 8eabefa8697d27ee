//! Runtime slots: the parts of a request only known when the step runs (a task id, the source's
//! mappings, the bounds of a reindex pass), and the values a step fills them with.
//!
//! In a body a slot is the JSON string `"<run time: ABOUT>"`; an object member `"...": "<run time:
//! ABOUT>"` is a spread, whose filled object's members join the object's own (the object's own win
//! on a clash). In a path or query a slot renders as `<NAME>`.

use serde_json::Value;

use crate::version::Product;

/// A named runtime value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    /// Short name, shown in paths and queries (`task`).
    pub name: &'static str,
    /// What fills it, shown in bodies (`the source index's mappings`).
    pub about: &'static str,
}

/// The member key of a spread slot in a body object.
pub const SPREAD: &str = "...";

impl Slot {
    pub const fn new(name: &'static str, about: &'static str) -> Self {
        Slot { name, about }
    }

    /// The body placeholder: `<run time: ABOUT>`.
    pub fn placeholder(&self) -> String {
        format!("<run time: {}>", self.about)
    }

    /// Whether `text` is this slot's body placeholder (without allocating).
    pub fn is_placeholder(&self, text: &str) -> bool {
        text.strip_prefix("<run time: ")
            .and_then(|t| t.strip_suffix('>'))
            == Some(self.about)
    }
}

/// A slot's value at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// This value (a spread takes an object).
    Value(Value),
    /// Nothing: the member (or array item) holding the slot is left out.
    Absent,
}

/// Everything a step fills into one request: slot values, and the product of the cluster it goes to
/// (for query parameters that depend on a version quirk).
#[derive(Debug, Clone, Default)]
pub struct Fills {
    values: Vec<(Slot, Fill)>,
    product: Option<Product>,
}

impl Fills {
    pub fn new() -> Self {
        Fills::default()
    }

    /// The product of the cluster the request goes to.
    pub fn product(mut self, product: Product) -> Self {
        self.product = Some(product);
        self
    }

    /// Fills `slot` with `value`.
    pub fn set(mut self, slot: Slot, value: impl Into<Value>) -> Self {
        self.put(slot, Fill::Value(value.into()));
        self
    }

    /// Fills `slot` with `value`, or leaves its member out when `None`.
    pub fn maybe(mut self, slot: Slot, value: Option<Value>) -> Self {
        self.put(slot, value.map_or(Fill::Absent, Fill::Value));
        self
    }

    fn put(&mut self, slot: Slot, fill: Fill) {
        self.values.retain(|(s, _)| *s != slot);
        self.values.push((slot, fill));
    }

    pub fn get(&self, slot: &Slot) -> Option<&Fill> {
        self.values.iter().find(|(s, _)| s == slot).map(|(_, f)| f)
    }

    /// The fill whose slot has this body placeholder text.
    pub(crate) fn by_placeholder(&self, text: &str) -> Option<(&Slot, &Fill)> {
        self.values
            .iter()
            .find(|(s, _)| s.is_placeholder(text))
            .map(|(s, f)| (s, f))
    }

    pub fn product_of(&self) -> Option<Product> {
        self.product
    }
}

//! Reading typed fields out of a decoded object and writing them back in the order they were read,
//! keeping every field a model does not name: the machinery that lets each model round-trip a real
//! blob to the same bytes.

use crate::error::Problem;
use crate::smile::{Object, Value};

/// The order in which an object's fields were read. Writing a model back emits its fields in this
/// order, so an unchanged model reproduces the document it was read from; fields it does not list
/// (new ones, or every field of a model built from scratch, whose order is empty) follow in the
/// order Elasticsearch writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldOrder(pub Vec<String>);

/// Takes typed fields out of an object; what is not taken stays as the model's extra fields.
pub(crate) struct Fields {
    path: String,
    order: Vec<String>,
    rest: Object,
}

impl Fields {
    /// Starts reading `object`, found at `path` (for error messages).
    pub(crate) fn new(object: Object, path: &str) -> Self {
        Fields {
            path: path.to_owned(),
            order: object.0.iter().map(|(n, _)| n.clone()).collect(),
            rest: object,
        }
    }

    /// Starts reading `value`, which must be an object.
    pub(crate) fn of(value: Value, path: &str) -> Result<Self, Problem> {
        match value {
            Value::Object(object) => Ok(Self::new(object, path)),
            other => Err(shape(
                path,
                format!("is {}, expected an object", other.kind()),
            )),
        }
    }

    pub(crate) fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }

    /// The value of field `name`, if present.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        self.rest.take(name)
    }

    /// A field that must be present.
    pub(crate) fn need(&mut self, name: &str) -> Result<Value, Problem> {
        self.take(name)
            .ok_or_else(|| shape(&self.path(name), "is missing"))
    }

    pub(crate) fn string(&mut self, name: &str) -> Result<String, Problem> {
        let value = self.need(name)?;
        as_string(value, &self.path(name))
    }

    pub(crate) fn opt_string(&mut self, name: &str) -> Result<Option<String>, Problem> {
        match self.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => as_string(value, &self.path(name)).map(Some),
        }
    }

    pub(crate) fn int(&mut self, name: &str) -> Result<i64, Problem> {
        let value = self.need(name)?;
        as_int(&value, &self.path(name))
    }

    pub(crate) fn opt_int(&mut self, name: &str) -> Result<Option<i64>, Problem> {
        match self.take(name) {
            None => Ok(None),
            Some(value) => as_int(&value, &self.path(name)).map(Some),
        }
    }

    /// An optional field of one kind: `pick` returns the value back when it is of another kind.
    fn opt_kind<T>(
        &mut self,
        name: &str,
        expected: &str,
        pick: impl FnOnce(Value) -> Result<T, Value>,
    ) -> Result<Option<T>, Problem> {
        match self.take(name) {
            None => Ok(None),
            Some(value) => pick(value).map(Some).map_err(|other| {
                shape(
                    &self.path(name),
                    format!("is {}, expected {expected}", other.kind()),
                )
            }),
        }
    }

    pub(crate) fn opt_bool(&mut self, name: &str) -> Result<Option<bool>, Problem> {
        self.opt_kind(name, "a boolean", |v| match v {
            Value::Bool(b) => Ok(b),
            other => Err(other),
        })
    }

    pub(crate) fn opt_object(&mut self, name: &str) -> Result<Option<Object>, Problem> {
        self.opt_kind(name, "an object", |v| match v {
            Value::Object(o) => Ok(o),
            other => Err(other),
        })
    }

    pub(crate) fn opt_array(&mut self, name: &str) -> Result<Option<Vec<Value>>, Problem> {
        self.opt_kind(name, "an array", |v| match v {
            Value::Array(a) => Ok(a),
            other => Err(other),
        })
    }

    pub(crate) fn opt_strings(&mut self, name: &str) -> Result<Option<Vec<String>>, Problem> {
        let path = self.path(name);
        self.opt_array(name)?
            .map(|items| {
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| as_string(v, &format!("{path}/{i}")))
                    .collect()
            })
            .transpose()
    }

    /// Ends reading: the field order and the fields not taken.
    pub(crate) fn finish(self) -> (FieldOrder, Object) {
        (FieldOrder(self.order), self.rest)
    }
}

pub(crate) fn shape(path: &str, reason: impl Into<String>) -> Problem {
    Problem::Shape {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn as_string(value: Value, path: &str) -> Result<String, Problem> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(shape(
            path,
            format!("is {}, expected a string", other.kind()),
        )),
    }
}

pub(crate) fn as_int(value: &Value, path: &str) -> Result<i64, Problem> {
    match value {
        Value::Integer(i) => Ok(*i),
        other => Err(shape(
            path,
            format!("is {}, expected an integer", other.kind()),
        )),
    }
}

/// Builds an object from a model's named fields (in Elasticsearch's order; `None` = absent) and its
/// extra fields, ordered by `order` first.
pub(crate) fn assemble(
    named: Vec<(&str, Option<Value>)>,
    extra: &Object,
    order: &FieldOrder,
) -> Object {
    let mut pending: Vec<(String, Value)> = named
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| (n.to_owned(), v)))
        .collect();
    let mut extras: Vec<Option<(String, Value)>> = extra.0.iter().cloned().map(Some).collect();
    let mut out = Object::new();
    for name in &order.0 {
        if let Some(at) = pending.iter().position(|(n, _)| n == name) {
            out.0.push(pending.remove(at));
        } else if let Some(field) = extras
            .iter_mut()
            .find(|slot| slot.as_ref().is_some_and(|(n, _)| n == name))
            .and_then(Option::take)
        {
            out.0.push(field);
        }
    }
    out.0.extend(pending);
    out.0.extend(extras.into_iter().flatten());
    out
}

/// Strings as a SMILE array.
pub(crate) fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
}

//! The decoded SMILE value: JSON's model plus what SMILE adds (binary, 32-bit floats, big numbers).

/// One SMILE value. Binary stays apart from strings, floats from doubles, and objects keep their
/// fields in the order they were read (duplicates included), so that a decoded document encodes
/// back to the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits 64 bits (SMILE's small, 32-bit and 64-bit integer tokens).
    Integer(i64),
    /// An integer beyond 64 bits: Java's `BigInteger.toByteArray()` (big-endian two's complement).
    BigInteger(Vec<u8>),
    /// A 32-bit float, kept as such.
    Float(f32),
    /// A 64-bit double.
    Double(f64),
    /// A decimal: `unscaled × 10^-scale`, `unscaled` as in [`Value::BigInteger`].
    BigDecimal {
        /// The power-of-ten scale.
        scale: i32,
        /// The unscaled value's two's-complement bytes.
        unscaled: Vec<u8>,
    },
    /// A UTF-8 string.
    String(String),
    /// Bytes (SMILE's raw or 7-bit binary); Elasticsearch stores compressed mappings and hashes so.
    Binary(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// An object's fields in document order. Lookups find the first field of a name, as Elasticsearch's
/// parsers do when they walk a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(pub Vec<(String, Value)>);

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object(Vec::new())
    }

    /// The value of the first field named `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Appends a field (no check for an existing one: SMILE allows duplicates).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.0.push((name.into(), value.into()));
    }

    /// Appends a field when `value` is `Some`.
    pub fn push_opt(&mut self, name: &str, value: Option<impl Into<Value>>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// Removes and returns the first field named `name`.
    pub fn take(&mut self, name: &str) -> Option<Value> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.remove(at).1)
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Object(iter.into_iter().collect())
    }
}

impl Value {
    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The bytes, when this is binary.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The fields, when this is an object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// A short name of the kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) | Value::BigInteger(_) => "an integer",
            Value::Float(_) | Value::Double(_) | Value::BigDecimal { .. } => "a decimal number",
            Value::String(_) => "a string",
            Value::Binary(_) => "binary",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Integer(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Integer(i64::from(i))
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Self {
        Value::Integer(i64::from(i))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Self {
        Value::Object(o)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Value::Array(a)
    }
}

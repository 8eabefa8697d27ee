//! Evaluating the Painless subset over JSON values: variables (`ctx`, `params`, locals), field and
//! index reads and writes on maps and lists, Java-like arithmetic (integers stay integers, `+` joins
//! strings), comparisons, and the methods of strings (`sha1()`, `sha256()`, `length()` …), maps and
//! lists the tests use. A failure is a [`RuntimeError`] naming the Java exception Painless throws.

use std::collections::HashMap;

use serde_json::{Map, Value};
use sha2::Digest;

use super::parse::{Expr, Op, Stmt};

/// A runtime failure: offset, the Java exception's `type` and its message.
#[derive(Debug, Clone)]
pub struct RuntimeError {
    /// Byte offset of the failing expression (best effort).
    pub at: usize,
    /// `null_pointer_exception`, `illegal_argument_exception`, `class_cast_exception` …
    pub kind: &'static str,
    /// The message, if Java gives one.
    pub reason: Option<String>,
}

type R<T> = Result<T, RuntimeError>;

fn err<T>(at: usize, kind: &'static str, reason: impl Into<String>) -> R<T> {
    Err(RuntimeError {
        at,
        kind,
        reason: Some(reason.into()),
    })
}

fn npe<T>(at: usize) -> R<T> {
    Err(RuntimeError {
        at,
        kind: "null_pointer_exception",
        reason: None,
    })
}

/// Variables of one run.
pub struct Env {
    /// `ctx`, `params` and locals.
    pub vars: HashMap<String, Value>,
}

enum Flow {
    Next,
    Return,
}

/// Runs statements; `return` ends the script.
pub fn run(env: &mut Env, stmts: &[Stmt]) -> R<()> {
    exec(env, stmts).map(|_| ())
}

fn exec(env: &mut Env, stmts: &[Stmt]) -> R<Flow> {
    for s in stmts {
        match s {
            Stmt::Expr(e) => {
                eval(env, e)?;
            }
            Stmt::Decl(name, init) => {
                let v = match init {
                    Some(e) => eval(env, e)?,
                    None => Value::Null,
                };
                env.vars.insert(name.clone(), v);
            }
            Stmt::If(c, a, b) => {
                let branch = if truthy(&eval(env, c)?, 0)? { a } else { b };
                if let Flow::Return = exec(env, branch)? {
                    return Ok(Flow::Return);
                }
            }
            Stmt::Return(e) => {
                if let Some(e) = e {
                    eval(env, e)?;
                }
                return Ok(Flow::Return);
            }
        }
    }
    Ok(Flow::Next)
}

fn truthy(v: &Value, at: usize) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => npe(at),
        other => err(
            at,
            "class_cast_exception",
            format!("Cannot cast {} to boolean", java_type(other)),
        ),
    }
}

fn java_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(_) => "java.lang.Integer",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.HashMap",
    }
}

fn eval(env: &mut Env, e: &Expr) -> R<Value> {
    Ok(match e {
        Expr::Lit(v) => v.clone(),
        Expr::Var(name) => match env.vars.get(name) {
            Some(v) => v.clone(),
            None => {
                return err(
                    0,
                    "illegal_argument_exception",
                    format!("cannot resolve symbol [{name}]"),
                );
            }
        },
        Expr::Field(obj, name, null_safe) => match eval(env, obj)? {
            Value::Object(m) => m.get(name).cloned().unwrap_or(Value::Null),
            Value::Null if *null_safe => Value::Null,
            Value::Null => return npe(0),
            Value::Array(a) if name == "length" => Value::from(a.len()),
            other => {
                return err(
                    0,
                    "illegal_argument_exception",
                    format!("dynamic getter [{}, {name}] not found", java_type(&other)),
                );
            }
        },
        Expr::Index(obj, i) => {
            let o = eval(env, obj)?;
            let i = eval(env, i)?;
            index_get(&o, &i)?
        }
        Expr::Call(obj, name, args, at) => {
            let o = eval(env, obj)?;
            let mut a = Vec::with_capacity(args.len());
            for x in args {
                a.push(eval(env, x)?);
            }
            let (result, changed) = call(o, name, &a, *at)?;
            if let Some(new) = changed {
                store(env, obj, new, *at)?;
            }
            result
        }
        Expr::Not(x) => Value::Bool(!truthy(&eval(env, x)?, 0)?),
        Expr::Neg(x) => arith(Op::Sub, &Value::from(0), &eval(env, x)?, 0)?,
        Expr::Bin(Op::And, a, b) => {
            Value::Bool(truthy(&eval(env, a)?, 0)? && truthy(&eval(env, b)?, 0)?)
        }
        Expr::Bin(Op::Or, a, b) => {
            Value::Bool(truthy(&eval(env, a)?, 0)? || truthy(&eval(env, b)?, 0)?)
        }
        Expr::Bin(op, a, b) => {
            let (a, b) = (eval(env, a)?, eval(env, b)?);
            binary(*op, &a, &b, 0)?
        }
        Expr::Cond(c, a, b) => {
            if truthy(&eval(env, c)?, 0)? {
                eval(env, a)?
            } else {
                eval(env, b)?
            }
        }
        Expr::Assign(target, op, value, at) => {
            let mut v = eval(env, value)?;
            if let Some(op) = op {
                let old = eval(env, target)?;
                v = binary(*op, &old, &v, *at)?;
            }
            store(env, target, v.clone(), *at)?;
            v
        }
        Expr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for x in items {
                out.push(eval(env, x)?);
            }
            Value::Array(out)
        }
        Expr::Map(pairs) => {
            let mut m = Map::new();
            for (k, v) in pairs {
                let k = key_string(&eval(env, k)?);
                let v = eval(env, v)?;
                m.insert(k, v);
            }
            Value::Object(m)
        }
    })
}

fn key_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => to_java_string(other),
    }
}

fn index_get(o: &Value, i: &Value) -> R<Value> {
    match (o, i) {
        (Value::Object(m), k) => Ok(m.get(&key_string(k)).cloned().unwrap_or(Value::Null)),
        (Value::Array(a), Value::Number(n)) => match n.as_u64().and_then(|n| a.get(n as usize)) {
            Some(v) => Ok(v.clone()),
            None => err(
                0,
                "index_out_of_bounds_exception",
                format!("Index {n} out of bounds for length {}", a.len()),
            ),
        },
        (Value::Null, _) => npe(0),
        (other, _) => err(
            0,
            "illegal_argument_exception",
            format!(
                "Attempting to address a non-array-like type [{}] as an array.",
                java_type(other)
            ),
        ),
    }
}

/// Writes `v` where `target` points: a variable, a map key or a list slot.
fn store(env: &mut Env, target: &Expr, v: Value, at: usize) -> R<()> {
    match target {
        Expr::Var(name) => {
            env.vars.insert(name.clone(), v);
            Ok(())
        }
        Expr::Field(obj, name, _) => {
            let slot = place(env, obj, at)?;
            match slot {
                Value::Object(m) => {
                    m.insert(name.clone(), v);
                    Ok(())
                }
                Value::Null => npe(at),
                other => err(
                    at,
                    "illegal_argument_exception",
                    format!("dynamic setter [{}, {name}] not found", java_type(other)),
                ),
            }
        }
        Expr::Index(obj, i) => {
            let i = eval(env, i)?;
            let slot = place(env, obj, at)?;
            match (slot, &i) {
                (Value::Object(m), k) => {
                    m.insert(key_string(k), v);
                    Ok(())
                }
                (Value::Array(a), Value::Number(n)) => {
                    let len = a.len();
                    match n.as_u64().and_then(|n| a.get_mut(n as usize)) {
                        Some(s) => {
                            *s = v;
                            Ok(())
                        }
                        None => err(
                            at,
                            "index_out_of_bounds_exception",
                            format!("Index {n} out of bounds for length {len}"),
                        ),
                    }
                }
                (Value::Null, _) => npe(at),
                _ => err(at, "illegal_argument_exception", "not an array-like type"),
            }
        }
        // A method's receiver that is not a place (a literal): the change is lost, as in Java.
        _ => Ok(()),
    }
}

/// A mutable reference to the value an l-value expression names.
fn place<'a>(env: &'a mut Env, e: &Expr, at: usize) -> R<&'a mut Value> {
    match e {
        Expr::Var(name) => match env.vars.get_mut(name) {
            Some(v) => Ok(v),
            None => err(
                at,
                "illegal_argument_exception",
                format!("cannot resolve symbol [{name}]"),
            ),
        },
        Expr::Field(obj, name, _) => match place(env, obj, at)? {
            Value::Object(m) => Ok(m.entry(name.clone()).or_insert(Value::Null)),
            _ => npe(at),
        },
        Expr::Index(obj, i) => {
            let i = eval(env, i)?;
            match (place(env, obj, at)?, i) {
                (Value::Object(m), k) => Ok(m.entry(key_string(&k)).or_insert(Value::Null)),
                (Value::Array(a), Value::Number(n)) => {
                    match n.as_u64().and_then(|n| a.get_mut(n as usize)) {
                        Some(s) => Ok(s),
                        None => err(
                            at,
                            "index_out_of_bounds_exception",
                            format!("Index {n} out of bounds"),
                        ),
                    }
                }
                _ => npe(at),
            }
        }
        _ => err(
            at,
            "illegal_argument_exception",
            "invalid assignment target",
        ),
    }
}

fn num(v: &Value) -> Option<(Option<i64>, f64)> {
    match v {
        Value::Number(n) => Some((n.as_i64(), n.as_f64()?)),
        _ => None,
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// Java's `String.valueOf` for the JSON kinds: doubles always show a fraction (`1.0`).
pub fn to_java_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 1e7 {
                format!("{f:.1}")
            } else {
                f.to_string()
            }
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", to_java_string(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(to_java_string).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn binary(op: Op, a: &Value, b: &Value, at: usize) -> R<Value> {
    match op {
        Op::Eq => Ok(Value::Bool(loose_eq(a, b))),
        Op::Ne => Ok(Value::Bool(!loose_eq(a, b))),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let ((_, x), (_, y)) = numbers(op, a, b, at)?;
            Ok(Value::Bool(match op {
                Op::Lt => x < y,
                Op::Le => x <= y,
                Op::Gt => x > y,
                _ => x >= y,
            }))
        }
        Op::Add if a.is_string() || b.is_string() => Ok(Value::String(format!(
            "{}{}",
            to_java_string(a),
            to_java_string(b)
        ))),
        _ => arith(op, a, b, at),
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some((_, x)), Some((_, y))) => x == y,
        _ => a == b,
    }
}

/// Both operands of `op` as numbers ([`num`]); a null one is a null pointer, any other a class
/// cast error.
fn numbers(op: Op, a: &Value, b: &Value, at: usize) -> R<Num2> {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ if a.is_null() || b.is_null() => npe(at),
        _ => err(
            at,
            "class_cast_exception",
            format!(
                "Cannot apply [{op:?}] to types [{}] and [{}].",
                java_type(a),
                java_type(b)
            ),
        ),
    }
}

/// Two operands as [`num`] reads them.
type Num2 = ((Option<i64>, f64), (Option<i64>, f64));

fn arith(op: Op, a: &Value, b: &Value, at: usize) -> R<Value> {
    let ((ia, fa), (ib, fb)) = numbers(op, a, b, at)?;
    if let (Some(x), Some(y)) = (ia, ib) {
        let r = match op {
            Op::Add => x.checked_add(y),
            Op::Sub => x.checked_sub(y),
            Op::Mul => x.checked_mul(y),
            Op::Div | Op::Rem if y == 0 => {
                return err(at, "arithmetic_exception", "/ by zero");
            }
            Op::Div => x.checked_div(y),
            Op::Rem => x.checked_rem(y),
            _ => None,
        };
        return Ok(r.map_or_else(|| float(0.0), Value::from));
    }
    Ok(float(match op {
        Op::Add => fa + fb,
        Op::Sub => fa - fb,
        Op::Mul => fa * fb,
        Op::Div => fa / fb,
        _ => fa % fb,
    }))
}

/// Calls a method; returns the result and, for mutating methods, the receiver's new value.
fn call(o: Value, name: &str, a: &[Value], at: usize) -> R<(Value, Option<Value>)> {
    let s_arg = |i: usize| a.get(i).map(key_string).unwrap_or_default();
    let i_arg = |i: usize| a.get(i).and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
    let not_found = |o: &Value| {
        err(
            at,
            "illegal_argument_exception",
            format!(
                "dynamic method [{}, {name}/{}] not found",
                java_type(o),
                a.len()
            ),
        )
    };
    match (&o, name, a.len()) {
        (Value::Null, ..) => npe(at),
        (Value::String(s), "sha1", 0) => {
            Ok((hex::encode(sha1::Sha1::digest(s.as_bytes())).into(), None))
        }
        (Value::String(s), "sha256", 0) => {
            Ok((hex::encode(sha2::Sha256::digest(s.as_bytes())).into(), None))
        }
        (Value::String(s), "length", 0) => Ok((s.encode_utf16().count().into(), None)),
        (Value::String(s), "isEmpty", 0) => Ok((s.is_empty().into(), None)),
        (Value::String(s), "toUpperCase", 0) => Ok((s.to_uppercase().into(), None)),
        (Value::String(s), "toLowerCase", 0) => Ok((s.to_lowercase().into(), None)),
        (Value::String(s), "trim", 0) => Ok((s.trim().into(), None)),
        (Value::String(s), "contains", 1) => Ok((s.contains(&s_arg(0)).into(), None)),
        (Value::String(s), "startsWith", 1) => Ok((s.starts_with(&s_arg(0)).into(), None)),
        (Value::String(s), "endsWith", 1) => Ok((s.ends_with(&s_arg(0)).into(), None)),
        (Value::String(s), "equals", 1) => Ok((
            a.first().is_some_and(|x| x.as_str() == Some(s)).into(),
            None,
        )),
        (Value::String(s), "replace", 2) => Ok((s.replace(&s_arg(0), &s_arg(1)).into(), None)),
        (Value::String(s), "indexOf", 1) => {
            let i = s
                .find(&s_arg(0))
                .map_or(-1, |b| s[..b].chars().count() as i64);
            Ok((i.into(), None))
        }
        (Value::String(s), "substring", 1 | 2) => {
            let chars: Vec<char> = s.chars().collect();
            let from = i_arg(0);
            let to = if a.len() == 2 { i_arg(1) } else { chars.len() };
            if from > to || to > chars.len() {
                return err(
                    at,
                    "string_index_out_of_bounds_exception",
                    format!("begin {from}, end {to}, length {}", chars.len()),
                );
            }
            Ok((chars[from..to].iter().collect::<String>().into(), None))
        }
        (Value::Object(m), "containsKey", 1) => Ok((m.contains_key(&s_arg(0)).into(), None)),
        (Value::Object(m), "get", 1) => {
            Ok((m.get(&s_arg(0)).cloned().unwrap_or(Value::Null), None))
        }
        (Value::Object(m), "size", 0) => Ok((m.len().into(), None)),
        (Value::Object(m), "isEmpty", 0) => Ok((m.is_empty().into(), None)),
        (Value::Object(m), "put", 2) => {
            let mut m = m.clone();
            let old = m.insert(s_arg(0), a[1].clone()).unwrap_or(Value::Null);
            Ok((old, Some(Value::Object(m))))
        }
        (Value::Object(m), "remove", 1) => {
            let mut m = m.clone();
            let old = m.remove(&s_arg(0)).unwrap_or(Value::Null);
            Ok((old, Some(Value::Object(m))))
        }
        (Value::Array(l), "size", 0) => Ok((l.len().into(), None)),
        (Value::Array(l), "isEmpty", 0) => Ok((l.is_empty().into(), None)),
        (Value::Array(l), "contains", 1) => Ok((l.iter().any(|x| loose_eq(x, &a[0])).into(), None)),
        (Value::Array(l), "get", 1) => index_get(&o, &a[0]).map(|v| (v, None)).or_else(|_| {
            err(
                at,
                "index_out_of_bounds_exception",
                format!("Index {} out of bounds for length {}", i_arg(0), l.len()),
            )
        }),
        (Value::Array(l), "add", 1) => {
            let mut l = l.clone();
            l.push(a[0].clone());
            Ok((true.into(), Some(Value::Array(l))))
        }
        _ => not_found(&o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(to_java_string(&float(1.0)), "1.0");
        assert_eq!(to_java_string(&float(2.5)), "2.5");
    }
}

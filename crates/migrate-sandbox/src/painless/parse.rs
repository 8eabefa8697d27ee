//! The Painless subset's syntax tree and its recursive-descent parser: statements (`if`/`else`,
//! declarations, `return`, expressions), assignments (`=`, `+=` …), the ternary, `||`/`&&`,
//! comparisons, arithmetic, unary `!`/`-`, field/index access, method calls, list and map literals.
//! Anything else (loops, lambdas, casts, `new`) is a compile error.

use serde_json::Value;

use super::lex::{Spanned, Tok};

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// An expression; `at` offsets are kept for runtime error positions.
#[derive(Debug, Clone)]
pub enum Expr {
    Lit(Value),
    Var(String),
    Field(Box<Expr>, String, bool),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, String, Vec<Expr>, usize),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Assign(Box<Expr>, Option<Op>, Box<Expr>, usize),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
}

/// A statement.
#[derive(Debug, Clone)]
pub enum Stmt {
    Expr(Expr),
    Decl(String, Option<Expr>),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    Return(Option<Expr>),
}

/// A compile error: offset and message (Painless's wording where the sandbox knows it).
pub type CompileError = (usize, String);

const TYPES: &[&str] = &[
    "def",
    "int",
    "long",
    "double",
    "float",
    "boolean",
    "String",
    "Map",
    "List",
    "Object",
    "short",
    "byte",
    "char",
    "HashMap",
    "ArrayList",
];
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    toks: &'a [Spanned],
    pos: usize,
    end: usize,
    depth: usize,
}

/// Parses a whole script.
pub fn parse(toks: &[Spanned], src_len: usize) -> Result<Vec<Stmt>, CompileError> {
    let mut p = Parser {
        toks,
        pos: 0,
        end: src_len,
        depth: 0,
    };
    let mut out = Vec::new();
    while p.pos < toks.len() {
        out.push(p.stmt()?);
    }
    Ok(out)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|s| &s.tok)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |s| s.at)
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        let hit = self.is(p);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, p: &str) -> Result<(), CompileError> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> CompileError {
        match self.toks.get(self.pos) {
            Some(s) => (
                s.at,
                format!("invalid sequence of tokens near [{}].", show(&s.tok)),
            ),
            None => (self.end, "unexpected end of script.".into()),
        }
    }

    fn ident(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    fn deeper(&mut self) -> Result<(), CompileError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((self.at(), "script nesting too deep".into()));
        }
        Ok(())
    }

    fn stmt(&mut self) -> Result<Stmt, CompileError> {
        self.deeper()?;
        let s = self.stmt_inner();
        self.depth -= 1;
        s
    }

    fn stmt_inner(&mut self) -> Result<Stmt, CompileError> {
        match self.ident() {
            Some("if") => {
                self.pos += 1;
                self.expect("(")?;
                let cond = self.expr()?;
                self.expect(")")?;
                let then = self.body()?;
                let otherwise = if self.ident() == Some("else") {
                    self.pos += 1;
                    self.body()?
                } else {
                    Vec::new()
                };
                return Ok(Stmt::If(cond, then, otherwise));
            }
            Some("return") => {
                self.pos += 1;
                let e = if self.is(";") || self.is("}") || self.peek().is_none() {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.end_stmt()?;
                return Ok(Stmt::Return(e));
            }
            Some(kw @ ("for" | "while" | "do" | "new" | "try" | "throw")) => {
                let kw = kw.to_string();
                return Err((
                    self.at(),
                    format!("the sandbox's Painless subset has no [{kw}]"),
                ));
            }
            Some(t) if TYPES.contains(&t) => {
                if let Some(Spanned {
                    tok: Tok::Ident(name),
                    ..
                }) = self.toks.get(self.pos + 1)
                {
                    let name = name.clone();
                    self.pos += 2;
                    let init = if self.eat("=") {
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    self.end_stmt()?;
                    return Ok(Stmt::Decl(name, init));
                }
            }
            _ => {}
        }
        let e = self.expr()?;
        self.end_stmt()?;
        Ok(Stmt::Expr(e))
    }

    /// A statement ends with `;`, or before `}`, or at the end of the script.
    fn end_stmt(&mut self) -> Result<(), CompileError> {
        if self.eat(";") || self.is("}") || self.peek().is_none() {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn body(&mut self) -> Result<Vec<Stmt>, CompileError> {
        if self.eat("{") {
            let mut out = Vec::new();
            while !self.eat("}") {
                if self.peek().is_none() {
                    return Err(self.unexpected());
                }
                out.push(self.stmt()?);
            }
            Ok(out)
        } else {
            Ok(vec![self.stmt()?])
        }
    }

    fn expr(&mut self) -> Result<Expr, CompileError> {
        self.deeper()?;
        let e = self.assign();
        self.depth -= 1;
        e
    }

    fn assign(&mut self) -> Result<Expr, CompileError> {
        let lhs = self.ternary()?;
        let at = self.at();
        let op = match self.peek() {
            Some(Tok::Punct("=")) => None,
            Some(Tok::Punct("+=")) => Some(Op::Add),
            Some(Tok::Punct("-=")) => Some(Op::Sub),
            Some(Tok::Punct("*=")) => Some(Op::Mul),
            Some(Tok::Punct("/=")) => Some(Op::Div),
            Some(Tok::Punct("%=")) => Some(Op::Rem),
            _ => return Ok(lhs),
        };
        if !matches!(lhs, Expr::Var(_) | Expr::Field(..) | Expr::Index(..)) {
            return Err((
                at,
                "invalid assignment: cannot assign a value to this expression".into(),
            ));
        }
        self.pos += 1;
        let rhs = self.expr()?;
        Ok(Expr::Assign(Box::new(lhs), op, Box::new(rhs), at))
    }

    fn ternary(&mut self) -> Result<Expr, CompileError> {
        let c = self.binary(0)?;
        if self.eat("?") {
            let a = self.expr()?;
            self.expect(":")?;
            let b = self.expr()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }

    /// Precedence climbing over the binary operator levels.
    fn binary(&mut self, level: usize) -> Result<Expr, CompileError> {
        const LEVELS: &[&[(&str, Op)]] = &[
            &[("||", Op::Or)],
            &[("&&", Op::And)],
            &[("==", Op::Eq), ("!=", Op::Ne)],
            &[("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)],
            &[("+", Op::Add), ("-", Op::Sub)],
            &[("*", Op::Mul), ("/", Op::Div), ("%", Op::Rem)],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut lhs = self.binary(level + 1)?;
        'outer: loop {
            for (p, op) in *ops {
                if self.eat(p) {
                    let rhs = self.binary(level + 1)?;
                    lhs = Expr::Bin(*op, Box::new(lhs), Box::new(rhs));
                    continue 'outer;
                }
            }
            return Ok(lhs);
        }
    }

    fn unary(&mut self) -> Result<Expr, CompileError> {
        self.deeper()?;
        let e = if self.eat("!") {
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if self.eat("-") {
            self.unary().map(|e| Expr::Neg(Box::new(e)))
        } else {
            self.postfix()
        };
        self.depth -= 1;
        e
    }

    fn postfix(&mut self) -> Result<Expr, CompileError> {
        let mut e = self.primary()?;
        loop {
            let null_safe = self.is("?.");
            if self.eat(".") || self.eat("?.") {
                let at = self.at();
                let Some(name) = self.ident().map(str::to_string) else {
                    return Err(self.unexpected());
                };
                self.pos += 1;
                if self.eat("(") {
                    let args = self.args(")")?;
                    e = Expr::Call(Box::new(e), name, args, at);
                } else {
                    e = Expr::Field(Box::new(e), name, null_safe);
                }
            } else if self.eat("[") {
                let i = self.expr()?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(i));
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<Expr>, CompileError> {
        let mut out = Vec::new();
        if self.eat(close) {
            return Ok(out);
        }
        loop {
            out.push(self.expr()?);
            if self.eat(close) {
                return Ok(out);
            }
            self.expect(",")?;
        }
    }

    fn primary(&mut self) -> Result<Expr, CompileError> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        self.pos += 1;
        Ok(match t {
            Tok::Int(n) => Expr::Lit(n.into()),
            Tok::Float(f) => {
                Expr::Lit(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
            }
            Tok::Str(s) => Expr::Lit(Value::String(s)),
            Tok::Ident(id) => match id.as_str() {
                "true" => Expr::Lit(Value::Bool(true)),
                "false" => Expr::Lit(Value::Bool(false)),
                "null" => Expr::Lit(Value::Null),
                _ => {
                    if matches!(self.peek(), Some(Tok::Ident(_))) {
                        return Err(self.unexpected());
                    }
                    Expr::Var(id)
                }
            },
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                e
            }
            Tok::Punct("[") => {
                if self.eat(":") {
                    self.expect("]")?;
                    return Ok(Expr::Map(Vec::new()));
                }
                let first = if self.is("]") {
                    None
                } else {
                    Some(self.expr()?)
                };
                if let Some(k) = first.clone()
                    && self.eat(":")
                {
                    let mut pairs = vec![(k, self.expr()?)];
                    while self.eat(",") {
                        let k = self.expr()?;
                        self.expect(":")?;
                        pairs.push((k, self.expr()?));
                    }
                    self.expect("]")?;
                    return Ok(Expr::Map(pairs));
                }
                let mut items: Vec<Expr> = first.into_iter().collect();
                while self.eat(",") {
                    items.push(self.expr()?);
                }
                self.expect("]")?;
                Expr::List(items)
            }
            _ => {
                self.pos -= 1;
                return Err(self.unexpected());
            }
        })
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("'{s}'"),
        Tok::Int(n) => format!("'{n}'"),
        Tok::Float(f) => format!("'{f}'"),
        Tok::Str(s) => format!("'\"{s}\"'"),
        Tok::Punct(p) => format!("'{p}'"),
    }
}

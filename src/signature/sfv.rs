//! The part of RFC 8941 (Structured Field Values) that RFC 9421 signatures
//! and RFC 9530 digests need: parsing dictionaries, serializing inner lists.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// A bare item (RFC 8941 §3.3).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BareItem {
    Integer(i64),
    /// Kept as written; signatures never carry decimals we interpret.
    Decimal(String),
    String(String),
    Token(String),
    Bytes(Vec<u8>),
    Boolean(bool),
}

/// Parameters, in their order.
pub(crate) type Parameters = Vec<(String, BareItem)>;

/// An item with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    pub bare: BareItem,
    pub params: Parameters,
}

/// An inner list with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct InnerList {
    pub items: Vec<Item>,
    pub params: Parameters,
}

/// A dictionary member's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Member {
    Item(Item),
    InnerList(InnerList),
}

/// Looks a parameter up by name.
pub(crate) fn param<'a>(params: &'a Parameters, name: &str) -> Option<&'a BareItem> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Parses a dictionary field value (RFC 8941 §4.2.2), keeping member order.
pub(crate) fn parse_dictionary(input: &str) -> Result<Vec<(String, Member)>, String> {
    let mut p = Parser {
        s: input.as_bytes(),
        pos: 0,
    };
    p.skip(b" ");
    let mut members: Vec<(String, Member)> = Vec::new();
    while p.peek().is_some() {
        let key = p.key()?;
        let value = if p.eat(b'=') {
            if p.peek() == Some(b'(') {
                Member::InnerList(p.inner_list()?)
            } else {
                Member::Item(p.item()?)
            }
        } else {
            let params = p.params()?;
            Member::Item(Item {
                bare: BareItem::Boolean(true),
                params,
            })
        };
        match members.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => members.push((key, value)),
        }
        p.skip(b" \t");
        if p.peek().is_none() {
            break;
        }
        if !p.eat(b',') {
            return Err(format!("expected ',' at {}", p.pos));
        }
        p.skip(b" \t");
        if p.peek().is_none() {
            return Err("trailing comma".into());
        }
    }
    Ok(members)
}

/// Serializes an inner list with its parameters (RFC 8941 §4.1.1.1).
pub(crate) fn serialize_inner_list(list: &InnerList) -> String {
    let items: Vec<String> = list
        .items
        .iter()
        .map(|i| serialize_bare(&i.bare) + &serialize_params(&i.params))
        .collect();
    format!("({}){}", items.join(" "), serialize_params(&list.params))
}

fn serialize_params(params: &Parameters) -> String {
    params
        .iter()
        .map(|(k, v)| match v {
            BareItem::Boolean(true) => format!(";{k}"),
            _ => format!(";{k}={}", serialize_bare(v)),
        })
        .collect()
}

/// Serializes a bare item (RFC 8941 §4.1.3).
pub(crate) fn serialize_bare(item: &BareItem) -> String {
    match item {
        BareItem::Integer(i) => i.to_string(),
        BareItem::Decimal(d) | BareItem::Token(d) => d.clone(),
        BareItem::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        BareItem::Bytes(b) => format!(":{}:", STANDARD.encode(b)),
        BareItem::Boolean(b) => if *b { "?1" } else { "?0" }.to_owned(),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip(&mut self, set: &[u8]) {
        while self.peek().is_some_and(|c| set.contains(&c)) {
            self.pos += 1;
        }
    }

    /// Consumes bytes while `ok` holds; returns them as text (always ASCII).
    fn take_while(&mut self, ok: impl Fn(u8) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&ok) {
            self.pos += 1;
        }
        String::from_utf8_lossy(self.s.get(start..self.pos).unwrap_or_default()).into_owned()
    }

    fn key(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => Ok(self.take_while(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c)
            })),
            _ => Err(format!("expected a key at {}", self.pos)),
        }
    }

    fn params(&mut self) -> Result<Parameters, String> {
        let mut params: Parameters = Vec::new();
        while self.eat(b';') {
            self.skip(b" ");
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare_item()?
            } else {
                BareItem::Boolean(true)
            };
            match params.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => params.push((key, value)),
            }
        }
        Ok(params)
    }

    fn item(&mut self) -> Result<Item, String> {
        let bare = self.bare_item()?;
        let params = self.params()?;
        Ok(Item { bare, params })
    }

    fn inner_list(&mut self) -> Result<InnerList, String> {
        self.eat(b'(');
        let mut items = Vec::new();
        loop {
            self.skip(b" ");
            if self.eat(b')') {
                let params = self.params()?;
                return Ok(InnerList { items, params });
            }
            items.push(self.item()?);
            if !matches!(self.peek(), Some(b' ' | b')')) {
                return Err(format!("bad inner list at {}", self.pos));
            }
        }
    }

    fn bare_item(&mut self) -> Result<BareItem, String> {
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b':') => {
                self.pos += 1;
                let b64 = self.take_while(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c));
                if !self.eat(b':') {
                    return Err("unterminated byte sequence".into());
                }
                STANDARD_NO_PAD
                    .decode(b64.trim_end_matches('='))
                    .map(BareItem::Bytes)
                    .map_err(|_| "bad base64 in a byte sequence".into())
            }
            Some(b'?') => {
                self.pos += 1;
                let value = self.peek() == Some(b'1');
                if !(self.eat(b'0') || self.eat(b'1')) {
                    return Err("bad boolean".into());
                }
                Ok(BareItem::Boolean(value))
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => {
                Ok(BareItem::Token(self.take_while(|c| {
                    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c)
                })))
            }
            _ => Err(format!("expected an item at {}", self.pos)),
        }
    }

    fn string(&mut self) -> Result<BareItem, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(BareItem::String(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => out.push(char::from(c)),
                        _ => return Err("bad escape in a string".into()),
                    }
                }
                Some(c @ 0x20..=0x7e) => out.push(char::from(c)),
                _ => return Err("bad string".into()),
            }
            self.pos += 1;
        }
    }

    fn number(&mut self) -> Result<BareItem, String> {
        let negative = self.eat(b'-');
        let int = self.take_while(|c| c.is_ascii_digit());
        if int.is_empty() || int.len() > 15 {
            return Err("bad number".into());
        }
        let sign = if negative { "-" } else { "" };
        if self.eat(b'.') {
            let frac = self.take_while(|c| c.is_ascii_digit());
            if frac.is_empty() || frac.len() > 3 || int.len() > 12 {
                return Err("bad decimal".into());
            }
            return Ok(BareItem::Decimal(format!("{sign}{int}.{frac}")));
        }
        format!("{sign}{int}")
            .parse()
            .map(BareItem::Integer)
            .map_err(|_| "bad integer".into())
    }
}

#[cfg(test)]
#[path = "sfv_tests.rs"]
mod tests;

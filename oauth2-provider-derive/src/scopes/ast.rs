//! The typed AST of `#[scopes(...)]`: the attribute's entries and the item, keeping the user's
//! tokens so that later passes can point at them.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Ident, LitStr, Token, Visibility};

use super::bits::{Eval, Width, eval};
use crate::internals::ctxt::Ctxt;
use crate::internals::krate::CrateArg;

mod kw {
    syn::custom_keyword!(default);
}

/// Everything the attribute says, in declaration order; duplicates are kept for `validate`.
pub struct Args {
    /// Every `crate = "path"`.
    pub krates: Vec<CrateArg>,
    /// Every `name = value`.
    pub scopes: Vec<ScopeDecl>,
    /// Every `default = ...`.
    pub defaults: Vec<DefaultDecl>,
}

/// `default = a | b`; a description after it is kept for `validate` to refuse.
pub struct DefaultDecl {
    pub key: kw::default,
    pub names: Vec<Name>,
    pub description: Option<DescriptionDecl>,
}

/// `name = 1 << 3`, `"user:email" = 1 << 4`, `read_write = read | write`, optionally with the
/// constant's name, `"user:email" as EMAIL = 1 << 4`, and a description,
/// `read = 1 << 3 => "Read your notes"`.
pub struct ScopeDecl {
    pub name: Name,
    pub const_name: Option<Ident>,
    pub value: Value,
    pub description: Option<DescriptionDecl>,
}

/// `=> "Read your notes"`, whatever follows the arrow.
pub struct DescriptionDecl {
    pub arrow: Token![=>],
    pub text: Description,
}

/// What follows `=>`.
pub enum Description {
    /// A string literal, as a description is written.
    Str(LitStr),
    /// Anything else, kept for `validate` to point at: `=> Read`, `=> 42`, or nothing.
    Other(TokenStream),
}

/// A scope name as written: an identifier or a string literal.
#[derive(Clone)]
pub enum Name {
    Ident(Ident),
    Str(LitStr),
}

/// The right-hand side of a scope declaration.
pub enum Value {
    /// A single scope: a constant expression of one bit.
    Bit(BitExpr),
    /// A combination: earlier names joined by `|`.
    Combination(Vec<Name>),
}

/// A single scope's bit, as tokens, with what the macro could read of it.
pub struct BitExpr {
    pub expr: Expr,
    pub eval: Eval,
    /// The widest unsigned suffix among the expression's literals (`1u32 << 3`).
    pub suffix: Option<Width>,
}

/// The item the attribute is on, whatever it is; `validate` rejects all but a unit struct.
pub struct Item {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub shape: Shape,
}

/// What kind of item `#[scopes]` was put on.
pub enum Shape {
    UnitStruct,
    /// A struct with fields: the fields' tokens.
    StructWithFields(TokenStream),
    /// An enum or a union: its keyword.
    NotStruct(TokenStream),
    /// Generics on an otherwise fine struct.
    Generic(syn::Generics),
}

impl Name {
    /// The scope-token on the wire.
    pub fn wire(&self) -> String {
        match self {
            Name::Ident(ident) => syn::ext::IdentExt::unraw(ident).to_string(),
            Name::Str(lit) => lit.value(),
        }
    }

    /// The name as the user wrote it, for messages: `read` or `"user:email"`.
    pub fn written(&self) -> String {
        match self {
            Name::Ident(ident) => ident.to_string(),
            Name::Str(lit) => format!("{:?}", lit.value()),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Name::Ident(ident) => ident.span(),
            Name::Str(lit) => lit.span(),
        }
    }
}

impl ToTokens for Name {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Name::Ident(ident) => ident.to_tokens(tokens),
            Name::Str(lit) => lit.to_tokens(tokens),
        }
    }
}

impl ToTokens for DescriptionDecl {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.arrow.to_tokens(tokens);
        match &self.text {
            Description::Str(lit) => lit.to_tokens(tokens),
            Description::Other(other) => other.to_tokens(tokens),
        }
    }
}

impl Parse for Name {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(LitStr) {
            // "user:email"
            input.parse().map(Name::Str)
        } else if lookahead.peek(Ident) {
            // read
            input.parse().map(Name::Ident)
        } else {
            Err(lookahead.error())
        }
    }
}

/// One comma-separated entry of the attribute.
enum Entry {
    Crate(CrateArg),
    Default(DefaultDecl),
    Scope(Box<ScopeDecl>),
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(Token![crate]) {
            // crate = "path::to::oauth2_provider"
            input.parse().map(Entry::Crate)
        } else if lookahead.peek(kw::default) {
            // default = read | write
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            let names = parse_names(input)?;
            let description = parse_description(input)?;
            Ok(Entry::Default(DefaultDecl {
                key,
                names,
                description,
            }))
        } else if lookahead.peek(Ident) || lookahead.peek(LitStr) {
            // name = <bit expr> | name = a | "b" | c, with an optional `as CONST_NAME` after the
            // name and an optional `=> "description"` after the value
            let name = input.parse()?;
            let const_name = if input.peek(Token![as]) {
                input.parse::<Token![as]>()?;
                Some(input.parse()?)
            } else {
                None
            };
            input.parse::<Token![=]>()?;
            let value = parse_value(input)?;
            let description = parse_description(input)?;
            Ok(Entry::Scope(Box::new(ScopeDecl {
                name,
                const_name,
                value,
                description,
            })))
        } else {
            Err(lookahead.error())
        }
    }
}

/// `a | "b" | c`
fn parse_names(input: ParseStream) -> syn::Result<Vec<Name>> {
    let mut names = vec![input.parse()?];
    while input.peek(Token![|]) {
        input.parse::<Token![|]>()?;
        names.push(input.parse()?);
    }
    Ok(names)
}

/// A combination when the whole value, up to a description, is names joined by `|`;
/// otherwise a bit expression.
fn parse_value(input: ParseStream) -> syn::Result<Value> {
    let fork = input.fork();
    if let Ok(names) = parse_names(&fork)
        && (fork.is_empty() || fork.peek(Token![=>]))
    {
        use syn::parse::discouraged::Speculative;
        input.advance_to(&fork);
        return Ok(Value::Combination(names));
    }
    let expr: Expr = input.parse()?;
    let mut suffix = None;
    let eval = eval(&expr, &mut suffix);
    Ok(Value::Bit(BitExpr { expr, eval, suffix }))
}

/// `=> "text"` at the end of an entry, or nothing. Whatever follows the arrow is the
/// description; one that is not a string literal is `validate`'s to report, so that the scope
/// is still declared.
fn parse_description(input: ParseStream) -> syn::Result<Option<DescriptionDecl>> {
    if !input.peek(Token![=>]) {
        return Ok(None);
    }
    let arrow = input.parse()?;
    let rest: TokenStream = input.parse()?;
    let text = match syn::parse2::<LitStr>(rest.clone()) {
        Ok(lit) => Description::Str(lit),
        Err(_) => Description::Other(rest),
    };
    Ok(Some(DescriptionDecl { arrow, text }))
}

impl Args {
    /// Parses the attribute's arguments entry by entry, so that a syntax error in one entry
    /// does not hide the mistakes in the others.
    pub fn from_syn(cx: &mut Ctxt, args: TokenStream) -> Args {
        let mut parsed = Args {
            krates: Vec::new(),
            scopes: Vec::new(),
            defaults: Vec::new(),
        };
        for chunk in split_at_commas(args) {
            match syn::parse2::<Entry>(chunk) {
                Ok(Entry::Crate(decl)) => parsed.krates.push(decl),
                Ok(Entry::Default(decl)) => parsed.defaults.push(decl),
                Ok(Entry::Scope(decl)) => parsed.scopes.push(*decl),
                Err(err) => cx.syn_error(err),
            }
        }
        parsed
    }
}

/// The attribute's tokens cut at top-level commas; a trailing comma makes no empty entry.
fn split_at_commas(args: TokenStream) -> Vec<TokenStream> {
    let mut chunks = vec![TokenStream::new()];
    for tree in args {
        match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ',' => chunks.push(TokenStream::new()),
            _ => chunks.last_mut().expect("never empty").extend([tree]),
        }
    }
    if chunks.last().is_some_and(TokenStream::is_empty) {
        chunks.pop();
    }
    chunks
}

impl Item {
    /// Reads the item, whatever it is; `None` for an item that has no name to generate under.
    pub fn from_syn(item: &syn::Item) -> Option<Item> {
        let (attrs, vis, ident, shape) = match item {
            syn::Item::Struct(item) => {
                let shape = if !matches!(item.fields, syn::Fields::Unit) {
                    Shape::StructWithFields(item.fields.to_token_stream())
                } else if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
                    Shape::Generic(item.generics.clone())
                } else {
                    Shape::UnitStruct
                };
                (&item.attrs, &item.vis, &item.ident, shape)
            }
            syn::Item::Enum(item) => (
                &item.attrs,
                &item.vis,
                &item.ident,
                Shape::NotStruct(item.enum_token.to_token_stream()),
            ),
            syn::Item::Union(item) => (
                &item.attrs,
                &item.vis,
                &item.ident,
                Shape::NotStruct(item.union_token.to_token_stream()),
            ),
            _ => return None,
        };
        Some(Item {
            attrs: attrs.clone(),
            vis: vis.clone(),
            ident: ident.clone(),
            shape,
        })
    }
}

//! The typed AST of a model derive: the struct, its `#[oauth(...)]` attributes and its fields,
//! keeping the user's tokens.

use quote::ToTokens;
use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Generics, Ident, Lit, LitStr, Token, Type};

use super::role::{Derive, Role};
use crate::internals::ctxt::Ctxt;
use crate::internals::krate;

/// The derive input as the derive sees it.
pub struct Input<'a> {
    pub derive: Derive,
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    /// `#[oauth(crate = "path")]`, when given.
    pub krate: Option<syn::Path>,
    /// `None` when the input is not a struct with named fields.
    pub fields: Option<Vec<Field<'a>>>,
}

/// One named field, the roles its attributes give it and the claims they read from it.
pub struct Field<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    pub roles: Vec<RoleAttr>,
    pub claims: Vec<LitStr>,
}

/// A role as written: the role and the identifier that named it.
pub struct RoleAttr {
    pub role: Role,
    pub ident: Ident,
}

impl<'a> Input<'a> {
    pub fn from_syn(cx: &mut Ctxt, derive: Derive, input: &'a DeriveInput) -> Input<'a> {
        let krate = container_attrs(cx, &input.attrs);
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(
                    named
                        .named
                        .iter()
                        .map(|field| {
                            let (roles, claims) = field_attrs(cx, derive, &field.attrs);
                            Field {
                                member: field.ident.as_ref().expect("named field"),
                                ty: &field.ty,
                                roles,
                                claims,
                            }
                        })
                        .collect(),
                ),
                Fields::Unnamed(fields) => {
                    cx.error_spanned_by(fields, not_named(derive));
                    None
                }
                Fields::Unit => {
                    cx.error_spanned_by(&input.ident, not_named(derive));
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(data.enum_token, not_named(derive));
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, not_named(derive));
                None
            }
        };
        Input {
            derive,
            ident: &input.ident,
            generics: &input.generics,
            krate,
            fields,
        }
    }
}

fn not_named(derive: Derive) -> String {
    format!(
        "`#[derive({})]` works on a struct with named fields",
        derive.name()
    )
}

/// `#[oauth(crate = "path")]` on the struct.
fn container_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> Option<syn::Path> {
    let mut found: Option<syn::Path> = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("oauth")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                // crate = "path::to::oauth2_provider"
                let path = krate::parse_path(meta.value()?)?;
                if found.is_some() {
                    cx.error_spanned_by(&meta.path, "duplicate `#[oauth(crate = ...)]`");
                } else {
                    found = Some(path);
                }
                Ok(())
            } else {
                let written = meta.path.to_token_stream().to_string().replace(' ', "");
                Err(meta.error(format!(
                    "unknown attribute `#[oauth({written})]` on the struct; it takes `#[oauth(crate = \"path\")]`, roles go on fields"
                )))
            }
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    found
}

/// `#[oauth(role)]` and `#[oauth(claim = "name")]` on a field; several roles are kept for
/// `validate` to reject, and every claim name for it to check.
fn field_attrs(
    cx: &mut Ctxt,
    derive: Derive,
    attrs: &[syn::Attribute],
) -> (Vec<RoleAttr>, Vec<LitStr>) {
    let mut roles = Vec::new();
    let mut claims = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("oauth")) {
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("claim") {
                // claim = "email"
                if !derive.takes_claims() {
                    return Err(meta.error(format!(
                        "`#[oauth(claim = ...)]` is for `#[derive(ResourceOwner)]`; the roles of `#[derive({})]` are {}",
                        derive.name(),
                        derive.role_list()
                    )));
                }
                if !meta.input.peek(Token![=]) {
                    return Err(meta.error(CLAIM_VALUE));
                }
                match meta.value()?.parse::<Expr>()? {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(name),
                        ..
                    }) => claims.push(name),
                    value => cx.error_spanned_by(value, CLAIM_VALUE),
                }
                return Ok(());
            }
            // client_id
            let written = meta.path.to_token_stream().to_string().replace(' ', "");
            let role = meta
                .path
                .get_ident()
                .and_then(|ident| Role::from_name(&ident.to_string()));
            let Some(role) = role.filter(|&role| derive.takes(role)) else {
                let what = if role.is_some() {
                    format!("`{written}` is not a role of")
                } else {
                    format!("unknown role `{written}` for")
                };
                return Err(meta.error(format!(
                    "{what} `#[derive({})]`; its roles are {}",
                    derive.name(),
                    derive.role_list()
                )));
            };
            if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
                return Err(meta.error(format!("`#[oauth({written})]` takes no value")));
            }
            roles.push(RoleAttr {
                role,
                ident: meta
                    .path
                    .get_ident()
                    .expect("a role is an identifier")
                    .clone(),
            });
            Ok(())
        });
        if let Err(err) = parsed {
            cx.syn_error(err);
        }
    }
    (roles, claims)
}

/// `claim` without a string literal after it.
const CLAIM_VALUE: &str =
    "`#[oauth(claim = ...)]` takes the claim's name as a string literal, like `claim = \"email\"`";

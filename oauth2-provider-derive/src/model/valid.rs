//! Checks across the fields of a model derive: every required role on exactly one field, one
//! role per field; a client's keys and assertion secret beside its `auth_method`; every claim
//! named, not `sub`, and read from one field.

use syn::LitStr;

use super::ast::{Field, Input};
use super::role::{Need, Role};
use crate::internals::ctxt::Ctxt;

/// The fields by role. Built even when there are errors, from the first field of each role.
pub struct Roles<'i, 'a> {
    by_role: Vec<(Role, &'i Field<'a>)>,
    /// The fields with no role, which `new` fills with `Default::default()`.
    pub unmarked: Vec<&'i Field<'a>>,
    /// Each claim's name and the field it is read from, in order; without the names rejected.
    pub claims: Vec<(&'i LitStr, &'i Field<'a>)>,
}

impl<'i, 'a> Roles<'i, 'a> {
    /// The field with `role`.
    pub fn get(&self, role: Role) -> Option<&'i Field<'a>> {
        self.by_role
            .iter()
            .find(|(r, _)| *r == role)
            .map(|&(_, field)| field)
    }

    /// The field with a role the derive requires; only called after a clean validation.
    pub fn field(&self, role: Role) -> &'i Field<'a> {
        self.get(role).expect("validated: required role present")
    }
}

pub fn validate<'i, 'a>(cx: &mut Ctxt, input: &'i Input<'a>) -> Roles<'i, 'a> {
    let mut roles = Roles {
        by_role: Vec::new(),
        unmarked: Vec::new(),
        claims: Vec::new(),
    };
    let Some(fields) = &input.fields else {
        return roles;
    };
    let derive = input.derive.name();
    for field in fields {
        for name in &field.claims {
            check_claim(cx, &mut roles, name, field);
        }
        let mut given = field.roles.iter();
        let Some(first) = given.next() else {
            roles.unmarked.push(field);
            continue;
        };
        for extra in given {
            cx.error_spanned_by(
                &extra.ident,
                format!(
                    "field `{}` already has the role `{}`; a field takes one role",
                    field.member,
                    first.role.name()
                ),
            );
        }
        if roles.get(first.role).is_some() {
            cx.error_spanned_by(
                &first.ident,
                format!(
                    "`#[oauth({})]` is on more than one field; `#[derive({derive})]` takes one",
                    first.role.name()
                ),
            );
        } else {
            roles.by_role.push((first.role, field));
        }
    }
    for accessor in input.derive.roles() {
        if accessor.need == Need::Required && roles.get(accessor.role).is_none() {
            cx.error_spanned_by(
                input.ident,
                format!(
                    "`#[derive({derive})]` needs a field with `#[oauth({})]`",
                    accessor.role.name()
                ),
            );
        }
    }
    check_assertion_roles(cx, &roles);
    roles
}

/// The keys and the secret of a JWT assertion are read only for a client whose
/// `auth_method()` names a JWT method, which a derived client reads from its `auth_method`
/// field alone: without one, they are dead fields.
fn check_assertion_roles(cx: &mut Ctxt, roles: &Roles) {
    if roles.get(Role::AuthMethod).is_some() {
        return;
    }
    for (role, what) in [
        (Role::Jwks, "keys are"),
        (Role::JwksUri, "keys are"),
        (Role::AssertionSecret, "secret is"),
    ] {
        let Some(field) = roles.get(role) else {
            continue;
        };
        let given = field.roles.iter().find(|given| given.role == role);
        let ident = &given.expect("the field has its role").ident;
        cx.error_spanned_by(
            ident,
            format!(
                "`#[oauth({})]` needs a field with `#[oauth(auth_method)]`: without one the client sends no assertion, so its {what} never read",
                role.name()
            ),
        );
    }
}

/// A claim has a name, not `sub`, and one field; a claim that has is kept.
fn check_claim<'i, 'a>(
    cx: &mut Ctxt,
    roles: &mut Roles<'i, 'a>,
    name: &'i LitStr,
    field: &'i Field<'a>,
) {
    let claim = name.value();
    if claim.is_empty() {
        cx.error_spanned_by(
            name,
            "`#[oauth(claim = \"\")]` needs the claim's name, like `claim = \"email\"`",
        );
    } else if claim == "sub" {
        cx.error_spanned_by(
            name,
            "claim `sub` is the subject, which the runtime sets from the `#[oauth(subject)]` field; this claim needs another name",
        );
    } else if let Some((_, first)) = roles.claims.iter().find(|(seen, _)| seen.value() == claim) {
        cx.error_spanned_by(
            name,
            format!(
                "claim `{claim}` is already read from field `{}`; a claim is read from one field",
                first.member
            ),
        );
    } else {
        roles.claims.push((name, field));
    }
}

//! Behaviour of a `#[scopes]`-generated type: parse and format, set algebra, serde, `const` use,
//! descriptions.

use oauth2_provider::scope::{ScopeDef, ScopeError, Scopes as _};
use oauth2_provider::scopes;
use proptest::prelude::*;

/// The scopes of the tests.
#[scopes(
    read = 1 << 1 => "Read your notes",
    write = 1 << 2,
    "user:email" = 1 << 3 => "See your email address",
    "https://api.example.com/read" = 1 << 4,
    admin = 1 << 0 => r#"Manage the "admin" area"#,
    read_write = read | write => "Read and change your notes",
    default = read | "user:email",
)]
#[derive(PartialOrd, Ord)]
pub struct Scope;

/// A scope type with bits past 64.
#[scopes(low = 1 << 0, high = 1 << 100, top = 1 << 127)]
pub(crate) struct Wide;

/// A scope type whose bits are constants the macro cannot read.
#[scopes(first = { FIRST } => "The first", second = { FIRST << 1 }, both = first | second)]
struct Computed;

const FIRST: u128 = 1 << 70;

/// Without `default`, the default is the empty set.
#[scopes(only = 1)]
struct NoDefault;

const SINGLES: [Scope; 5] = [
    Scope::READ,
    Scope::WRITE,
    Scope::USER_EMAIL,
    Scope::HTTPS_API_EXAMPLE_COM_READ,
    Scope::ADMIN,
];

#[test]
fn backing_integer_is_the_narrowest_that_holds_the_bits() {
    let narrow: u8 = Scope::all().bits();
    assert_eq!(narrow, 0b1_1111);
    let wide: u128 = Wide::all().bits();
    assert_eq!(wide, 1 | 1 << 100 | 1 << 127);
    let computed: u128 = Computed::BOTH.bits();
    assert_eq!(computed, 3 << 70);
}

#[test]
fn parses_and_formats_in_declaration_order() {
    let scope = Scope::parse("user:email read").unwrap();
    assert_eq!(scope, Scope::READ | Scope::USER_EMAIL);
    assert_eq!(scope.to_string(), "read user:email");
    assert_eq!(scope.to_scope_string(), "read user:email");
    assert_eq!("write read".parse::<Scope>(), Ok(Scope::READ_WRITE));
    assert_eq!(Scope::parse(""), Ok(Scope::empty()));
    assert_eq!(Scope::empty().to_string(), "");
    assert_eq!(
        Scope::parse("https://api.example.com/read"),
        Ok(Scope::HTTPS_API_EXAMPLE_COM_READ)
    );
}

#[test]
fn combinations_parse_but_format_as_their_singles() {
    assert_eq!(Scope::parse("read_write"), Ok(Scope::READ | Scope::WRITE));
    assert_eq!(Scope::READ_WRITE.to_string(), "read write");
    assert_eq!(Scope::from_name("read_write"), Some(Scope::READ_WRITE));
    assert_eq!(
        Scope::READ_WRITE.names().collect::<Vec<_>>(),
        ["read", "write"]
    );
}

#[test]
fn unknown_and_malformed_strings_are_told_apart() {
    assert_eq!(Scope::parse("delete"), Err(ScopeError::Unknown));
    assert_eq!(Scope::parse("read delete"), Err(ScopeError::Unknown));
    assert_eq!(Scope::parse("read  write"), Err(ScopeError::Malformed));
    assert_eq!(Scope::parse(" read"), Err(ScopeError::Malformed));
    assert_eq!(Scope::parse("read "), Err(ScopeError::Malformed));
    assert_eq!(Scope::parse("\"read\""), Err(ScopeError::Malformed));
    assert_eq!("re\\ad".parse::<Scope>(), Err(ScopeError::Malformed));
    assert_eq!(Scope::from_name("delete"), None);
}

#[test]
fn table_lists_singles_and_combinations_in_declaration_order() {
    assert_eq!(
        <Scope as oauth2_provider::Scopes>::DEFS,
        &[
            ScopeDef::single("read", 1 << 1).described("Read your notes"),
            ScopeDef::single("write", 1 << 2),
            ScopeDef::single("user:email", 1 << 3).described("See your email address"),
            ScopeDef::single("https://api.example.com/read", 1 << 4),
            ScopeDef::single("admin", 1 << 0).described("Manage the \"admin\" area"),
            ScopeDef::combined("read_write", 1 << 1 | 1 << 2)
                .described("Read and change your notes"),
        ]
    );
    assert_eq!(<Scope as oauth2_provider::Scopes>::DEFAULT, 1 << 1 | 1 << 3);
}

#[test]
fn default_is_the_declared_default_or_empty() {
    assert_eq!(Scope::default(), Scope::READ | Scope::USER_EMAIL);
    assert_eq!(Scope::default_scope(), Scope::default());
    assert_eq!(NoDefault::default(), NoDefault::empty());
    assert_eq!(NoDefault::ONLY.bits(), 1);
}

#[test]
fn operators_are_set_algebra_within_the_defined_scopes() {
    let mut scope = Scope::READ | Scope::WRITE;
    assert_eq!(scope & Scope::WRITE, Scope::WRITE);
    assert_eq!(scope ^ Scope::WRITE, Scope::READ);
    assert_eq!(scope - Scope::READ, Scope::WRITE);
    assert_eq!(
        !scope,
        Scope::USER_EMAIL | Scope::HTTPS_API_EXAMPLE_COM_READ | Scope::ADMIN
    );
    assert_eq!(!Scope::empty(), Scope::all());
    assert_eq!(!Scope::all(), Scope::empty());
    scope |= Scope::ADMIN;
    assert!(scope.contains(Scope::ADMIN));
    scope -= Scope::READ;
    assert_eq!(scope, Scope::WRITE | Scope::ADMIN);
    scope &= Scope::ADMIN;
    assert_eq!(scope, Scope::ADMIN);
    scope ^= Scope::ADMIN | Scope::READ;
    assert_eq!(scope, Scope::READ);
    assert!(Scope::READ_WRITE.intersects(Scope::WRITE));
    assert!(!Scope::READ.intersects(Scope::WRITE));
    // `!` stays within the defined bits even when a set holds others.
    assert_eq!(!Scope::from_bits_retain(0b1000_0000), Scope::all());
}

#[test]
fn django_check_is_contains() {
    let has = Scope::READ_WRITE;
    assert!(has.contains(Scope::READ));
    assert!(has.contains(Scope::empty()));
    assert!(!has.contains(Scope::READ | Scope::ADMIN));
}

#[test]
fn constants_compose_in_const_context() {
    const EDITOR: Scope = Scope::READ.union(Scope::WRITE);
    const READER: Scope = EDITOR.difference(Scope::WRITE);
    const OTHERS: Scope = EDITOR.complement();
    const HAS: bool = EDITOR.contains(Scope::READ);
    const BITS: u8 = Scope::from_bits_retain(EDITOR.bits())
        .intersection(Scope::all())
        .bits();
    const EMPTY: bool = Scope::empty().is_empty() && !Scope::all().is_empty();
    const FLIP: Scope = Scope::READ.symmetric_difference(Scope::READ_WRITE);
    assert_eq!(EDITOR, Scope::READ_WRITE);
    assert_eq!(READER, Scope::READ);
    assert_eq!(
        OTHERS,
        Scope::USER_EMAIL | Scope::HTTPS_API_EXAMPLE_COM_READ | Scope::ADMIN
    );
    assert_eq!(FLIP, Scope::WRITE);
    const { assert!(HAS && EMPTY && Scope::READ_WRITE.intersects(Scope::WRITE)) };
    assert_eq!(BITS, 0b110);
    // Structural equality: the constants are patterns.
    match Scope::parse("read").unwrap() {
        Scope::READ => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn debug_names_the_scopes() {
    assert_eq!(format!("{:?}", Scope::READ_WRITE), "Scope(read | write)");
    assert_eq!(format!("{:?}", Scope::USER_EMAIL), "Scope(user:email)");
    assert_eq!(format!("{:?}", Scope::empty()), "Scope(0x0)");
    assert_eq!(
        format!("{:?}", Scope::from_bits_retain(1 << 1 | 1 << 7)),
        "Scope(read | 0x80)"
    );
    assert_eq!(format!("{:?}", Wide::all()), "Wide(low | high | top)");
}

#[test]
fn serde_uses_the_scope_string() {
    let json = serde_json::to_string(&(Scope::WRITE | Scope::USER_EMAIL)).unwrap();
    assert_eq!(json, r#""write user:email""#);
    let back: Scope = serde_json::from_str(r#""user:email write""#).unwrap();
    assert_eq!(back, Scope::WRITE | Scope::USER_EMAIL);
    assert!(serde_json::from_str::<Scope>(r#""delete""#).is_err());
    assert!(serde_json::from_str::<Scope>(r#""read  write""#).is_err());
    assert!(serde_json::from_str::<Scope>("3").is_err());
    let wide: Wide = serde_json::from_str(r#""top high""#).unwrap();
    assert_eq!(wide, Wide::HIGH | Wide::TOP);
}

#[test]
fn wide_scopes_use_bits_past_64() {
    assert_eq!(Wide::HIGH.bits(), 1 << 100);
    assert_eq!(Wide::TOP.bits(), 1 << 127);
    assert_eq!(Wide::parse("low top"), Ok(Wide::LOW | Wide::TOP));
    assert_eq!((Wide::HIGH | Wide::LOW).to_string(), "low high");
    assert_eq!(!Wide::HIGH, Wide::LOW | Wide::TOP);
}

#[test]
fn computed_bits_work_like_literal_ones() {
    assert_eq!(Computed::parse("second first"), Ok(Computed::BOTH));
    assert_eq!(Computed::SECOND.bits(), 1 << 71);
    assert_eq!(Computed::BOTH.to_string(), "first second");
}

#[test]
fn description_of_names_a_single_or_a_combination() {
    assert_eq!(Scope::description_of("read"), Some("Read your notes"));
    assert_eq!(
        Scope::description_of("user:email"),
        Some("See your email address")
    );
    assert_eq!(
        Scope::description_of("read_write"),
        Some("Read and change your notes")
    );
    assert_eq!(
        Scope::description_of("admin"),
        Some(r#"Manage the "admin" area"#)
    );
    // Declared without one, and not declared at all.
    assert_eq!(Scope::description_of("write"), None);
    assert_eq!(Scope::description_of("delete"), None);
    assert_eq!(Computed::description_of("first"), Some("The first"));
    assert_eq!(Computed::description_of("both"), None);
}

#[test]
fn descriptions_list_the_singles_of_a_set_in_declaration_order() {
    let consent = Scope::parse("user:email write admin read").unwrap();
    assert_eq!(
        consent.descriptions().collect::<Vec<_>>(),
        [
            ("read", Some("Read your notes")),
            ("write", None),
            ("user:email", Some("See your email address")),
            ("admin", Some(r#"Manage the "admin" area"#)),
        ]
    );
    // A combination lists as its singles, like `names`.
    assert_eq!(
        Scope::READ_WRITE.descriptions().collect::<Vec<_>>(),
        [("read", Some("Read your notes")), ("write", None)]
    );
    assert_eq!(Scope::empty().descriptions().count(), 0);
    // Bits no scope stands for list nothing.
    assert_eq!(
        Scope::from_bits_retain(1 << 2 | 1 << 7)
            .descriptions()
            .collect::<Vec<_>>(),
        [("write", None)]
    );
    // The iterator does not borrow the set it came from.
    fn listed<S: oauth2_provider::Scopes>(
        set: S,
    ) -> impl Iterator<Item = (&'static str, Option<&'static str>)> {
        oauth2_provider::Scopes::descriptions(&set)
    }
    let inherent = {
        let set = Scope::USER_EMAIL;
        set.descriptions()
    };
    assert!(inherent.eq(listed(Scope::USER_EMAIL)));
    // The trait's and the inherent methods agree.
    assert!(oauth2_provider::Scopes::descriptions(&consent).eq(consent.descriptions()));
}

#[test]
fn description_of_a_set_is_that_of_the_one_entry_it_is() {
    assert_eq!(
        Scope::READ_WRITE.description(),
        Some("Read and change your notes")
    );
    assert_eq!(
        (Scope::READ | Scope::WRITE).description(),
        Scope::READ_WRITE.description()
    );
    assert_eq!(
        Scope::USER_EMAIL.description(),
        Some("See your email address")
    );
    // An entry declared without one, a set no entry stands for, the empty set.
    assert_eq!(Scope::WRITE.description(), None);
    assert_eq!((Scope::READ | Scope::ADMIN).description(), None);
    assert_eq!(Scope::empty().description(), None);
    assert_eq!(Computed::BOTH.description(), None);
    assert_eq!(Computed::FIRST.description(), Some("The first"));
}

fn subset() -> impl Strategy<Value = Scope> {
    proptest::sample::subsequence(SINGLES.to_vec(), 0..=SINGLES.len())
        .prop_map(|scopes| scopes.into_iter().fold(Scope::empty(), |a, b| a | b))
}

proptest! {
    #[test]
    fn format_then_parse_is_identity(scope in subset()) {
        let string = scope.to_string();
        prop_assert_eq!(Scope::parse(&string), Ok(scope));
        let json = serde_json::to_string(&scope).unwrap();
        prop_assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), scope);
    }

    #[test]
    fn parse_ignores_order_and_repetition(scopes in proptest::collection::vec(0..SINGLES.len(), 1..8)) {
        let names: Vec<String> = scopes.iter().map(|&i| SINGLES[i].to_string()).collect();
        let expected = scopes.iter().fold(Scope::empty(), |a, &i| a | SINGLES[i]);
        prop_assert_eq!(Scope::parse(&names.join(" ")), Ok(expected));
    }

    #[test]
    fn algebra_agrees_with_the_trait(a in subset(), b in subset()) {
        use oauth2_provider::Scopes as Trait;
        prop_assert_eq!(a | b, Trait::union(a, b));
        prop_assert_eq!(a & b, Trait::intersection(a, b));
        prop_assert_eq!(a - b, Trait::difference(a, b));
        prop_assert_eq!(a ^ b, Trait::symmetric_difference(a, b));
        prop_assert_eq!((a | b).contains(a), true);
        prop_assert_eq!(!(!a), a);
    }
}

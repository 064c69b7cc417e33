use oauth2_provider::scopes;

const BITS: u128 = 0b11 << 70;

#[scopes(read = 1 << 0, both = { BITS })]
pub struct Scope;

fn main() {}

use oauth2_provider::scopes;

const BIT: u128 = 1 << 70;

#[scopes(read = { BIT }, write = 1 << 2, admin = { BIT })]
pub struct Scope;

fn main() {}

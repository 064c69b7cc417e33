use oauth2_provider::scopes;

const READ_BIT: u128 = 1 << 3;

#[scopes(read = READ_BIT)]
pub struct Scope;

fn main() {}

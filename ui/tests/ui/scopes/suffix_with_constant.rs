use oauth2_provider::scopes;

const BIT: u128 = 1 << 70;

// A bit in braces makes the backing integer `u128`; a literal typed narrower is reported.
#[scopes(read = { BIT }, write = 1u8 << 1)]
pub struct Scope;

fn main() {}

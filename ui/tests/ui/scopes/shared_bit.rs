use oauth2_provider::scopes;

#[scopes(read = 1 << 1, write = 1 << 2, delete = 1 << 1)]
pub struct Scope;

fn main() {}

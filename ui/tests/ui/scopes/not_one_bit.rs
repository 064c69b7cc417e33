use oauth2_provider::scopes;

#[scopes(read = 1, write = 3)]
pub struct Scope;

fn main() {}

use oauth2_provider::scopes;

#[scopes(read = 1 << 0, "user email" = 1 << 1)]
pub struct Scope;

fn main() {}

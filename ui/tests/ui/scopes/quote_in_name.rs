use oauth2_provider::scopes;

#[scopes(read = 1 << 0, "say\"hi" = 1 << 1)]
pub struct Scope;

fn main() {}

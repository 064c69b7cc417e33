use oauth2_provider::scopes;

#[scopes(read = 1 << 0, write = 1 << 1, default = read, default = write)]
pub struct Scope;

fn main() {}

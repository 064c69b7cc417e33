use oauth2_provider::scopes;

#[scopes(read = 1 << 0, read_write = read | write, write = 1 << 1)]
pub struct Scope;

fn main() {}

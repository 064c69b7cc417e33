use oauth2_provider::scopes;

#[scopes(read = 1 << 0)]
pub struct Scope<T>;

fn main() {}

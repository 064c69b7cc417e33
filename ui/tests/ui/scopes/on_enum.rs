use oauth2_provider::scopes;

#[scopes(read = 1 << 0)]
pub enum Scope {
    Read,
}

fn main() {}

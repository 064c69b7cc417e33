use oauth2_provider::scopes;

#[scopes(read = 1 << 0, write = 1 << 1, read = 1 << 2)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE;
}

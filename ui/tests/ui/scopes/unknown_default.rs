use oauth2_provider::scopes;

#[scopes(read = 1 << 0, write = 1 << 1, default = read | admin)]
pub struct Scope;

fn main() {
    let _ = Scope::default();
}

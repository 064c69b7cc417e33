use oauth2_provider::scopes;

#[scopes(read = 1 << 0, far = 1 << 128)]
pub struct Scope;

fn main() {
    let _ = Scope::FAR;
}

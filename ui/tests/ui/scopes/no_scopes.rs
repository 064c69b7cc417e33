use oauth2_provider::scopes;

#[scopes()]
pub struct Scope;

fn main() {
    let _ = Scope::empty();
}

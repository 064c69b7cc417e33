use oauth2_provider::scopes;

// A syntax error in one entry does not hide the others.
#[scopes(read = 1 << 0, write 1 << 1, type = 1 << 2, admin = 1 << 3)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::ADMIN;
}

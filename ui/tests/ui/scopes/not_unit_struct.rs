use oauth2_provider::scopes;

#[scopes(read = 1 << 0)]
pub struct Scope {
    bits: u8,
}

fn main() {
    let _ = Scope::READ;
}

use oauth2_provider::scopes;

// An empty or whitespace-only description says nothing on a consent page.
#[scopes(read = 1 << 0 => "", write = 1 << 1 => "   ")]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE;
}

use oauth2_provider::scopes;

// Every mistake is reported, each at its own token.
#[scopes(
    read = 1 << 0,
    read = 1 << 1,
    "no spaces" = 1 << 2,
    write = 1 << 0,
    admin = 5,
    everything = read | nothing,
    default = unknown,
)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE | Scope::ADMIN | Scope::EVERYTHING;
}

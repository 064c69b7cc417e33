use oauth2_provider::scopes;

// A description is a plain string literal: not words, a number, nothing, a macro or a suffixed
// string.
#[scopes(
    read = 1 << 0 => Read your notes,
    write = 1 << 1 => 42,
    admin = 1 << 2 =>,
    "user:email" = 1 << 3 => "See your email address"en,
    read_write = read | write => concat!("Read and ", "change"),
)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE | Scope::ADMIN | Scope::USER_EMAIL | Scope::READ_WRITE;
}

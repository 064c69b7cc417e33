use oauth2_provider::scopes;

// A description is shown on one line of a page: no newline, tab or other control character.
#[scopes(
    read = 1 << 0 => "Read your notes
and your drafts",
    write = 1 << 1 => "Change\tyour notes",
    "user:email" = 1 << 2 => "See your email address\u{7}",
)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE | Scope::USER_EMAIL;
}

use oauth2_provider::scopes;

#[scopes("user:email" = 1 << 0, user_email = 1 << 1)]
pub struct Scope;

fn main() {
    let _ = Scope::USER_EMAIL;
}

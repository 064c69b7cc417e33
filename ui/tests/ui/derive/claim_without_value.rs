use oauth2_provider::ResourceOwner;

// `claim` names the claim.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim)]
    email: String,
}

fn main() {}

use oauth2_provider::ResourceOwner;

// Every claim mistake is reported, each at its own token, and the subject's field still
// counts.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject, claim = "sub")]
    id: i64,
    #[oauth(claim = "")]
    email: String,
    #[oauth(claim = "name", claim = "name")]
    name: String,
    #[oauth(claim = nickname)]
    nickname: String,
}

fn main() {}

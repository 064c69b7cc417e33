use oauth2_provider::ResourceOwner;

// `sub` is the subject's, set by the runtime.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim = "sub")]
    login: String,
}

fn main() {}

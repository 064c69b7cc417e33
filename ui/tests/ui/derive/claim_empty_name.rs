use oauth2_provider::ResourceOwner;

// A claim needs a name.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim = "")]
    email: String,
}

fn main() {}

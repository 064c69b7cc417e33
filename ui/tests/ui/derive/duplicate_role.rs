use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(subject)]
    email: String,
}

fn main() {}

use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject = "id")]
    id: i64,
}

fn main() {}

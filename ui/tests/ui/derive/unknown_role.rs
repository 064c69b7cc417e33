use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subjet)]
    id: i64,
}

fn main() {}

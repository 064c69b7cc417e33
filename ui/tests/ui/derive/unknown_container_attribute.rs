use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
#[oauth(rename_all = "snake_case")]
pub struct User {
    #[oauth(subject)]
    id: i64,
}

fn main() {}

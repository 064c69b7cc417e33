use oauth2_provider::ResourceOwner;

pub struct Id([u8; 16]);

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: Id,
}

fn main() {}

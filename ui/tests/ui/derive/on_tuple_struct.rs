use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
pub struct User(#[oauth(subject)] i64);

fn main() {}

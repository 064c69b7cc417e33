use oauth2_provider::ResourceOwner;

// The claim's name is a string literal, not an identifier or a number.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim = email)]
    email: String,
    #[oauth(claim = 1)]
    rank: u8,
}

fn main() {}

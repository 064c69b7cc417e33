use oauth2_provider::ResourceOwner;

pub struct Address {
    country: String,
}

// A claim's field is serialized.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim = "address")]
    address: Address,
}

fn main() {}

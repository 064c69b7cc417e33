use oauth2_provider::ResourceOwner;

// Each claim is read from one field; the second is reported.
#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    id: i64,
    #[oauth(claim = "email")]
    email: String,
    #[oauth(claim = "email")]
    work_email: String,
}

fn main() {}

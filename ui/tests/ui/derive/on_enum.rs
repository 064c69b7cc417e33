use oauth2_provider::ResourceOwner;

#[derive(ResourceOwner)]
pub enum User {
    Admin,
    Member(i64),
}

fn main() {}

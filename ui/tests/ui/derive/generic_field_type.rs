use oauth2_provider::ResourceOwner;
use oauth2_provider::model::ResourceOwner as _;

#[derive(ResourceOwner)]
pub struct User<Id> {
    #[oauth(subject)]
    id: Id,
}

pub struct Opaque;

fn main() {
    // `Id: ToString` is a bound of the impl, reported where the impl is needed.
    let _ = User { id: Opaque }.subject();
}

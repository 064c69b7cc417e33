use oauth2_provider::scopes;

// The backing integer is `u8`; a literal typed otherwise is reported where it is.
#[scopes(read = 1 << 0, write = 1i32 << 1)]
pub struct Scope;

fn main() {}

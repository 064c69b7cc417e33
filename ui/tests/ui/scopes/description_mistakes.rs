use oauth2_provider::scopes;

// Every description mistake is reported, each at its own token, beside the declaration's other
// mistakes: the description of a duplicate scope is checked too.
#[scopes(
    read = 1 << 0 => Read,
    write = 1 << 1 => "",
    "user:email" = 1 << 2 => "See\nyour email address",
    read = 1 << 3 => " ",
    read_write = read | write => "Read and change your notes" "twice",
    default = read => "Read",
)]
pub struct Scope;

fn main() {
    let _ = Scope::READ | Scope::WRITE | Scope::USER_EMAIL | Scope::READ_WRITE;
}

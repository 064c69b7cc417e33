use oauth2_provider::scopes;

#[scopes(read = 1 << 0, write = 1 << 1, read_write = read | wirte)]
pub struct Scope;

fn main() {
    let _ = Scope::READ_WRITE;
}

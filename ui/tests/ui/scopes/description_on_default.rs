use oauth2_provider::scopes;

// `default` names scopes; their descriptions are their own.
#[scopes(read = 1 << 0 => "Read your notes", default = read => "Read your notes")]
pub struct Scope;

fn main() {
    let _ = Scope::READ;
    let _: Scope = Default::default();
}

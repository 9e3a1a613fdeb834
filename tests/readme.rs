//! The README's key list is the keymap table itself: this fails, showing the table, when the
//! two drift apart.

#[test]
fn the_readme_lists_every_key_of_the_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- keys:start -->\n")
        .expect("the README has a keys:start marker")
        + 20;
    let end = readme
        .find("<!-- keys:end -->")
        .expect("the README has a keys:end marker");
    let table = firebreak::app::keymap::Keymap::default().markdown();
    assert!(
        readme[start..end] == table,
        "the README's key list differs from the keymap; put this between the markers:\n{table}"
    );
}

#[test]
fn the_readme_shows_every_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for command in [
        "firebreak init",
        "firebreak demo",
        "firebreak whoami",
        "firebreak person add",
        "firebreak person list",
        "firebreak project add",
        "firebreak project list",
        "firebreak item add",
        "firebreak item list",
        "firebreak item show",
        "firebreak item rank",
        "firebreak item move",
        "firebreak item edit",
        "firebreak export",
        "firebreak import",
    ] {
        assert!(
            readme.contains(command),
            "the README does not show `{command}`"
        );
    }
}

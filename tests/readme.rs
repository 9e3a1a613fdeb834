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
    use clap::CommandFactory;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let cli = firebreak::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in cli.get_subcommands() {
        let leaves: Vec<String> = if sub.get_subcommands().next().is_some() {
            sub.get_subcommands()
                .map(|leaf| format!("firebreak {} {}", sub.get_name(), leaf.get_name()))
                .collect()
        } else {
            vec![format!("firebreak {}", sub.get_name())]
        };
        missing.extend(leaves.into_iter().filter(|c| !readme.contains(c.as_str())));
    }
    assert!(
        missing.is_empty(),
        "the README does not show: {}",
        missing.join(", ")
    );
}

#[test]
fn the_readme_lists_every_duty_of_the_policy() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- duties:start -->\n")
        .expect("the README has a duties:start marker")
        + 22;
    let end = readme
        .find("<!-- duties:end -->")
        .expect("the README has a duties:end marker");
    let table = firebreak::domain::policy::duties_markdown();
    assert!(
        readme[start..end] == table,
        "the README's duties differ from the policy; put this between the markers:\n{table}"
    );
}

use super::*;
use std::os::unix::fs::PermissionsExt;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_board_is_owner_only_unless_shared_with_a_group_and_exposure_is_warned() {
    let b = Board::new();
    assert_eq!(mode(&b.db), 0o600);
    b.run(&["item", "list"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    std::fs::set_permissions(&b.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    b.run(&["item", "list"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "is readable by every user of this machine",
        ));
}

#[test]
fn init_group_shares_the_board_and_its_wal_and_shm_with_the_group_only() {
    let group = std::process::Command::new("id")
        .arg("-gn")
        .output()
        .unwrap();
    let group = String::from_utf8(group.stdout).unwrap().trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let init = |g: &str| {
        let mut cmd = Command::cargo_bin("firebreak").unwrap();
        cmd.env("USER", "priya")
            .env("FIREBREAK_DB", &db)
            .args(["init", "--group", g]);
        cmd
    };
    init("no-such-group-here")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "there is no group 'no-such-group-here'",
        ));
    assert!(!db.exists(), "a refused init leaves no board behind");
    init(&group)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "Shared with group '{group}'"
        )));
    assert_eq!(mode(&db), 0o660);
    for suffix in ["-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            assert_eq!(mode(&p), 0o660, "{suffix}");
        }
    }
}

use super::*;

#[test]
fn a_thread_on_each_kind_of_record_from_the_command_line() {
    let b = Board::demo();
    for (id, who) in [
        ("FB-3", "tom"),
        ("INC-2", "sam"),
        ("PRB-1", "omar"),
        ("1.1.0", "rita"),
    ] {
        b.run(&["--as", who, "comment", "add", id, "first words"])
            .assert()
            .success()
            .stdout(format!("Comment 1 on {id}, by {who}.\n"));
        let thread = b.json(&["comment", "list", id, "--json"]);
        assert_eq!(thread["comments"][0]["author"], who, "{id}");
        assert_eq!(thread["comments"][0]["text"], "first words");
    }
    // Lower case and bare numbers read as the user writes them.
    b.run(&["comment", "list", "inc-2"]).assert().success();
    b.run(&["comment", "list", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("first words"));
    // What is not on the board, or names nothing, is bad input.
    b.run(&["comment", "add", "FB-999", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no item FB-999"));
    b.run(&["comment", "add", "INC-99", "x"]).assert().code(2);
    b.run(&["comment", "add", "9.9.9", "x"]).assert().code(2);
    b.run(&["comment", "add", "hello", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "names nothing that takes comments",
        ));
    b.run(&["comment", "add", "FB-3", "  "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs some words"));
    b.run(&["comment", "list", "FB-4"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No comments on FB-4 yet"));
}

#[test]
fn a_ci_job_posts_a_log_excerpt_from_stdin_and_it_prints_inert() {
    let b = Board::demo();
    // The demo's automation account `ci` speaks for the pipeline.
    let log = "smoke failed:\n\u{1b}[31mERROR\u{1b}[0m renewal 502 \u{202e}dlrow\n  at step 3\n";
    b.run(&["--as", "ci", "comment", "add", "1.1.0", "-"])
        .write_stdin(log)
        .assert()
        .success()
        .stdout("Comment 1 on 1.1.0, by ci.\n");
    let out = b.run(&["comment", "list", "1.1.0"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("#1 ci · "), "{text}");
    assert!(
        text.contains("    smoke failed:\n"),
        "kept line by line: {text}"
    );
    assert!(text.contains("\\u001b[31mERROR"), "escaped: {text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    // The JSON keeps the text exactly.
    let thread = b.json(&["comment", "list", "1.1.0", "--json"]);
    assert_eq!(thread["comments"][0]["text"], log.trim_end());
    assert_eq!(thread["subject"]["kind"], "release");
}

#[test]
fn an_edit_is_a_new_version_by_its_author_and_the_old_one_is_kept() {
    let b = Board::demo();
    b.run(&[
        "--as",
        "sam",
        "comment",
        "add",
        "INC-2",
        "tried the fix on preprod, still slow",
    ])
    .assert()
    .success();
    b.run(&["--as", "lee", "comment", "edit", "INC-2", "1", "mine now"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("only its author edits it"));
    b.run(&["--as", "sam", "comment", "edit", "INC-2", "2", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no comment 2"));
    b.run(&[
        "--as",
        "sam",
        "comment",
        "edit",
        "INC-2",
        "1",
        "fixed on preprod",
    ])
    .assert()
    .success()
    .stdout("Comment 1 on INC-2 edited; its 1 earlier version is kept.\n");
    let c = &b.json(&["comment", "list", "INC-2", "--json"])["comments"][0];
    assert_eq!(c["text"], "fixed on preprod");
    assert_eq!(c["earlier"][0], "tried the fix on preprod, still slow");
    b.run(&["comment", "list", "INC-2"])
        .assert()
        .stdout(predicate::str::contains("(edited"));
    // Both versions are in the audit trail, and an export made into a new board keeps them.
    let audit = b.json(&["audit", "--json"]);
    let texts: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["entity_id"] == "INC-2" && e["action"].as_str().unwrap().starts_with("comment")
        })
        .map(|e| e["details"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["tried the fix on preprod, still slow", "fixed on preprod"]
    );
    b.copied()
        .run(&["comment", "list", "INC-2", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fixed on preprod"))
        .stdout(predicate::str::contains("tried the fix on preprod"));
}

#[test]
fn a_read_only_board_takes_no_comment() {
    let b = Board::demo();
    let before = b.state();
    b.run(&["--readonly", "comment", "add", "FB-3", "x"])
        .assert()
        .code(3);
    assert_eq!(b.state(), before);
}

//! The real binary in a private tmux server: keys are sent, the screen is polled until a
//! condition holds (never a fixed sleep), and the result is checked through the CLI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_firebreak");
/// How long a condition may take before the test fails and prints the screen.
const PATIENCE: Duration = Duration::from_secs(20);

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a new private tmux server, in a window of `w` x `h` cells.
    fn start(name: &str, w: u16, h: u16, command: &str) -> Tmux {
        let found = Command::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "the end-to-end tests need tmux: install it (apt-get install -y tmux)"
        );
        let socket = format!("firebreak-e2e-{name}-{}", std::process::id());
        let tmux = Tmux { socket };
        let status = tmux
            .cmd()
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "main"])
            .args(["-x", &w.to_string(), "-y", &h.to_string()])
            .arg(command)
            .status()
            .unwrap();
        assert!(status.success());
        tmux
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    fn send(&self, keys: &[&str]) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "main"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        self.send(&["-l", text]);
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Polls the screen until `ok` holds; fails with the screen when it never does.
    fn until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > PATIENCE {
                panic!("waited {PATIENCE:?} for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn until_shows(&self, text: &str) -> String {
        self.until(&format!("“{text}”"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = Command::new(BIN)
        .args(["--db", db.to_str().unwrap(), "demo", "--no-tui"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// The board in a shell that says how it exited, so a test can see the terminal restored.
fn board_command(db: &Path, extra: &str) -> String {
    format!(
        "sh -c 'USER=visitor {BIN} --db {} {extra}; echo firebreak-exited-$?; sleep 60'",
        db.display()
    )
}

/// Runs a CLI command as priya; it must succeed. Returns what it printed.
fn cli_ok(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .env("USER", "priya")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn cli(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_slice(&cli_ok(db, args)).unwrap()
}

#[test]
fn filter_then_move_an_item_to_the_top_with_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("rank", 100, 30, &board_command(&db, ""));
    tmux.until_shows("Backlog · all teams · 58 of 72 items");

    tmux.send(&["/"]);
    tmux.until_shows("filter: ▏");
    tmux.type_text("vehicle history");
    tmux.until("the filter to narrow to one item", |s| {
        s.contains("1 of 72 items") && s.contains("FB-15")
    });
    tmux.send(&["Enter"]);
    tmux.until_shows("J rank ↓");
    // Clearing the filter keeps the selection on FB-15, now in the whole backlog.
    tmux.send(&["Escape"]);
    tmux.until("the whole backlog with FB-15 selected", |s| {
        s.contains("58 of 72 items") && s.lines().any(|l| l.starts_with("▶") && l.contains("FB-15"))
    });
    tmux.send(&["t"]);
    tmux.until_shows("FB-15 moved to the top of the backlog.");
    tmux.until("FB-15 on the first row", |s| {
        s.lines()
            .any(|l| l.starts_with("▶ 1 ") && l.contains("FB-15"))
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");

    let list = cli(&db, &["item", "list", "--json"]);
    assert_eq!(list["items"][0]["id"], "FB-15");
    let item = cli(&db, &["item", "show", "FB-15", "--json"]);
    let last = item["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "rank");
    assert_eq!(last["actor"], "priya");
}

#[test]
fn an_open_board_shows_another_processs_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("share", 120, 30, &board_command(&db, ""));
    tmux.until_shows("58 of 72 items");
    cli_ok(
        &db,
        &[
            "item",
            "add",
            "Residents pay by direct debit",
            "--team",
            "appdev",
        ],
    );
    cli_ok(&db, &["item", "rank", "FB-73", "--top"]);
    tmux.until("the CLI's new item at the top", |s| {
        s.contains("59 of 73 items")
            && s.lines()
                .any(|l| l.contains(" 1  FB-73") && l.contains("direct debit"))
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

#[test]
fn a_too_small_terminal_gets_a_message_until_it_grows() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("small", 50, 12, &board_command(&db, "--ascii"));
    tmux.until_shows("The terminal is 50x12; firebreak needs at least");
    tmux.cmd()
        .args(["resize-window", "-t", "main", "-x", "90", "-y", "25"])
        .status()
        .unwrap();
    tmux.until_shows("58 of 72 items");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

#[test]
fn a_missing_board_is_refused_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start(
        "missing",
        100,
        20,
        &board_command(&dir.path().join("none.db"), ""),
    );
    let screen = tmux.until_shows("firebreak-exited-2");
    assert!(screen.contains("firebreak init"), "{screen}");
}

#[test]
fn a_large_board_paints_its_first_screen_then_loads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("large.db");
    let out = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap(),
            "demo",
            "--no-tui",
            "--items",
            "5000",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tmux = Tmux::start("large", 120, 30, &board_command(&db, ""));
    tmux.until_shows("5058 of 5072 items");
    tmux.send(&["G"]);
    tmux.until("the last item selected", |s| {
        s.lines().any(|l| l.starts_with("▶ 5072"))
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

#[test]
fn an_ams_engineer_pulls_to_the_limit_is_refused_then_overrides_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // Room for one more in progress, set through the CLI.
    cli_ok(&db, &["--as", "sam", "kanban", "wip", "in-progress", "4"]);
    let tmux = Tmux::start("pull", 120, 32, &board_command(&db, "--as sam"));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["3"]);
    tmux.until_shows("In progress 3/4");
    tmux.send(&["p"]);
    tmux.until_shows("FB-5 is now in In progress.");
    tmux.until_shows("In progress 4/4 ● FULL");
    tmux.send(&["p"]);
    tmux.until_shows("In progress is at its limit (4 of 4)");
    tmux.type_text("P1 on renewals");
    tmux.until_shows("P1 on renewals▏");
    tmux.send(&["Enter"]);
    tmux.until_shows("In progress 5/4 ▲ OVER");
    tmux.until_shows("override: P1 on renewals");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");

    let item = cli(&db, &["item", "show", "FB-44", "--json"]);
    assert_eq!(item["item"]["state"], "in-progress");
    let last = item["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "pull");
    assert_eq!(last["reason"], "P1 on renewals");
    assert_eq!(last["actor"], "sam");
}

#[test]
fn the_product_owner_plans_and_starts_a_sprint_and_the_team_takes_a_card_to_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // Sprint 2 is running: close it so that Sprint 3 can start.
    cli_ok(
        &db,
        &["sprint", "complete", "Sprint 2", "--carry", "backlog"],
    );
    let tmux = Tmux::start("sprint", 120, 40, &board_command(&db, ""));
    tmux.until_shows("58 of 72 items");
    // Priya plans FB-7 ("Refund a permit cancelled within 14 days") from the backlog.
    tmux.send(&["/"]);
    tmux.until_shows("filter: ▏");
    tmux.type_text("fb-7");
    tmux.until("the filter to find FB-7", |s| {
        s.lines().any(|l| l.starts_with("▶") && l.contains("FB-7 "))
    });
    tmux.send(&["Enter"]);
    tmux.until_shows("J rank ↓");
    tmux.send(&["S"]);
    tmux.until_shows("FB-7 is planned into Sprint 3.");
    tmux.send(&["2"]);
    tmux.until_shows("Sprint 3 · future");
    tmux.send(&["s"]);
    tmux.until_shows("Started Sprint 3: 1 items, 5 points committed.");
    // Tom starts and submits it; Aisha approves it.
    let act_as = |keys: &[&str], who: &str| {
        tmux.send(&["P"]);
        tmux.until_shows("Act as");
        tmux.send(keys);
        tmux.send(&["Enter"]);
        tmux.until_shows(&format!("You now act as {who}"));
    };
    act_as(&["j", "j", "j"], "tom");
    tmux.send(&["L"]);
    tmux.until_shows("FB-7 is now in progress.");
    tmux.send(&["l"]);
    tmux.send(&["L"]);
    tmux.until_shows("FB-7 is now in review.");
    act_as(&["k", "k", "k", "k", "k", "k", "k"], "aisha");
    tmux.send(&["l"]);
    tmux.send(&["L"]);
    tmux.until_shows("FB-7 is now done.");
    tmux.until_shows("Done 1 · 5 pts");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");

    let item = cli(&db, &["item", "show", "FB-7", "--json"]);
    assert_eq!(
        (
            item["item"]["state"].as_str(),
            item["item"]["sprint"].as_str()
        ),
        (Some("done"), Some("Sprint 3"))
    );
    let actors: Vec<&str> = item["history"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(4)
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["aisha", "tom", "tom", "priya"]);
}

#[test]
fn the_pipeline_tab_shows_a_cli_run_live_then_its_failure_and_defect() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    cli_ok(
        &db,
        &["--as", "sam", "release", "add", "2.5.0", "--project", "bau"],
    );
    // The demo's checks fail when a file names them.
    std::fs::write(dir.path().join("demo-pipeline").join("fail-smoke"), "").unwrap();
    let tmux = Tmux::start("pipeline", 120, 40, &board_command(&db, ""));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["4"]);
    tmux.until_shows("2.5.0    · built");
    let mut run = Command::new(BIN)
        .env("USER", "ci")
        .args([
            "--db",
            db.to_str().unwrap(),
            "--as",
            "rita",
            "release",
            "run",
            "2.5.0",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Another process runs it: the board follows, step by step.
    tmux.until_shows("» running");
    tmux.until("dev's steps to pass", |s| {
        s.contains("✔ deploy") && s.contains("✔ unit")
    });
    tmux.until_shows("✖ smoke");
    tmux.until_shows("Halted at test/smoke: FB-73 is on the Backlog for it.");
    assert_eq!(run.wait().unwrap().code(), Some(1));
    tmux.send(&["1"]);
    tmux.until_shows("59 of 73 items");
    tmux.send(&["G"]);
    tmux.until("the defect at the bottom of the backlog", |s| {
        s.lines().any(|l| {
            l.contains("FB-73")
                && l.contains("Pipeline: smoke failed in test for 2.5.0")
                && l.contains("pipeline")
        })
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

#[test]
fn a_service_manager_accepts_a_handover_item_in_the_board_which_unblocks_a_go_vote() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // The security review was waived; new evidence reopens it, so the handover is not accepted.
    cli_ok(
        &db,
        &[
            "--as",
            "tom",
            "handover",
            "submit",
            "permits-online",
            "security",
            "--evidence",
            "pen test report v2",
        ],
    );
    // 1.1.1 goes on from the firebreak to the shadow.
    cli_ok(&db, &["--as", "omar", "release", "accept", "1.1.1"]);
    cli_ok(
        &db,
        &["--as", "rita", "release", "restart", "1.1.1", "--no-run"],
    );
    cli_ok(&db, &["--as", "rita", "release", "run", "1.1.1"]);
    let vote = |who: &str| {
        Command::new(BIN)
            .args([
                "--db",
                db.to_str().unwrap(),
                "--as",
                who,
                "release",
                "vote",
                "1.1.1",
                "go",
            ])
            .output()
            .unwrap()
    };
    let refused = vote("priya");
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("still open Security review"));

    let tmux = Tmux::start("handover", 120, 40, &board_command(&db, "--as omar"));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["5"]);
    tmux.until_shows("Blocks acceptance (and a go vote): Security review");
    for _ in 0..9 {
        tmux.send(&["j"]);
    }
    tmux.until("the security review selected", |s| {
        s.lines().any(|l| l.contains("▶ ↑ Security review"))
    });
    tmux.send(&["a"]);
    tmux.until_shows("Security review is accepted; the handover of permits-online is accepted.");
    tmux.until_shows("Nothing blocks acceptance");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");

    assert!(
        vote("priya").status.success(),
        "the go vote goes through once the handover is accepted"
    );
}

#[test]
fn an_incident_logged_in_the_board_raises_a_ticket_seen_in_triage_on_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("service", 120, 40, &board_command(&db, "--as omar"));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["6"]);
    tmux.until_shows("INC-6");
    // Log one: its priority, then its title, in one line.
    tmux.send(&["n"]);
    tmux.until_shows("its priority (P1 to P4), then its title");
    tmux.send(&["BSpace", "BSpace", "BSpace"]);
    tmux.type_text("P2 Renewal emails bounce");
    tmux.until_shows("P2 Renewal emails bounce▏");
    tmux.send(&["Enter"]);
    tmux.until_shows("INC-7 logged (P2), for team ams.");
    tmux.until("the new incident selected at the top", |s| {
        s.lines()
            .any(|l| l.contains("▶ INC-7") && l.contains("Renewal emails bounce"))
    });
    tmux.send(&["T"]);
    tmux.until_shows("FB-73 raised in triage from INC-7: the product owner ranks it.");
    tmux.until_shows("Tickets on the backlog: FB-73");
    tmux.send(&["1"]);
    tmux.until_shows("59 of 73 items");
    tmux.send(&["G"]);
    tmux.until("the ticket at the bottom of the backlog, in triage", |s| {
        s.lines().any(|l| {
            l.starts_with("▶")
                && l.contains("FB-73")
                && l.contains("INC-7: Renewal emails bounce")
                && l.contains("triage")
                && l.contains("incident")
        })
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
    let inc = cli(&db, &["incident", "show", "INC-7", "--json"]);
    assert_eq!(inc["tickets"][0], "FB-73");
    assert_eq!(inc["incident"]["opened_by"], "omar");
}

#[test]
fn a_story_flagged_for_operations_is_approved_only_after_an_ams_engineer_reviews_it_on_the_kanban_tab()
 {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("ops", 120, 40, &board_command(&db, "--as aisha"));
    tmux.until_shows("58 of 72 items");
    // Aisha reviews tom's FB-40; it touches the schema, so approval waits.
    tmux.send(&["2"]);
    tmux.until_shows("Sprint 2 · active");
    tmux.send(&["l", "l", "j"]);
    tmux.send(&["L"]);
    tmux.until_shows("FB-40 touches operations (schema)");
    let switch = |keys: &[&str], who: &str| {
        tmux.send(&["P"]);
        tmux.until_shows("Act as");
        tmux.send(keys);
        tmux.send(&["Enter"]);
        tmux.until_shows(&format!("You now act as {who}"));
    };
    // Lee, an AMS engineer, sees the story in the Kanban tab's review queue and reviews it.
    switch(&["j", "j"], "lee");
    tmux.send(&["3"]);
    tmux.until_shows("2 ops reviews waiting (o)");
    tmux.send(&["o"]);
    tmux.until_shows("Operations reviews waiting 2");
    tmux.until("FB-40 first in the queue", |s| {
        s.lines()
            .any(|l| l.contains("▶ FB-40 Resident dashboard shows days left"))
    });
    tmux.send(&["R"]);
    tmux.until_shows("Operations review");
    tmux.send(&["Enter"]);
    tmux.until_shows("Operations review of FB-40 recorded: it may be approved.");
    tmux.until_shows("Operations reviews waiting 1");
    // Now aisha's approval goes through.
    switch(&["k", "k"], "aisha");
    tmux.send(&["2"]);
    tmux.until_shows("Sprint 2 · active");
    tmux.send(&["L"]);
    tmux.until_shows("FB-40 is now done.");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");

    let item = cli(&db, &["item", "show", "FB-40", "--json"]);
    assert_eq!(item["item"]["state"], "done");
    assert_eq!(item["ops"]["reviewer"], "lee");
}

#[test]
fn two_boards_on_one_file_see_each_others_changes_and_a_remapped_key_works_and_shows_in_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(&keymap, "[backlog]\nrank-top = \"T\"\n").unwrap();
    let list = cli(&db, &["item", "list", "--json"]);
    let last = list["items"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = Tmux::start(
        "two-a",
        120,
        40,
        &format!(
            "sh -c 'FIREBREAK_KEYMAP={} USER=visitor {BIN} --db {} --as priya; echo firebreak-exited-$?; sleep 60'",
            keymap.display(),
            db.display()
        ),
    );
    let b = Tmux::start("two-b", 120, 40, &board_command(&db, "--as sam"));
    a.until_shows("58 of 72 items");
    b.until_shows("58 of 72 items");
    // In A, T (remapped from t) ranks the last item to the top; t no longer does.
    a.send(&["G"]);
    a.send(&["t"]);
    a.send(&["T"]);
    a.until_shows(&format!("{last} moved to the top"));
    // B, another process with the default keys, shows it first without a key pressed.
    b.until(&format!("{last} first in B"), |s| {
        s.lines()
            .find(|l| l.contains(" 1  FB-"))
            .is_some_and(|l| l.contains(&format!("{last} ")))
    });
    // A's help shows the key in force.
    a.send(&["?"]);
    a.until("T in the help for rank-top", |s| {
        s.lines()
            .any(|l| l.contains("rank the item to the top") && l.contains(" T "))
    });
    a.send(&["Escape"]);
    // A key sent right behind Escape would arrive as Alt and that key: wait for the help to close.
    a.until("the help closed", |s| !s.contains("Keys 1-"));
    a.send(&["q"]);
    a.until_shows("firebreak-exited-0");
    b.send(&["q"]);
    b.until_shows("firebreak-exited-0");
}

/// The board's pid: the child of the pane's shell.
fn board_pid(tmux: &Tmux) -> String {
    let pane = tmux
        .cmd()
        .args(["list-panes", "-t", "main", "-F", "#{pane_pid}"])
        .output()
        .unwrap();
    let shell = String::from_utf8_lossy(&pane.stdout).trim().to_string();
    let start = Instant::now();
    loop {
        let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !pid.is_empty() {
            return pid;
        }
        assert!(start.elapsed() < PATIENCE, "waited for the board's process");
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn a_signal_restores_the_terminal(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start(
        &format!("signal-{signal}"),
        80,
        24,
        &format!(
            "sh -c 'USER=visitor {BIN} --db {} --mouse; echo firebreak-exited-$?; stty -a; sleep 60'",
            db.display()
        ),
    );
    tmux.until_shows("1 Backlog");
    let pid = board_pid(&tmux);
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(ok.success());
    let screen = tmux.until_shows(&format!("firebreak-exited-{code}"));
    // The shell's terminal is cooked again: canonical input and echo are back.
    let screen = if screen.contains("icanon") {
        screen
    } else {
        tmux.until_shows("icanon")
    };
    assert!(!screen.contains("-icanon"), "{screen}");
    assert!(
        screen.split_whitespace().any(|w| w == "echo"),
        "echo is off: {screen}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    a_signal_restores_the_terminal("TERM", 143);
}

#[test]
fn a_hang_up_restores_the_terminal() {
    a_signal_restores_the_terminal("HUP", 129);
}

#[test]
fn without_a_terminal_the_board_says_how_to_use_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = Command::new(BIN)
        .args(["--db", db.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("firebreak needs a terminal"), "{err}");
}

#[test]
fn the_board_answers_keys_while_another_process_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("locked", 120, 40, &board_command(&db, "--as priya"));
    tmux.until_shows("58 of 72 items");
    // Another process takes the board's write lock and keeps it.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    tmux.send(&["J"]);
    // The move waits for the lock; the board goes on: another tab opens, and it says why the
    // move has not landed yet, naming the process that holds the lock.
    tmux.send(&["2"]);
    tmux.until_shows("Burndown");
    tmux.until_shows("waits for the board's write lock, held by pid");
    tmux.send(&["1"]);
    tmux.until_shows("58 of 72 items");
    // The lock is let go: the move lands, in the order it was asked.
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    tmux.until_shows("FB-2 moved after FB-28.");
    let list = String::from_utf8(cli_ok(&db, &["item", "list", "--json"])).unwrap();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids[..2],
        ["FB-28", "FB-2"],
        "the first item moved down one place: {ids:?}"
    );
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

#[test]
fn a_board_whose_terminal_goes_away_ends() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("gone", 80, 24, &board_command(&db, ""));
    tmux.until_shows("1 Backlog");
    let pid = board_pid(&tmux);
    // The terminal disappears (an SSH session dropped, a tmux server killed).
    let _ = tmux.cmd().arg("kill-server").status();
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    {
        assert!(
            start.elapsed() < PATIENCE,
            "the board (pid {pid}) still runs with no terminal"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn three_quick_rank_moves_move_an_item_three_places() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("jjj", 120, 40, &board_command(&db, "--as priya"));
    tmux.until_shows("58 of 72 items");
    // Typed faster than any write: each move still acts on the order the one before left.
    tmux.send(&["J", "J", "J"]);
    tmux.until_shows("FB-2 moved after FB-1.");
    let list = String::from_utf8(cli_ok(&db, &["item", "list", "--json"])).unwrap();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v["items"][3]["id"], "FB-2", "{list}");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

/// The on-call person at 3 a.m.: over SSH at 80x24, read-only, ASCII and no colour. The
/// Pipeline names who each release waits on, whole; the footer and help offer nothing that
/// writes; the screen is plain ASCII.
#[test]
fn on_call_at_80x24_read_only_reads_who_each_release_waits_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let command =
        board_command(&db, "--readonly --ascii").replace("USER=visitor", "USER=visitor NO_COLOR=1");
    let tmux = Tmux::start("oncall", 80, 24, &command);
    tmux.until_shows("58 of 72 items");
    tmux.send(&["4"]);
    let screen = tmux.until_shows("WAITS ON omar (service-manager)");
    assert!(
        !screen.contains("R run"),
        "nothing that writes is offered:\n{screen}"
    );
    assert!(screen.lines().all(|l| l.is_ascii()), "{screen}");
    tmux.send(&["j", "j"]);
    tmux.until_shows("WAITS ON priya or tom (team appdev, problem determination)");
    tmux.send(&["?"]);
    let help = tmux.until_shows("Here: Pipeline");
    assert!(!help.contains("roll it back"), "{help}");
    tmux.send(&["q", "q"]);
    tmux.until_shows("firebreak-exited-0");
    let status = Command::new(BIN)
        .env("USER", "priya")
        .args(["--db", db.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("waits on omar (service-manager)"), "{text}");
}

/// The AMS engineer's prompts: what the rules refuse is said before anything is typed, and a
/// value that does not read keeps the prompt open with the text and what would be right.
#[test]
fn an_ams_engineers_prompt_keeps_a_bad_value_and_says_what_would_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("prompts", 80, 24, &board_command(&db, "--as sam"));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["3", "l", "l", "w"]);
    tmux.until_shows("WIP limit for Review");
    tmux.send(&["C-u"]);
    tmux.type_text("2 reasonedp");
    tmux.send(&["Enter"]);
    let screen = tmux.until_shows("unknown mode 'reasonedp': use one of");
    assert!(
        screen.contains("2 reasonedp"),
        "the text is kept:\n{screen}"
    );
    tmux.send(&["BSpace"]);
    tmux.send(&["Enter"]);
    tmux.until_shows("Review now has a limit of 2 (reasoned).");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
    // The service manager may not set a limit: told at once, no prompt.
    let omar = Tmux::start("prompts-omar", 80, 24, &board_command(&db, "--as omar"));
    omar.until_shows("58 of 72 items");
    omar.send(&["3", "w"]);
    let screen = omar.until_shows("Only an ams-engineer may set");
    assert!(!screen.contains("WIP limit for"), "no prompt:\n{screen}");
    omar.send(&["q"]);
    omar.until_shows("firebreak-exited-0");
}

/// The product owner ranks from a filtered list: `t` sends the item to the top of the whole
/// backlog, and says so.
#[test]
fn the_product_owner_sends_a_filtered_item_to_the_top_of_the_whole_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let tmux = Tmux::start("pofilter", 80, 24, &board_command(&db, ""));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["/"]);
    tmux.type_text("open data");
    tmux.send(&["Enter"]);
    tmux.until("the filter kept", |s| s.contains("filter: open data"));
    tmux.send(&["t"]);
    let screen = tmux.until_shows("moved to the top of the backlog.");
    let moved = screen
        .lines()
        .find(|l| l.starts_with("▶"))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap()
        .to_string();
    tmux.send(&["Escape"]);
    tmux.until("the whole backlog with it on the first row", |s| {
        s.contains("58 of 72 items")
            && s.lines()
                .any(|l| l.starts_with("▶ 1 ") && l.contains(moved.as_str()))
    });
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
    let list = cli(&db, &["item", "list", "--json"]);
    assert_eq!(list["items"][0]["id"], moved.as_str());
}

/// The release manager's restart in the board restarts the automation: it runs on behind the
/// screen from the firebreak to the shadow.
#[test]
fn a_restart_in_the_board_runs_on_to_the_shadow() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    cli_ok(&db, &["--as", "omar", "release", "accept", "1.1.1"]);
    let tmux = Tmux::start("restart", 100, 30, &board_command(&db, "--as rita"));
    tmux.until_shows("58 of 72 items");
    tmux.send(&["4"]);
    tmux.until_shows("1.1.1 of permits-online");
    tmux.send(&["s"]);
    tmux.until_shows("in the shadow (");
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
    let show = cli(&db, &["release", "show", "1.1.1", "--json"]);
    assert_eq!(show["release"]["state"], "shadow");
}

/// An AMS engineer comments on an incident from the Service tab while the product owner has
/// the board open; she finds what was said on the Backlog's ticket raised from it.
#[test]
fn what_the_service_says_on_an_incident_is_found_on_its_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let ams = Tmux::start("amscomment", 80, 24, &board_command(&db, "--as sam"));
    let po = Tmux::start("poticket", 120, 40, &board_command(&db, "--as priya"));
    ams.until_shows("58 of 72 items");
    po.until_shows("58 of 72 items");
    ams.send(&["6"]);
    ams.until_shows("Incidents");
    for _ in 0..6 {
        if ams.screen().lines().any(|l| l.contains("▶ INC-2")) {
            break;
        }
        let before = ams.screen();
        ams.send(&["j"]);
        ams.until("the selection moved", |s| s != before);
    }
    ams.until("INC-2 selected", |s| {
        s.lines().any(|l| l.contains("▶ INC-2"))
    });
    ams.send(&["c"]);
    ams.until_shows("A comment on INC-2");
    ams.type_text("the second email quotes the old price");
    ams.send(&["C-j"]);
    ams.type_text("seen by three residents");
    ams.send(&["Enter"]);
    ams.until_shows("Comment 1 on INC-2.");
    // The product owner finds the ticket and opens it: what was said on INC-2 is there.
    po.send(&["/"]);
    po.type_text("FB-72");
    po.send(&["Enter"]);
    po.until("the ticket selected", |s| {
        s.lines().any(|l| l.starts_with("▶") && l.contains("FB-72"))
    });
    po.send(&["Enter"]);
    let screen = po.until_shows("On INC-2, which it was raised from");
    assert!(screen.contains("#1 sam"), "{screen}");
    assert!(
        screen.contains("the second email quotes the old price"),
        "{screen}"
    );
    assert!(screen.contains("seen by three residents"), "{screen}");
}

#[test]
fn an_incidents_sla_mark_turns_on_as_its_response_target_nears_then_passes() {
    use firebreak::domain::incident::Priority;
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // bau's P1s must be taken within a minute; one was logged 40 s ago and nobody took it.
    cli_ok(
        &db,
        &[
            "--as",
            "omar",
            "project",
            "edit",
            "bau",
            "--response",
            "P1=1m",
        ],
    );
    {
        let mut store = firebreak::store::Store::open(&db, false).unwrap();
        let omar = firebreak::domain::Actor::person(&store.person("omar").unwrap().unwrap());
        let logged = chrono::Utc::now() - chrono::Duration::seconds(40);
        store
            .log_incident(
                "Checkout down",
                Priority::P1,
                Some("bau"),
                None,
                &omar,
                logged,
            )
            .unwrap();
    }
    let tmux = Tmux::start("sla", 80, 24, &board_command(&db, "--as omar --ascii"));
    tmux.until_shows("of 72 items");
    tmux.send(&["6"]);
    let row = |s: &str| -> Option<String> {
        s.lines()
            .find(|l| l.contains("INC-7") && l.contains("P1"))
            .map(str::to_string)
    };
    // Twenty seconds left or less: a fifth of the target, so the mark says it is near.
    let near = tmux.until("INC-7's mark near its target", |s| {
        row(s).is_some_and(|l| l.contains(" !"))
    });
    assert!(near.contains("INC-7"), "{near}");
    // Then the minute passes with nobody on it: breached, on the list and in its detail.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let screen = tmux.screen();
        if row(&screen).is_some_and(|l| l.contains("x+") || l.contains("✖+"))
            && screen.contains("response BREACHED +")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "waited 2 minutes for INC-7's response target to be breached; the screen was:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // status says so too, and exits 10.
    let out = Command::new(BIN)
        .env("USER", "omar")
        .args(["--db", db.to_str().unwrap(), "status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        status["sla_breaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "INC-7" && b["target"] == "response"),
        "{status}"
    );
    tmux.send(&["q"]);
    tmux.until_shows("firebreak-exited-0");
}

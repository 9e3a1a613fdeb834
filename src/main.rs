use clap::Parser;
use firebreak::cli::{self, Cli, Outcome};
use firebreak::tui;

fn main() {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        // Everything printed is escaped (user text never reaches a terminal raw) and buffered.
        Some(command) => cli::run(&cli, command, &mut cli::SafeWriter::new(std::io::stdout())),
        None => Ok(Outcome::OpenBoard(
            cli.db.clone().unwrap_or_else(firebreak::config::default_db),
        )),
    };
    let result = outcome.and_then(|outcome| match outcome {
        Outcome::Done => Ok(()),
        Outcome::Exit(code) => {
            use std::io::Write;
            let _ = std::io::stdout().flush();
            std::process::exit(code)
        }
        Outcome::OpenBoard(db) => tui::run(&tui::Options {
            db: &db,
            as_person: cli.as_person.as_deref(),
            readonly: cli.readonly,
            ascii: cli.ascii,
            mouse: cli.mouse,
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }),
    });
    if let Err(failure) = result {
        if !failure.message.contains("Broken pipe") {
            let message = firebreak::domain::text::safe(&failure.message);
            eprintln!("firebreak: {message}");
        }
        std::process::exit(failure.code);
    }
}

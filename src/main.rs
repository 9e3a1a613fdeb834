use clap::Parser;
use firebreak::cli::{Cli, run};

fn main() {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        Some(command) => run(&cli, command, &mut out).map(|_| ()),
        None => Ok(()),
    };
    if let Err(failure) = result {
        if failure.message.contains("Broken pipe") {
            return; // the reader (a pager, `head`) has seen enough
        }
        eprintln!("firebreak: {}", failure.message);
        std::process::exit(failure.code);
    }
}

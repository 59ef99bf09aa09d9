//! The `upstream-sim` binary: parse the command line and environment, then run
//! the simulator until Ctrl-C / SIGTERM. Scripts wait for the one line it
//! prints on stdout: `upstream-sim listening on http://ADDR`.

use std::process::ExitCode;

use upstream_sim::config::{ConfigOutcome, SimConfig, USAGE};

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = SimConfig::from_arguments_and_environment(std::env::args().skip(1), |name| std::env::var(name).ok());
    let config = match outcome {
        Ok(ConfigOutcome::Run(config)) => config,
        Ok(ConfigOutcome::PrintHelp) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("upstream-sim: {message}");
            return ExitCode::from(2);
        }
    };
    match upstream_sim::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("upstream-sim: {error}");
            ExitCode::FAILURE
        }
    }
}

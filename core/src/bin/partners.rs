//! `partners check FILE [--production PUBLISHED_FILE…]`: validates a partner
//! directory document with the same rules the proxy applies when it reads it
//! from KV, and prints a summary (never a key hash). Used by
//! `scripts/partners.sh` before every upload; with `--production` (an upload
//! to the deployed Worker) it also refuses the keys published in
//! PUBLISHED_FILE… (the demo's and the tests' directories) and origins on
//! this machine.

use std::process::ExitCode;

use ticket_core::partners::{self, PartnerDirectory};

const USAGE: &str = "usage: partners check FILE [--production PUBLISHED_FILE...]";

fn read(path: &str) -> Result<PartnerDirectory, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("partners: cannot read {path}: {error}"))?;
    PartnerDirectory::parse(&text).map_err(|error| format!("partners: {path}: {error}"))
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (path, published) = match arguments.as_slice() {
        [command, path] if command == "check" => (path, None),
        [command, path, flag, published @ ..] if command == "check" && flag == "--production" => (path, Some(published)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let directory = match read(path) {
        Ok(directory) => directory,
        Err(problem) => {
            eprintln!("{problem}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(published) = published {
        let mut hashes = Vec::new();
        for file in published {
            match read(file) {
                Ok(known) => hashes.extend(known.partners().iter().flat_map(|partner| partner.secret_key_hashes.clone())),
                Err(problem) => {
                    eprintln!("{problem}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
        let problems = directory.problems_for_production(&hashes);
        if !problems.is_empty() {
            for problem in &problems {
                eprintln!("partners: {path}: {problem}");
            }
            eprintln!("partners: not for a deployed Worker: use your own keys (make partner-key) and your sites' https origins");
            return ExitCode::FAILURE;
        }
    }
    for partner in directory.partners() {
        let windows = (partner.hold_details_seconds, partner.hold_retention_seconds);
        let default_windows = (partners::DEFAULT_HOLD_DETAILS_SECONDS, partners::DEFAULT_HOLD_RETENTION_SECONDS);
        let privacy = if windows == default_windows {
            String::new()
        } else {
            format!(", buyer details shown {} s and kept {} s after a hold", windows.0, windows.1)
        };
        println!(
            "partners: {:<12} {} secret key(s), origins {}, max {} seats{}{}{}{}",
            partner.id,
            partner.secret_key_hashes.len(),
            partner.allowed_origins.join(" "),
            partner.max_seats_per_hold,
            if partner.sells_everything() { "" } else { ", allowlist" },
            if partner.free_seats_allowed { ", free places on sale" } else { "" },
            if partner.revoked { ", REVOKED" } else { "" },
            privacy,
        );
    }
    ExitCode::SUCCESS
}

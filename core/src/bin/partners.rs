//! `partners check FILE`: validates a partner directory document with the
//! same rules the proxy applies when it reads it from KV, and prints a summary
//! (never a key hash). Used by `scripts/partners.sh` before every upload.

use std::process::ExitCode;

use ticket_core::partners::{self, PartnerDirectory};

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [command, path] = arguments.as_slice() else {
        eprintln!("usage: partners check FILE");
        return ExitCode::from(2);
    };
    if command != "check" {
        eprintln!("usage: partners check FILE");
        return ExitCode::from(2);
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("partners: cannot read {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match PartnerDirectory::parse(&text) {
        Ok(directory) => {
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
        Err(error) => {
            eprintln!("partners: {path}: {error}");
            ExitCode::FAILURE
        }
    }
}

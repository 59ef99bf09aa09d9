//! Command-line and environment configuration, parsed by hand so the
//! simulator stays dependency-light and the parsing stays unit-testable
//! (arguments and the environment are passed in, never read here).

use std::net::SocketAddr;

use crate::state::{ListingSettings, UpstreamKeys};
use crate::ticketscloud::wire::ListingForm;

pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:8790";
pub const DEFAULT_QTICKETS_KEY: &str = "demo-qtickets-key-not-a-secret";
pub const DEFAULT_TICKETSCLOUD_KEY: &str = "demo-ticketscloud-key-not-a-secret";

pub const USAGE: &str = "\
usage: upstream-sim [--listen ADDR] [--qtickets-key KEY] [--ticketscloud-key KEY]
                    [--ticketscloud-listing FORM] [--ticketscloud-max-page-size N]

  --listen ADDR            address to bind (env SIM_LISTEN, default 127.0.0.1:8790)
  --qtickets-key KEY       Bearer key QTickets requests must carry
                           (env SIM_QTICKETS_KEY, default demo-qtickets-key-not-a-secret)
  --ticketscloud-key KEY   `key` TicketsCloud requests must carry
                           (env SIM_TICKETSCLOUD_KEY, default demo-ticketscloud-key-not-a-secret)
  --ticketscloud-listing FORM       `embedded` (the document's example: whole events) or
                           `normalised` (events naming venues, sets… by id beside maps of them)
                           (env SIM_TICKETSCLOUD_LISTING, default embedded)
  --ticketscloud-max-page-size N    serve at most N events per listing page, whatever
                           `page_size` asks (env SIM_TICKETSCLOUD_MAX_PAGE_SIZE, default: as asked)
  -h, --help               print this help

Routes: /qtickets/api/partners/v1/..., /ticketscloud/v1/... and /ticketscloud/v2/resources/orders,
admin (reset, state, clock, latency, faults, requests, sell, ticketscloud/…) under /_sim/.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub listen_address: SocketAddr,
    pub qtickets_key: String,
    pub ticketscloud_key: String,
    pub ticketscloud_listing: ListingSettings,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConfigOutcome {
    Run(SimConfig),
    PrintHelp,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen_address: DEFAULT_LISTEN_ADDRESS.parse().expect("default address parses"),
            qtickets_key: DEFAULT_QTICKETS_KEY.to_owned(),
            ticketscloud_key: DEFAULT_TICKETSCLOUD_KEY.to_owned(),
            ticketscloud_listing: ListingSettings::default(),
        }
    }
}

impl SimConfig {
    /// Precedence: command line, then environment, then defaults.
    /// `arguments` excludes the program name; `environment_variable` looks a
    /// variable up (pass `|name| std::env::var(name).ok()` in the binary).
    pub fn from_arguments_and_environment(
        arguments: impl IntoIterator<Item = String>,
        environment_variable: impl Fn(&str) -> Option<String>,
    ) -> Result<ConfigOutcome, String> {
        let mut listen_text = environment_variable("SIM_LISTEN");
        let mut qtickets_key = environment_variable("SIM_QTICKETS_KEY");
        let mut ticketscloud_key = environment_variable("SIM_TICKETSCLOUD_KEY");
        let mut listing_form = environment_variable("SIM_TICKETSCLOUD_LISTING");
        let mut max_page_size = environment_variable("SIM_TICKETSCLOUD_MAX_PAGE_SIZE");

        let mut arguments = arguments.into_iter();
        while let Some(argument) = arguments.next() {
            let (flag, inline_value) = match argument.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
                _ => (argument.clone(), None),
            };
            let slot = match flag.as_str() {
                "-h" | "--help" => return Ok(ConfigOutcome::PrintHelp),
                "--listen" => &mut listen_text,
                "--qtickets-key" => &mut qtickets_key,
                "--ticketscloud-key" => &mut ticketscloud_key,
                "--ticketscloud-listing" => &mut listing_form,
                "--ticketscloud-max-page-size" => &mut max_page_size,
                _ => return Err(format!("unknown argument `{argument}`\n\n{USAGE}")),
            };
            let value = match inline_value {
                Some(value) => value,
                None => arguments.next().ok_or_else(|| format!("`{flag}` needs a value\n\n{USAGE}"))?,
            };
            *slot = Some(value);
        }

        let defaults = SimConfig::default();
        let listen_address = match listen_text {
            Some(text) => text.parse().map_err(|_| format!("`{text}` is not a socket address like 127.0.0.1:8790"))?,
            None => defaults.listen_address,
        };
        let qtickets_key = qtickets_key.unwrap_or(defaults.qtickets_key);
        let ticketscloud_key = ticketscloud_key.unwrap_or(defaults.ticketscloud_key);
        if qtickets_key.trim().is_empty() || ticketscloud_key.trim().is_empty() {
            return Err("upstream keys must not be empty".to_owned());
        }
        let form = match listing_form.as_deref().map(str::trim) {
            None | Some("") | Some("embedded") => ListingForm::Embedded,
            Some("normalised" | "normalized") => ListingForm::Normalised,
            Some(other) => return Err(format!("`{other}` is not a listing form: embedded or normalised")),
        };
        let max_page_size = match max_page_size.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<usize>() {
                Ok(size) if size > 0 => Some(size),
                _ => return Err(format!("`{text}` is not a page size: a whole number above 0")),
            },
        };
        let ticketscloud_listing = ListingSettings { form, max_page_size };
        Ok(ConfigOutcome::Run(SimConfig { listen_address, qtickets_key, ticketscloud_key, ticketscloud_listing }))
    }

    pub fn upstream_keys(&self) -> UpstreamKeys {
        UpstreamKeys { qtickets_bearer_key: self.qtickets_key.clone(), ticketscloud_key: self.ticketscloud_key.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str], environment: &[(&str, &str)]) -> Result<ConfigOutcome, String> {
        let environment: Vec<(String, String)> = environment.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        SimConfig::from_arguments_and_environment(arguments.iter().map(|argument| argument.to_string()), move |name| {
            environment.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    fn run(listen: &str, qtickets_key: &str, ticketscloud_key: &str) -> Result<ConfigOutcome, String> {
        Ok(ConfigOutcome::Run(SimConfig {
            listen_address: listen.parse().unwrap(),
            qtickets_key: qtickets_key.to_owned(),
            ticketscloud_key: ticketscloud_key.to_owned(),
            ticketscloud_listing: ListingSettings::default(),
        }))
    }

    /// (arguments, environment, expected outcome)
    type ConfigCase = (&'static [&'static str], &'static [(&'static str, &'static str)], Result<ConfigOutcome, String>);

    #[test]
    fn arguments_environment_and_defaults_combine_in_order() {
        let cases: &[ConfigCase] = &[
            (&[], &[], run("127.0.0.1:8790", DEFAULT_QTICKETS_KEY, DEFAULT_TICKETSCLOUD_KEY)),
            (
                &["--listen", "0.0.0.0:9000", "--qtickets-key", "qt", "--ticketscloud-key", "tc"],
                &[],
                run("0.0.0.0:9000", "qt", "tc"),
            ),
            (&["--listen=127.0.0.1:0"], &[], run("127.0.0.1:0", DEFAULT_QTICKETS_KEY, DEFAULT_TICKETSCLOUD_KEY)),
            (
                &[],
                &[("SIM_LISTEN", "127.0.0.1:1234"), ("SIM_QTICKETS_KEY", "env-qt"), ("SIM_TICKETSCLOUD_KEY", "env-tc")],
                run("127.0.0.1:1234", "env-qt", "env-tc"),
            ),
            (
                &["--qtickets-key", "cli-qt"],
                &[("SIM_QTICKETS_KEY", "env-qt")],
                run("127.0.0.1:8790", "cli-qt", DEFAULT_TICKETSCLOUD_KEY),
            ),
            (&["--help"], &[], Ok(ConfigOutcome::PrintHelp)),
        ];
        for (arguments, environment, expected) in cases {
            assert_eq!(&parse(arguments, environment), expected, "arguments {arguments:?} environment {environment:?}");
        }
    }

    #[test]
    fn the_listing_is_served_as_configured() {
        let Ok(ConfigOutcome::Run(config)) =
            parse(&["--ticketscloud-listing", "normalised"], &[("SIM_TICKETSCLOUD_MAX_PAGE_SIZE", "1")])
        else {
            panic!("accepted")
        };
        assert_eq!(config.ticketscloud_listing, ListingSettings { form: ListingForm::Normalised, max_page_size: Some(1) });
    }

    #[test]
    fn bad_input_is_rejected_with_a_message() {
        let cases: &[(&[&str], &str)] = &[
            (&["--listen"], "needs a value"),
            (&["--listen", "localhost"], "not a socket address"),
            (&["--port", "1"], "unknown argument"),
            (&["--qtickets-key", " "], "must not be empty"),
            (&["--ticketscloud-listing", "flat"], "not a listing form"),
            (&["--ticketscloud-max-page-size", "0"], "not a page size"),
        ];
        for (arguments, expected_fragment) in cases {
            let error = parse(arguments, &[]).expect_err("should be rejected");
            assert!(error.contains(expected_fragment), "{arguments:?}: {error}");
        }
    }
}

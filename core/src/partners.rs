//! Partner records: who may use the proxy, from which websites, for which
//! events, how much and how often.
//!
//! The directory is one JSON document (in the Worker's `PARTNERS` KV
//! namespace, key `partners`; see `edge-proxy/partners.dev.json` for the
//! shape). It is read strictly: an unknown field, a malformed key or origin, a
//! secret key in clear instead of its hash, or a duplicate key rejects the
//! whole document — a typo must not silently widen what a partner may do.
//!
//! A partner has one public key (`pk_…`, in the widget, identifies it and
//! selects its origins, allowlist and limits) and any number of secret keys
//! (`sk_…`, server to server, stored only as SHA-256 hashes). Removing a hash
//! revokes that secret key; `"revoked": true` revokes the partner's keys.

use serde::Deserialize;
use ticket_contract::Provider;

use crate::abuse::{DEFAULT_ACTIVE_HOLDS_PER_CLIENT, DEFAULT_ACTIVE_HOLDS_PER_SHOW, MOST_ACTIVE_HOLDS};
use crate::errors::ProxyError;
use crate::holds::partner_keys::{hash_secret_key, presented_secret_key, secret_key_matches, PUBLIC_KEY_PREFIX};
use crate::ids::EventRef;
use crate::this_machine::is_this_machine;

/// The KV key under which the directory document is stored.
pub const DIRECTORY_KV_KEY: &str = "partners";
/// Most places one hold may take, whatever a partner record says.
pub const MOST_SEATS_PER_HOLD: u32 = 50;
/// How long after a hold ends its buyer's details and tickets are still
/// shown to the public key, unless a partner record says otherwise: 24 h.
pub const DEFAULT_HOLD_DETAILS_SECONDS: u32 = 24 * 60 * 60;
/// The longest details window a partner record may ask for: 30 days.
pub const LONGEST_HOLD_DETAILS_SECONDS: u32 = 30 * 24 * 60 * 60;
/// How long after a hold ends its record is kept at all, unless a partner
/// record says otherwise: 90 days (refunds and repeated confirms through
/// the proxy need it).
pub const DEFAULT_HOLD_RETENTION_SECONDS: u32 = 90 * 24 * 60 * 60;
/// The longest retention a partner record may ask for: 366 days.
pub const LONGEST_HOLD_RETENTION_SECONDS: u32 = 366 * 24 * 60 * 60;

/// The three request budgets a partner has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Catalogue and seat documents, reading a hold, releasing one: per public key and client IP.
    Reads,
    /// Creating and changing holds: per public key and client IP.
    Holds,
    /// Server-to-server calls (confirm): per secret key.
    Server,
}

impl Bucket {
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Reads => "reads",
            Bucket::Holds => "holds",
            Bucket::Server => "server",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Length of one fixed window, in seconds.
    pub window_seconds: u32,
    pub reads: u32,
    pub holds: u32,
    pub server: u32,
    /// Holds one client (public key + address) may have active at once
    /// (`crate::abuse`); absent = [`DEFAULT_ACTIVE_HOLDS_PER_CLIENT`].
    #[serde(default = "default_active_holds_per_client")]
    pub active_holds_per_client: u32,
    /// Holds of this partner active at once on one show; absent =
    /// [`DEFAULT_ACTIVE_HOLDS_PER_SHOW`].
    #[serde(default = "default_active_holds_per_show")]
    pub active_holds_per_show: u32,
}

fn default_active_holds_per_client() -> u32 {
    DEFAULT_ACTIVE_HOLDS_PER_CLIENT
}

fn default_active_holds_per_show() -> u32 {
    DEFAULT_ACTIVE_HOLDS_PER_SHOW
}

impl Limits {
    /// Requests allowed per window in `bucket`.
    pub fn of(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Reads => self.reads,
            Bucket::Holds => self.holds,
            Bucket::Server => self.server,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// Short stable name used in logs (`[a-z0-9-]{1,40}`); never a key.
    pub id: String,
    pub name: String,
    pub public_key: String,
    #[serde(default)]
    pub secret_key_hashes: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// Providers the partner may sell; absent = all.
    #[serde(default)]
    pub providers: Option<Vec<Provider>>,
    /// Public event ids (`qt:1001`) the partner may sell; absent = all.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    pub max_seats_per_hold: u32,
    pub limits: Limits,
    #[serde(default)]
    pub revoked: bool,
    /// Whether the partner gives away places the upstream prices at 0.
    /// Absent = false: such places are shown as not on sale and a hold on
    /// them is refused (`seat_not_for_sale`); with `true` they are on sale to
    /// this partner's buyers and shown as free. (A place with no price at
    /// all is never on sale: see `crate::free_places`.)
    #[serde(default)]
    pub free_seats_allowed: bool,
    /// TicketsCloud e-mails the tickets of this partner's orders to the
    /// buyer itself (the order's `settings.send_tickets`). Default: the
    /// partner shows and sends them (the widget shows them either way).
    #[serde(default)]
    pub send_tickets: bool,
    /// How long after a hold ends (paid, released or expired) a public-key
    /// read of it (`GET /v1/holds/{id}`) still shows the buyer's details and
    /// the tickets, in seconds; afterwards it shows the state only. Absent =
    /// [`DEFAULT_HOLD_DETAILS_SECONDS`] (24 h); 0 to
    /// [`LONGEST_HOLD_DETAILS_SECONDS`]. The secret-key routes (confirm,
    /// refund) see them as long as the record is kept.
    #[serde(default = "default_hold_details_seconds")]
    pub hold_details_seconds: u32,
    /// How long after a hold ends its record is kept at all, in seconds; then
    /// the hold's object deletes it and every key gets `hold_not_found`.
    /// Absent = [`DEFAULT_HOLD_RETENTION_SECONDS`] (90 days); 1 to
    /// [`LONGEST_HOLD_RETENTION_SECONDS`], and not shorter than
    /// `hold_details_seconds`. A hold keeps the retention its partner had
    /// when it was created.
    #[serde(default = "default_hold_retention_seconds")]
    pub hold_retention_seconds: u32,
}

fn default_hold_details_seconds() -> u32 {
    DEFAULT_HOLD_DETAILS_SECONDS
}

fn default_hold_retention_seconds() -> u32 {
    DEFAULT_HOLD_RETENTION_SECONDS
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryDocument {
    partners: Vec<Partner>,
}

/// Why a directory document was refused. Names the partner and the field,
/// never a key or hash value, so it is safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("partner directory: {problem}")]
pub struct DirectoryError {
    pub problem: String,
}

fn refuse(problem: impl Into<String>) -> DirectoryError {
    DirectoryError { problem: problem.into() }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerDirectory {
    partners: Vec<Partner>,
}

impl PartnerDirectory {
    /// Reads and checks the whole document.
    pub fn parse(json: &str) -> Result<PartnerDirectory, DirectoryError> {
        let document: DirectoryDocument = serde_json::from_str(json).map_err(|error| {
            refuse(format!("not a valid document (line {}, column {}): {}", error.line(), error.column(), parse_problem(&error)))
        })?;
        let mut partners = document.partners;
        for (index, partner) in partners.iter_mut().enumerate() {
            check_partner(index, partner)?;
        }
        for (index, partner) in partners.iter().enumerate() {
            let earlier = &partners[..index];
            if earlier.iter().any(|other| other.id == partner.id) {
                return Err(refuse(format!("partner {} appears twice", partner.id)));
            }
            if earlier.iter().any(|other| other.public_key == partner.public_key) {
                return Err(refuse(format!("partner {}: its public_key is another partner's", partner.id)));
            }
            let shared_hash =
                earlier.iter().any(|other| other.secret_key_hashes.iter().any(|hash| partner.secret_key_hashes.contains(hash)));
            if shared_hash {
                return Err(refuse(format!("partner {}: a secret key hash is another partner's", partner.id)));
            }
        }
        Ok(PartnerDirectory { partners })
    }

    pub fn partners(&self) -> &[Partner] {
        &self.partners
    }

    /// The partner a public key belongs to.
    pub fn by_public_key(&self, key: &str) -> Result<&Partner, ProxyError> {
        let partner = self.partners.iter().find(|partner| partner.public_key == key).ok_or(ProxyError::PartnerKeyUnknown)?;
        if partner.revoked {
            return Err(ProxyError::PartnerKeyRevoked);
        }
        Ok(partner)
    }

    /// Who is confirming, from the raw `Authorization` header of a
    /// server-to-server call. `public_key_header` is whether the call also
    /// carried `X-Partner-Key`: a browser-side key has no business here, and
    /// a call that carries one is refused even with a valid secret key.
    /// A call with no secret key at all is `401 secret_key_required` first,
    /// whatever else it carries (what the API document promises for a
    /// missing `Authorization`).
    /// Returns the partner and the hash of the presented key (the key's
    /// identity for rate limiting and logs).
    pub fn authorize_server_call(
        &self,
        authorization: Option<&str>,
        public_key_header: bool,
    ) -> Result<(&Partner, String), ProxyError> {
        let token = presented_secret_key(authorization)?;
        if public_key_header {
            return Err(ProxyError::PublicKeyNotAllowed);
        }
        // Every partner's hashes are compared (constant time each), whoever matches.
        let mut found = None;
        for partner in &self.partners {
            if secret_key_matches(token, &partner.secret_key_hashes) && found.is_none() {
                found = Some(partner);
            }
        }
        let partner = found.ok_or(ProxyError::PartnerKeyUnknown)?;
        if partner.revoked {
            return Err(ProxyError::PartnerKeyRevoked);
        }
        Ok((partner, hash_secret_key(token)))
    }

    /// Whether any active partner allows `origin`: what a CORS preflight,
    /// which carries no key, can check.
    pub fn some_partner_allows_origin(&self, origin: &str) -> bool {
        self.partners.iter().any(|partner| !partner.revoked && partner.allows_origin(origin))
    }
}

impl Partner {
    /// Whether a page on `origin` (the `Origin` header, e.g.
    /// `https://tickets.example.com`) may use this partner's public key.
    pub fn allows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim().to_ascii_lowercase();
        self.allowed_origins.iter().any(|pattern| origin_matches(pattern, &origin))
    }

    /// Whether a payment page at `url` belongs to this partner: an absolute
    /// `http(s)` URL whose origin is one of its allowed origins. What
    /// `/embed` checks before it passes a `payment_url` to the widget, so a
    /// link to the proxy's own page cannot send a buyer to anyone else's
    /// "payment" page.
    pub fn allows_payment_url(&self, url: &str) -> bool {
        url_origin(url).is_some_and(|origin| self.allows_origin(&origin))
    }

    /// Whether this partner may sell `event`.
    pub fn allows_event(&self, event: &EventRef) -> bool {
        self.allows_event_id(event.provider, &event.public_id())
    }

    /// The same check on a catalogue entry's public id (`qt:1001`).
    pub fn allows_event_id(&self, provider: Provider, public_id: &str) -> bool {
        let provider_allowed = self.providers.as_ref().is_none_or(|providers| providers.contains(&provider));
        let event_allowed = self.events.as_ref().is_none_or(|events| events.iter().any(|event| event == public_id));
        provider_allowed && event_allowed
    }

    /// Whether the partner sells everything (the catalogue needs no filtering).
    pub fn sells_everything(&self) -> bool {
        self.providers.is_none() && self.events.is_none()
    }
}

/// The origin (`scheme://host[:port]`, lowercase, without the scheme's
/// default port) of an absolute `http(s)` URL, or `None` for anything a
/// browser might read otherwise: user info (`https://shop.example@evil`),
/// backslashes, white space or control characters, an empty host.
pub fn url_origin(url: &str) -> Option<String> {
    if url.bytes().any(|byte| byte <= b' ' || byte == 0x7f || byte == b'\\') {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    if authority.contains('@') {
        return None;
    }
    let host_port = authority.strip_suffix(default_port).unwrap_or(&authority);
    let origin = format!("{scheme}://{host_port}");
    let plain_host = !host_port.starts_with("*.") && is_origin_pattern(&origin);
    plain_host.then_some(origin)
}

/// `pattern` is `scheme://host[:port]`, optionally with `*.` before the host
/// (any subdomain, not the bare domain). Both are lowercase by now.
fn origin_matches(pattern: &str, origin: &str) -> bool {
    match pattern.split_once("://*.") {
        None => pattern == origin,
        Some((scheme, suffix)) => origin
            .strip_prefix(scheme)
            .and_then(|rest| rest.strip_prefix("://"))
            .and_then(|host| host.strip_suffix(suffix))
            .and_then(|label| label.strip_suffix('.'))
            .is_some_and(|labels| !labels.is_empty() && labels.bytes().all(is_host_byte)),
    }
}

fn is_host_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'.'
}

fn check_partner(index: usize, partner: &mut Partner) -> Result<(), DirectoryError> {
    let id_ok = !partner.id.is_empty()
        && partner.id.len() <= 40
        && partner.id.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if !id_ok {
        return Err(refuse(format!("partner #{index}: id must be 1-40 of [a-z0-9-]")));
    }
    let who = partner.id.clone();
    if partner.name.trim().is_empty() || partner.name.len() > 200 {
        return Err(refuse(format!("partner {who}: name must be 1-200 characters")));
    }
    if !is_public_key(&partner.public_key) {
        return Err(refuse(format!("partner {who}: public_key must be pk_ and 8-64 of [A-Za-z0-9_]")));
    }
    for hash in &mut partner.secret_key_hashes {
        *hash = hash.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(refuse(format!(
                "partner {who}: secret_key_hashes holds SHA-256 hex digests (make one with `make partner-key`), never keys"
            )));
        }
    }
    if partner.allowed_origins.is_empty() {
        return Err(refuse(format!("partner {who}: allowed_origins is empty (the widget would work nowhere)")));
    }
    for origin in &mut partner.allowed_origins {
        *origin = origin.trim().to_ascii_lowercase();
        if !is_origin_pattern(origin) {
            return Err(refuse(format!(
                "partner {who}: allowed_origins entry {origin:?} is not scheme://host[:port] (no path, no trailing slash)"
            )));
        }
    }
    if let Some(events) = &partner.events {
        for event in events {
            let canonical = crate::ids::parse_event_id(event).map(|event| event.public_id());
            if canonical.as_deref() != Ok(event.as_str()) {
                return Err(refuse(format!("partner {who}: events must be public event ids such as qt:1001")));
            }
        }
    }
    if !(1..=MOST_SEATS_PER_HOLD).contains(&partner.max_seats_per_hold) {
        return Err(refuse(format!("partner {who}: max_seats_per_hold must be 1-{MOST_SEATS_PER_HOLD}")));
    }
    let limits = &partner.limits;
    if !(1..=3600).contains(&limits.window_seconds) || [limits.reads, limits.holds, limits.server].contains(&0) {
        return Err(refuse(format!("partner {who}: limits need window_seconds 1-3600 and budgets of at least 1")));
    }
    let caps = [limits.active_holds_per_client, limits.active_holds_per_show];
    if caps.iter().any(|cap| !(1..=MOST_ACTIVE_HOLDS).contains(cap)) {
        return Err(refuse(format!(
            "partner {who}: limits.active_holds_per_client and limits.active_holds_per_show must be 1-{MOST_ACTIVE_HOLDS}"
        )));
    }
    if partner.hold_details_seconds > LONGEST_HOLD_DETAILS_SECONDS {
        return Err(refuse(format!("partner {who}: hold_details_seconds must be 0-{LONGEST_HOLD_DETAILS_SECONDS}")));
    }
    if !(1..=LONGEST_HOLD_RETENTION_SECONDS).contains(&partner.hold_retention_seconds) {
        return Err(refuse(format!("partner {who}: hold_retention_seconds must be 1-{LONGEST_HOLD_RETENTION_SECONDS}")));
    }
    if partner.hold_retention_seconds < partner.hold_details_seconds {
        return Err(refuse(format!(
            "partner {who}: hold_retention_seconds is shorter than hold_details_seconds (the details would go with the record)"
        )));
    }
    Ok(())
}

/// `pk_` and 8 to 64 of `[A-Za-z0-9_]`.
pub fn is_public_key(key: &str) -> bool {
    key.strip_prefix(PUBLIC_KEY_PREFIX).is_some_and(|rest| {
        (8..=64).contains(&rest.len()) && rest.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
    })
}

fn is_origin_pattern(origin: &str) -> bool {
    let Some((scheme, host_port)) = origin.split_once("://") else { return false };
    if scheme != "https" && scheme != "http" {
        return false;
    }
    let host_port = host_port.strip_prefix("*.").unwrap_or(host_port);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    let port_ok = port.is_none_or(|port| !port.is_empty() && port.len() <= 5 && port.bytes().all(|byte| byte.is_ascii_digit()));
    !host.is_empty() && host.bytes().all(is_host_byte) && !host.starts_with('.') && !host.ends_with('.') && port_ok
}

/// The first line of a serde error, without anything after a value quote.
/// What is wrong with a document serde could not read, without any value
/// from it: serde's own messages quote values (`invalid type: string
/// "sk_live_…", expected …`), and this text goes to logs. Field names and
/// enum tags (`providers`) are kept when short and plain: they say what to fix.
fn parse_problem(error: &serde_json::Error) -> String {
    let message = error.to_string();
    for kind in ["unknown field `", "missing field `", "duplicate field `", "unknown variant `"] {
        let name = message.strip_prefix(kind).and_then(|rest| rest.split('`').next());
        if let Some(name) = name.filter(|name| name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')) {
            return format!("{kind}{name}`");
        }
    }
    match error.classify() {
        serde_json::error::Category::Syntax => "not JSON".to_owned(),
        serde_json::error::Category::Eof => "the document ends too early".to_owned(),
        serde_json::error::Category::Data => "a value of the wrong type or out of range".to_owned(),
        serde_json::error::Category::Io => "unreadable".to_owned(),
    }
}

/// Public keys and secret-key hashes published in this repository (the
/// demo's and the tests'): anyone can use them, so they never go to a
/// deployed Worker.
const PUBLISHED_KEY_PREFIXES: [&str; 2] = ["pk_demo_", "pk_test_"];

impl PartnerDirectory {
    /// Why this directory must not be uploaded to a deployed Worker (`partners.sh
    /// put --remote`): published demo/test keys, or origins on this machine
    /// (loopback), which only a developer's browser has. Empty when fine.
    /// Names partners and fields, never a key or hash.
    pub fn problems_for_production(&self, published_secret_hashes: &[&str]) -> Vec<String> {
        let mut problems = Vec::new();
        for partner in &self.partners {
            if PUBLISHED_KEY_PREFIXES.iter().any(|prefix| partner.public_key.starts_with(prefix)) {
                problems.push(format!("partner {}: its public_key is a published demo/test key", partner.id));
            }
            if partner.secret_key_hashes.iter().any(|hash| published_secret_hashes.contains(&hash.as_str())) {
                problems.push(format!("partner {}: a secret key hash is a published demo/test key's", partner.id));
            }
            for origin in partner.allowed_origins.iter().filter(|origin| is_this_machine(origin)) {
                problems.push(format!("partner {}: allowed origin {origin} is this machine (loopback)", partner.id));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::parse_event_id;

    const DEMO_HASH: &str = "956ee237b7aa2dde22900ea00287019c12839b54af0b37c8ac9544a6b0e6ebdf";

    /// The demo partner and a narrow one; `change` edits the narrow one.
    fn document_with(change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
        let mut document = serde_json::json!({"partners": [
            {"id": "demo", "name": "Demo", "public_key": "pk_demo_0000000000000000",
             "secret_key_hashes": [DEMO_HASH],
             "allowed_origins": ["http://127.0.0.1:8080", "https://*.Shop.example"],
             "max_seats_per_hold": 10,
             "limits": {"window_seconds": 60, "reads": 600, "holds": 60, "server": 120}},
            {"id": "narrow", "name": "Narrow", "public_key": "pk_test_narrow_000000000",
             "allowed_origins": ["https://shop.example"],
             "providers": ["qtickets"], "events": ["qt:1001"],
             "max_seats_per_hold": 2,
             "limits": {"window_seconds": 60, "reads": 6, "holds": 2, "server": 1}}
        ]});
        change(document["partners"][1].as_object_mut().unwrap());
        document.to_string()
    }

    fn document(pairs: &str) -> String {
        let pairs: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{{{}}}", pairs.trim_start_matches(','))).unwrap();
        document_with(|partner| partner.extend(pairs))
    }

    #[test]
    fn reads_partners_and_answers_who_may_do_what() {
        let directory = PartnerDirectory::parse(&document("")).unwrap();
        let demo = directory.by_public_key("pk_demo_0000000000000000").unwrap();
        assert_eq!(demo.id, "demo");
        assert_eq!(demo.limits.of(Bucket::Holds), 60);
        let caps = (demo.limits.active_holds_per_client, demo.limits.active_holds_per_show);
        assert_eq!(caps, (DEFAULT_ACTIVE_HOLDS_PER_CLIENT, DEFAULT_ACTIVE_HOLDS_PER_SHOW), "caps by default");
        let capped = PartnerDirectory::parse(&document(
            r#","limits":{"window_seconds":60,"reads":6,"holds":2,"server":1,"active_holds_per_client":1,"active_holds_per_show":3}"#,
        ))
        .unwrap();
        let capped = &capped.by_public_key("pk_test_narrow_000000000").unwrap().limits;
        assert_eq!((capped.active_holds_per_client, capped.active_holds_per_show), (1, 3));
        assert!(demo.sells_everything());
        assert!(!demo.free_seats_allowed, "free places are off sale unless a record says otherwise");
        let narrow = directory.by_public_key("pk_test_narrow_000000000").unwrap();
        assert!(narrow.allows_event(&parse_event_id("qt:1001").unwrap()));
        assert!(!narrow.allows_event(&parse_event_id("qt:1002").unwrap()));
        assert!(!narrow.allows_event(&parse_event_id("tc:5f1a0c0e2b3c4d5e6f708192").unwrap()));
        assert!(narrow.allows_event_id(Provider::Qtickets, "qt:1001"));
        assert!(!narrow.allows_event_id(Provider::Qtickets, "qt:1002"));
        let generous = PartnerDirectory::parse(&document(r#","free_seats_allowed":true"#)).unwrap();
        assert!(generous.by_public_key("pk_test_narrow_000000000").unwrap().free_seats_allowed);
        assert_eq!(directory.by_public_key("pk_nobody_00000000"), Err(ProxyError::PartnerKeyUnknown));
        assert_eq!(directory.by_public_key(""), Err(ProxyError::PartnerKeyUnknown));
        assert!(!demo.send_tickets && !narrow.send_tickets, "the partner sends the tickets unless its record says otherwise");
        let sending = PartnerDirectory::parse(&document(r#","send_tickets":true"#)).unwrap();
        assert!(sending.by_public_key("pk_test_narrow_000000000").unwrap().send_tickets);
    }

    #[test]
    fn hold_details_and_retention_windows_default_and_can_be_set() {
        let directory = PartnerDirectory::parse(&document("")).unwrap();
        let demo = directory.by_public_key("pk_demo_0000000000000000").unwrap();
        assert_eq!((demo.hold_details_seconds, demo.hold_retention_seconds), (86_400, 90 * 86_400));
        let cases: &[(&str, (u32, u32))] = &[
            (r#","hold_details_seconds":3600"#, (3600, 90 * 86_400)),
            (r#","hold_details_seconds":0"#, (0, 90 * 86_400)),
            (r#","hold_details_seconds":2,"hold_retention_seconds":6"#, (2, 6)),
            (r#","hold_details_seconds":5,"hold_retention_seconds":5"#, (5, 5)),
            (r#","hold_retention_seconds":31622400"#, (86_400, 31_622_400)),
        ];
        for (extra, expected) in cases {
            let directory = PartnerDirectory::parse(&document(extra)).unwrap();
            let narrow = directory.by_public_key("pk_test_narrow_000000000").unwrap();
            assert_eq!((narrow.hold_details_seconds, narrow.hold_retention_seconds), *expected, "{extra}");
        }
    }

    #[test]
    fn origins_match_exactly_or_by_subdomain_wildcard() {
        let directory = PartnerDirectory::parse(&document("")).unwrap();
        let demo = directory.by_public_key("pk_demo_0000000000000000").unwrap();
        let cases: &[(&str, bool)] = &[
            ("http://127.0.0.1:8080", true),
            ("HTTP://127.0.0.1:8080", true),
            ("http://127.0.0.1:8081", false),
            ("http://127.0.0.1", false),
            ("https://127.0.0.1:8080", false),
            ("http://localhost:8080", false),
            ("https://tickets.shop.example", true),
            ("https://a.b.shop.example", true),
            ("https://shop.example", false),
            ("https://evilshop.example", false),
            ("https://shop.example.evil.com", false),
            ("http://tickets.shop.example", false),
            ("https://x/y.shop.example", false),
            ("null", false),
            ("", false),
        ];
        for &(origin, expected) in cases {
            assert_eq!(demo.allows_origin(origin), expected, "{origin}");
        }
        assert!(directory.some_partner_allows_origin("https://shop.example"));
        assert!(!directory.some_partner_allows_origin("https://evil.example"));
    }

    #[test]
    fn a_payment_url_must_be_on_one_of_the_partners_origins() {
        let directory = PartnerDirectory::parse(&document("")).unwrap();
        let demo = directory.by_public_key("pk_demo_0000000000000000").unwrap();
        let cases: &[(&str, bool)] = &[
            ("http://127.0.0.1:8080/pay#hold={hold_id}", true),
            ("http://127.0.0.1:8080", true),
            ("HTTP://127.0.0.1:8080/pay?x=1", true),
            ("https://tickets.shop.example/pay", true),
            ("https://tickets.shop.example:443/pay", true),
            ("https://tickets.shop.example:8443/pay", false),
            ("http://127.0.0.1:8081/pay", false),
            ("https://evil.example/pay", false),
            ("https://evil.example/http://127.0.0.1:8080/", false),
            ("https://evil.example?http://127.0.0.1:8080", false),
            ("http://127.0.0.1:8080@evil.example/pay", false),
            ("https://tickets.shop.example@evil.example/", false),
            ("https://evil.example\\@tickets.shop.example/", false),
            ("https://evil.example\\tickets.shop.example/", false),
            ("https://tickets.shop.example.evil.example/", false),
            ("https://tick\tets.shop.example/", false),
            (" https://tickets.shop.example/", false),
            ("javascript:alert(1)//http://127.0.0.1:8080", false),
            ("//127.0.0.1:8080/pay", false),
            ("/pay", false),
            ("", false),
        ];
        for &(url, expected) in cases {
            assert_eq!(demo.allows_payment_url(url), expected, "{url}");
        }
        assert_eq!(url_origin("HTTPS://Shop.Example:443/x").as_deref(), Some("https://shop.example"));
        assert_eq!(url_origin("http://shop.example:80").as_deref(), Some("http://shop.example"));
        assert_eq!(url_origin("https://*.shop.example/"), None);
    }

    #[test]
    fn server_calls_need_a_secret_key_of_an_active_partner() {
        let directory = PartnerDirectory::parse(&document("")).unwrap();
        let ok = directory.authorize_server_call(Some("Bearer sk_demo_0000000000000000_not_a_secret"), false).unwrap();
        assert_eq!((ok.0.id.as_str(), ok.1.as_str()), ("demo", DEMO_HASH));
        let cases: &[(Option<&str>, bool, ProxyError)] = &[
            (None, false, ProxyError::SecretKeyRequired),
            (Some("Basic abc"), false, ProxyError::SecretKeyRequired),
            (Some("Bearer "), false, ProxyError::SecretKeyRequired),
            (None, true, ProxyError::SecretKeyRequired),
            (Some("Bearer sk_demo_0000000000000000_not_a_secret"), true, ProxyError::PublicKeyNotAllowed),
            (Some("Bearer pk_demo_0000000000000000"), false, ProxyError::PublicKeyNotAllowed),
            (Some("Bearer sk_wrong"), false, ProxyError::PartnerKeyUnknown),
            (
                Some("Bearer 956ee237b7aa2dde22900ea00287019c12839b54af0b37c8ac9544a6b0e6ebdf"),
                false,
                ProxyError::PartnerKeyUnknown,
            ),
        ];
        for (header, public_key_header, expected) in cases {
            assert_eq!(
                directory.authorize_server_call(*header, *public_key_header).map(|_| ()),
                Err(expected.clone()),
                "{header:?}"
            );
        }
        let revoked = document(
            r#","revoked":true,"secret_key_hashes":["a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"]"#,
        );
        let directory = PartnerDirectory::parse(&revoked).unwrap();
        assert_eq!(directory.by_public_key("pk_test_narrow_000000000"), Err(ProxyError::PartnerKeyRevoked));
        // sha256("123")
        assert_eq!(directory.authorize_server_call(Some("Bearer sk_123"), false).map(|_| ()), Err(ProxyError::PartnerKeyUnknown));
        assert!(!directory.some_partner_allows_origin("https://shop.example"), "a revoked partner opens no origin");
    }

    #[test]
    fn refuses_documents_that_would_widen_access_by_mistake() {
        let cases: &[(&str, &str)] = &[
            (r#","colour":"red""#, "unknown field"),
            (r#","secret_key_hashes":["sk_live_in_clear"]"#, "never keys"),
            (r#","events":["qt:10x"]"#, "public event ids"),
            (r#","events":["tc:5F1A0C0E2B3C4D5E6F708192"]"#, "public event ids"),
            (r#","providers":["kassir"]"#, "unknown variant"),
            (r#","allowed_origins":["https://shop.example/"]"#, "scheme://host"),
            (r#","allowed_origins":["shop.example"]"#, "scheme://host"),
            (r#","allowed_origins":["*"]"#, "scheme://host"),
            (r#","allowed_origins":[]"#, "empty"),
            (r#","max_seats_per_hold":0"#, "max_seats_per_hold"),
            (r#","max_seats_per_hold":51"#, "max_seats_per_hold"),
            (r#","public_key":"pk_demo_0000000000000000""#, "another partner's"),
            (r#","public_key":"sk_test_narrow_000000000""#, "public_key must be"),
            (r#","id":"demo""#, "appears twice"),
            (r#","id":"Demo Partner""#, "id must be"),
            (&*format!(r#","secret_key_hashes":["{DEMO_HASH}"]"#), "another partner's"),
            (r#","limits":{"window_seconds":0,"reads":1,"holds":1,"server":1}"#, "window_seconds"),
            (r#","limits":{"window_seconds":60,"reads":1,"holds":1,"server":1,"active_holds_per_client":0}"#, "1-100000"),
            (r#","limits":{"window_seconds":60,"reads":1,"holds":1,"server":1,"active_holds_per_show":100001}"#, "1-100000"),
            (r#","limits":{"window_seconds":60,"reads":1,"holds":1,"server":1,"active_holds":9}"#, "unknown field"),
            (r#","free_seats_allowed":"yes""#, "wrong type"),
            (r#","free_seats":true"#, "unknown field"),
            (r#","send_tickets":"yes""#, "wrong type"),
            (r#","send_ticket":true"#, "unknown field"),
            (r#","hold_details_seconds":2592001"#, "hold_details_seconds must be"),
            (r#","hold_details_seconds":"24h""#, "wrong type"),
            (r#","hold_retention_seconds":0"#, "hold_retention_seconds must be"),
            (r#","hold_retention_seconds":31622401"#, "hold_retention_seconds must be"),
            (r#","hold_retention_seconds":3600"#, "shorter than hold_details_seconds"),
            (r#","hold_details_seconds":60,"hold_retention_seconds":59"#, "shorter than hold_details_seconds"),
            (r#","hold_detail_seconds":60"#, "unknown field"),
        ];
        for (extra, expected) in cases {
            // `extra` adds or replaces fields of the narrow partner.
            let error = PartnerDirectory::parse(&document(extra)).unwrap_err();
            assert!(error.to_string().contains(expected), "{extra}: {error}");
            assert!(!error.to_string().contains("sk_live_in_clear"), "{error}");
        }
        assert!(PartnerDirectory::parse("").is_err());
        assert!(PartnerDirectory::parse("[]").is_err());
        assert!(PartnerDirectory::parse(r#"{"partners":[]}"#).unwrap().partners().is_empty());
    }

    #[test]
    fn a_refused_document_never_echoes_a_value() {
        let secret = "sk_live_do_not_echo_this";
        let wrong_type = document_with(|narrow| {
            narrow.insert("max_seats_per_hold".into(), serde_json::json!(secret));
        });
        let not_json = format!(r#"{{"partners": [{{"id": "x" "public_key": "{secret}"}}]}}"#);
        let wrong_list = document_with(|narrow| {
            narrow.insert("allowed_origins".into(), serde_json::json!(secret));
        });
        for (document, says) in [(wrong_type, "wrong type"), (not_json, "not JSON"), (wrong_list, "wrong type")] {
            let problem = PartnerDirectory::parse(&document).unwrap_err().problem;
            assert!(!problem.contains(secret), "{problem}");
            assert!(problem.contains(says) && problem.contains("line 1, column"), "{problem}");
        }
        // Field names are the schema's and stay: they say what to fix.
        let unknown = document_with(|narrow| {
            narrow.insert("secret_key".into(), serde_json::json!(secret));
        });
        let problem = PartnerDirectory::parse(&unknown).unwrap_err().problem;
        assert!(problem.contains("unknown field `secret_key`") && !problem.contains(secret), "{problem}");
    }

    #[test]
    fn a_directory_for_production_has_no_published_keys_and_no_loopback_origins() {
        let directory = PartnerDirectory::parse(&document_with(|_| {})).unwrap();
        let problems = directory.problems_for_production(&[DEMO_HASH]);
        assert_eq!(
            problems,
            [
                "partner demo: its public_key is a published demo/test key",
                "partner demo: a secret key hash is a published demo/test key's",
                "partner demo: allowed origin http://127.0.0.1:8080 is this machine (loopback)",
                "partner narrow: its public_key is a published demo/test key",
            ]
        );
        let production = r#"{"partners": [{"id": "shop", "name": "Shop", "public_key": "pk_live_shop_00000000000",
            "secret_key_hashes": ["1111111111111111111111111111111111111111111111111111111111111111"],
            "allowed_origins": ["https://shop.example", "https://*.shop.example"],
            "max_seats_per_hold": 10,
            "limits": {"window_seconds": 60, "reads": 600, "holds": 60, "server": 120}}]}"#;
        let production = PartnerDirectory::parse(production).unwrap();
        assert_eq!(production.problems_for_production(&[DEMO_HASH]), Vec::<String>::new());
    }
}

//! What stops one client (or one partner's key) from taking a hall: caps on
//! active holds, a budget for requests with bad keys, and what a request does
//! when the rate limiter cannot be reached. Pure rules; the Worker keeps the
//! ledgers in its `RateLimiter` Durable Objects and asks these functions.
//!
//! - **Active holds.** Each hold created takes a *lease* in two ledgers: its
//!   client's (public key + address, [`client_ledger`]) and its partner's
//!   for the show ([`show_ledger`]). A lease lasts until the hold's expiry
//!   (or is given back when the hold is released or confirmed); a create
//!   that would pass a ledger's cap ([`reserve`]) is refused with `429`.
//! - **Bad keys.** Requests with a missing, unknown or revoked key are
//!   counted per client address in a window of their own
//!   ([`bad_key_client`]); past [`BAD_KEYS_WINDOW_SECONDS`]'s budget they are
//!   `429 rate_limited` instead of `401`.
//! - **Limiter unreachable.** Reads go on (a counter outage must not stop a
//!   sale's viewers) and the log says so; holds, confirms and refunds are
//!   refused with `503` and `Retry-After` ([`fails_closed`]).

use serde::{Deserialize, Serialize};

use crate::errors::ProxyError;
use crate::partners::Bucket;

/// Active holds one client (public key + address) may have at once, unless
/// its partner's record says otherwise.
pub const DEFAULT_ACTIVE_HOLDS_PER_CLIENT: u32 = 10;
/// Active holds of one partner on one show at once, unless its record says
/// otherwise (raise it for a large on-sale).
pub const DEFAULT_ACTIVE_HOLDS_PER_SHOW: u32 = 500;
/// The most a partner record may set either cap to.
pub const MOST_ACTIVE_HOLDS: u32 = 100_000;

/// Requests with a bad key one address may send per window before `429`,
/// unless the proxy's `BAD_KEY_BUDGET` setting says otherwise.
pub const DEFAULT_BAD_KEY_BUDGET: u32 = 60;
/// The bad-key window, in seconds.
pub const BAD_KEYS_WINDOW_SECONDS: u32 = 60;

/// One hold's place in a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub hold_id: String,
    /// Unix seconds; the lease no longer counts from then.
    pub expires_at: i64,
    /// In a show's ledger: the client ledger holding the same hold's other
    /// lease, so a confirm (which does not know the buyer's address) can give
    /// both back. Kept no longer than the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ledger: Option<String>,
}

/// What the Worker asks a ledger's object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LedgerCommand {
    /// Take a lease in `ledger` unless it already holds `cap` active ones.
    Reserve { ledger: String, lease: Lease, cap: u32, now: i64 },
    /// Give `hold_id`'s lease back (answered with it, if it was there).
    Give { ledger: String, hold_id: String },
}

/// A ledger's answer to [`LedgerCommand::Reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub admitted: bool,
    /// Active leases after this command (the new one included if admitted).
    pub active: u32,
    pub cap: u32,
    /// When refused: whole seconds until the oldest lease ends (at least 1).
    pub retry_after_seconds: u32,
}

/// The ledger of a public key's client (`pk|<key>|<client>`, the same client
/// as its rate limits).
pub fn client_ledger(public_key: &str, client: &str) -> String {
    format!("pk|{public_key}|{client}")
}

/// The ledger of a partner's holds on one show.
pub fn show_ledger(public_key: &str, event_id: &str, show_id: &str) -> String {
    format!("show|{public_key}|{event_id}|{show_id}")
}

/// Until when a new hold's leases last: its expiry at the latest (the hold
/// object starts the clock once the create's upstream work is done, within
/// the command budget).
pub fn lease_expiry(now: i64, hold_seconds: i64, command_budget_ms: u32) -> i64 {
    now.saturating_add(hold_seconds).saturating_add(i64::from(command_budget_ms.div_ceil(1000)))
}

/// Forgets the leases that ended at `now`; returns their hold ids (for the
/// object to delete from its storage).
pub fn forget_ended(leases: &mut Vec<Lease>, now: i64) -> Vec<String> {
    let mut ended = Vec::new();
    leases.retain(|lease| {
        let active = lease.expires_at > now;
        if !active {
            ended.push(lease.hold_id.clone());
        }
        active
    });
    ended
}

/// Takes `lease` in a ledger holding `leases` unless `cap` active ones are
/// there already. Asking again for a hold that has its lease changes nothing
/// (a retried create is not counted twice). Ended leases are forgotten first;
/// their ids are returned with the answer.
pub fn reserve(leases: &mut Vec<Lease>, lease: Lease, cap: u32, now: i64) -> (Reservation, Vec<String>) {
    let ended = forget_ended(leases, now);
    let count = |leases: &Vec<Lease>| u32::try_from(leases.len()).unwrap_or(u32::MAX);
    if leases.iter().any(|held| held.hold_id == lease.hold_id) {
        let reservation = Reservation { admitted: true, active: count(leases), cap, retry_after_seconds: 0 };
        return (reservation, ended);
    }
    if count(leases) >= cap {
        let soonest = leases.iter().map(|held| held.expires_at).min().unwrap_or(now + 1);
        let retry_after_seconds = u32::try_from((soonest - now).max(1)).unwrap_or(u32::MAX);
        return (Reservation { admitted: false, active: count(leases), cap, retry_after_seconds }, ended);
    }
    leases.push(lease);
    (Reservation { admitted: true, active: count(leases), cap, retry_after_seconds: 0 }, ended)
}

/// Gives `hold_id`'s lease back; returns it if the ledger had it.
pub fn give_back(leases: &mut Vec<Lease>, hold_id: &str) -> Option<Lease> {
    let index = leases.iter().position(|lease| lease.hold_id == hold_id)?;
    Some(leases.swap_remove(index))
}

/// Which cap refused a create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldCap {
    /// The client's own active holds (public key + address).
    Client,
    /// The partner's active holds on this show.
    Show,
}

/// The refusal for a ledger's answer, if it refused.
pub fn refusal(cap: HoldCap, reservation: &Reservation) -> Option<ProxyError> {
    (!reservation.admitted)
        .then_some(ProxyError::TooManyActiveHolds { cap, retry_after_seconds: reservation.retry_after_seconds })
}

/// Whether a request of `bucket` is refused when the limiter cannot count
/// it: writes that take places or mark them paid are (a limiter outage must
/// not open the door to a bot), reads go on.
pub fn fails_closed(bucket: Bucket) -> bool {
    match bucket {
        Bucket::Reads => false,
        Bucket::Holds | Bucket::Server => true,
    }
}

/// Whether an error answers a bad key (counted per address).
pub fn is_bad_key(error: &ProxyError) -> bool {
    matches!(
        error,
        ProxyError::PartnerKeyMissing
            | ProxyError::PartnerKeyUnknown
            | ProxyError::PartnerKeyRevoked
            | ProxyError::SecretKeyRequired
    )
}

/// The limiter client that counts an address's bad keys (`bad|<client>`).
pub fn bad_key_client(client: &str) -> String {
    format!("bad|{client}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(hold_id: &str, expires_at: i64) -> Lease {
        Lease { hold_id: hold_id.to_owned(), expires_at, client_ledger: None }
    }

    #[test]
    fn a_ledger_admits_up_to_its_cap_and_frees_a_place_when_a_hold_ends_or_is_given_back() {
        let mut leases = Vec::new();
        let mut answers = Vec::new();
        for (index, hold) in ["h1", "h2", "h3", "h4"].iter().enumerate() {
            let (reservation, _) = reserve(&mut leases, lease(hold, 1_000 + index as i64 * 10), 3, 500);
            answers.push((reservation.admitted, reservation.active));
        }
        assert_eq!(answers, [(true, 1), (true, 2), (true, 3), (false, 3)]);
        // Refused: wait until the soonest lease ends.
        let (refused, _) = reserve(&mut leases, lease("h4", 2_000), 3, 900);
        assert_eq!((refused.admitted, refused.retry_after_seconds), (false, 100));
        assert_eq!(
            refusal(HoldCap::Client, &refused),
            Some(ProxyError::TooManyActiveHolds { cap: HoldCap::Client, retry_after_seconds: 100 })
        );
        // Asking again for a hold that has its lease is not counted twice.
        let (again, _) = reserve(&mut leases, lease("h2", 1_010), 3, 900);
        assert_eq!((again.admitted, again.active), (true, 3));
        assert_eq!(refusal(HoldCap::Show, &again), None);
        // A release gives a place back at once.
        assert_eq!(give_back(&mut leases, "h2").map(|lease| lease.hold_id), Some("h2".to_owned()));
        assert_eq!(give_back(&mut leases, "h2"), None, "only once");
        let (after_release, _) = reserve(&mut leases, lease("h4", 2_000), 3, 900);
        assert_eq!((after_release.admitted, after_release.active), (true, 3));
        // At h1's expiry its place is free too, and its id is handed back to be forgotten.
        let (after_expiry, ended) = reserve(&mut leases, lease("h5", 2_000), 3, 1_000);
        assert_eq!((after_expiry.admitted, after_expiry.active), (true, 3));
        assert_eq!(ended, ["h1"]);
    }

    #[test]
    fn a_refusal_waits_at_least_a_second_and_a_zero_cap_admits_nothing() {
        let mut leases = vec![lease("h1", 1_000)];
        let (refused, _) = reserve(&mut leases, lease("h2", 2_000), 1, 999);
        assert_eq!((refused.admitted, refused.retry_after_seconds), (false, 1));
        let (none, _) = reserve(&mut Vec::new(), lease("h2", 2_000), 0, 999);
        assert!(!none.admitted);
    }

    #[test]
    fn leases_last_the_hold_and_its_create_and_ledgers_are_named_per_client_and_show() {
        assert_eq!(lease_expiry(1_000, 900, 20_000), 1_920);
        assert_eq!(lease_expiry(1_000, 25, 6_500), 1_032);
        assert_eq!(client_ledger("pk_demo_0000", "203.0.113.7"), "pk|pk_demo_0000|203.0.113.7");
        assert_eq!(show_ledger("pk_demo_0000", "qt:1001", "5001"), "show|pk_demo_0000|qt:1001|5001");
        let command = LedgerCommand::Reserve { ledger: "x".into(), lease: lease("h1", 5), cap: 2, now: 1 };
        let text = serde_json::to_string(&command).unwrap();
        assert_eq!(text, r#"{"kind":"reserve","ledger":"x","lease":{"hold_id":"h1","expires_at":5},"cap":2,"now":1}"#);
        assert_eq!(serde_json::from_str::<LedgerCommand>(&text).unwrap(), command);
    }

    #[test]
    fn writes_fail_closed_reads_fail_open_and_bad_keys_are_the_401s_of_keys() {
        assert!(!fails_closed(Bucket::Reads));
        assert!(fails_closed(Bucket::Holds));
        assert!(fails_closed(Bucket::Server));
        for error in [
            ProxyError::PartnerKeyMissing,
            ProxyError::PartnerKeyUnknown,
            ProxyError::PartnerKeyRevoked,
            ProxyError::SecretKeyRequired,
        ] {
            assert!(is_bad_key(&error), "{error:?}");
        }
        for error in [ProxyError::OriginNotAllowed, ProxyError::PublicKeyNotAllowed, ProxyError::InvalidBody { field: "body" }] {
            assert!(!is_bad_key(&error), "{error:?}");
        }
        assert_eq!(bad_key_client("203.0.113.7"), "bad|203.0.113.7");
    }
}

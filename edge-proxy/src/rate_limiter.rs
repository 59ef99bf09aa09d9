//! `RateLimiter`: the Durable Object that counts clients' requests.
//!
//! A client is `public key + client IP` or a secret key's hash; each has a
//! fixed window per budget (`reads`, `holds`, `server`). The clients of one
//! public key are spread over a few objects (`rate_limit::shard_of`), so a
//! crowd of new buyers finds objects already running instead of creating one
//! each. Being Durable Objects, the counters are strongly consistent worldwide,
//! and they run under `wrangler dev` exactly as deployed. The arithmetic is
//! `ticket_core::rate_limit`.
//!
//! Windows live in the object's memory only: a durable write on every API
//! call would buy little. An object is evicted from memory only after it has
//! had no requests for a while (tens of seconds or more), so what is lost is
//! the count of a client that has gone quiet — at worst it gets its next
//! window early — and, on a redeploy, the current windows.
//!
//! The same objects keep the ledgers of active holds (`ticket_core::abuse`):
//! a client's in its limiter object, a partner's holds on one show in an
//! object of its own. Leases are written to storage as well (one write per
//! hold created or ended, not per request), because a ledger must outlive a
//! quiet spell: a hold lasts many minutes.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use ticket_core::abuse::{self, Lease, LedgerCommand, Reservation};
use ticket_core::errors::ProxyError;
use ticket_core::partners::{Bucket, Limits};
use ticket_core::rate_limit::{has_ended, shard_of, take, Ask, Decision, Window};
use worker::{durable_object, DurableObject, Env, ListOptions, Request, Response, Result, State};

use crate::object_call::post_json;

/// The Durable Object binding in `wrangler.toml`.
const LIMITS_BINDING: &str = "RATE_LIMITER";
const LIMITER_URL: &str = "https://rate-limiter.invalid/take";
const LEDGER_URL: &str = "https://rate-limiter.invalid/ledger";
/// Storage keys of leases: `lease|<ledger>|<hold id>`.
const LEASE_PREFIX: &str = "lease|";

#[durable_object]
pub struct RateLimiter {
    state: State,
    /// `client|bucket` → its window and the window's length in seconds.
    windows: RefCell<HashMap<String, (Window, u32)>>,
    last_sweep_ms: Cell<i64>,
    last_ledger_sweep_ms: Cell<i64>,
    /// Ledger → its active leases; `None` until read from storage.
    ledgers: RefCell<Option<HashMap<String, Vec<Lease>>>>,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        RateLimiter {
            state,
            windows: RefCell::new(HashMap::new()),
            last_sweep_ms: Cell::new(0),
            last_ledger_sweep_ms: Cell::new(0),
            ledgers: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut request: Request) -> Result<Response> {
        if request.path() == "/ledger" {
            let Ok(command) = request.json::<LedgerCommand>().await else {
                return Response::error("bad request", 400);
            };
            return self.ledger(command).await;
        }
        let Ok(ask) = request.json::<Ask>().await else {
            return Response::error("bad request", 400);
        };
        let now_ms = worker::Date::now().as_millis() as i64;
        let key = format!("{}|{}", ask.client, ask.bucket);
        let mut windows = self.windows.borrow_mut();
        if now_ms - self.last_sweep_ms.get() >= SWEEP_EVERY_MS {
            // Clients come and go: windows that ended are forgotten (a client
            // coming back starts a new one, as it would anyway).
            windows.retain(|_, (window, seconds)| !has_ended(window, now_ms, *seconds));
            self.last_sweep_ms.set(now_ms);
        }
        let known = windows.get(&key).map(|(window, _)| *window);
        let (window, decision) = take(known, now_ms, ask.limit, ask.window_seconds);
        windows.insert(key, (window, ask.window_seconds));
        Response::from_json(&decision)
    }
}

impl RateLimiter {
    async fn ledger(&self, command: LedgerCommand) -> Result<Response> {
        if self.ledgers.borrow().is_none() {
            let loaded = self.load_leases().await?;
            self.ledgers.borrow_mut().get_or_insert(loaded);
        }
        let storage = self.state.storage();
        let now_ms = worker::Date::now().as_millis() as i64;
        if now_ms - self.last_ledger_sweep_ms.get() >= LEDGER_SWEEP_EVERY_MS {
            // Holds end unseen (expiry): their leases are forgotten here, in
            // every ledger of this object, not only when a ledger is used again.
            self.last_ledger_sweep_ms.set(now_ms);
            let ended: Vec<String> = {
                let mut ledgers = self.ledgers.borrow_mut();
                let all = ledgers.get_or_insert_with(HashMap::new);
                let ended = all
                    .iter_mut()
                    .flat_map(|(ledger, leases)| {
                        abuse::forget_ended(leases, now_ms / 1000)
                            .into_iter()
                            .map(|hold_id| lease_key(ledger, &hold_id))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                all.retain(|_, leases| !leases.is_empty());
                ended
            };
            delete_keys(&storage, ended).await?;
        }
        match command {
            LedgerCommand::Reserve { ledger, lease, cap, now } => {
                let hold_id = lease.hold_id.clone();
                let stored = lease.clone();
                let (reservation, ended) = {
                    let mut ledgers = self.ledgers.borrow_mut();
                    let leases = ledgers.get_or_insert_with(HashMap::new).entry(ledger.clone()).or_default();
                    abuse::reserve(leases, lease, cap, now)
                };
                let forgotten: Vec<String> = ended.iter().map(|hold_id| lease_key(&ledger, hold_id)).collect();
                delete_keys(&storage, forgotten).await?;
                if reservation.admitted {
                    // As JSON text, read back by `load_leases`.
                    storage.put(&lease_key(&ledger, &hold_id), serde_json::to_string(&stored)?).await?;
                }
                Response::from_json(&reservation)
            }
            LedgerCommand::Give { ledger, hold_id } => {
                let given = {
                    let mut ledgers = self.ledgers.borrow_mut();
                    let leases = ledgers.get_or_insert_with(HashMap::new).get_mut(&ledger);
                    let given = leases.and_then(|leases| abuse::give_back(leases, &hold_id));
                    if ledgers.as_ref().and_then(|all| all.get(&ledger)).is_some_and(Vec::is_empty) {
                        ledgers.as_mut().map(|all| all.remove(&ledger));
                    }
                    given
                };
                if given.is_some() {
                    storage.delete(&lease_key(&ledger, &hold_id)).await?;
                }
                Response::from_json(&given)
            }
        }
    }

    /// Every lease this object keeps, from storage (once per object's life).
    async fn load_leases(&self) -> Result<HashMap<String, Vec<Lease>>> {
        let stored = self.state.storage().list_with_options(ListOptions::new().prefix(LEASE_PREFIX)).await?;
        let mut ledgers: HashMap<String, Vec<Lease>> = HashMap::new();
        stored.for_each(&mut |value, key| {
            let key = key.as_string().unwrap_or_default();
            let lease = value.as_string().and_then(|text| serde_json::from_str::<Lease>(&text).ok());
            // `lease|<ledger>|<hold id>`: the hold id has no `|`.
            let ledger = key.strip_prefix(LEASE_PREFIX).and_then(|rest| rest.rsplit_once('|')).map(|(ledger, _)| ledger);
            if let (Some(ledger), Some(lease)) = (ledger, lease) {
                ledgers.entry(ledger.to_owned()).or_default().push(lease);
            }
        });
        Ok(ledgers)
    }
}

/// Deletes `keys` from storage (at most 128 per call, the runtime's limit).
async fn delete_keys(storage: &worker::Storage, keys: Vec<String>) -> Result<()> {
    for chunk in keys.chunks(128) {
        storage.delete_multiple(chunk.to_vec()).await?;
    }
    Ok(())
}

fn lease_key(ledger: &str, hold_id: &str) -> String {
    format!("{LEASE_PREFIX}{ledger}|{hold_id}")
}

/// How often an object forgets the windows that ended.
const SWEEP_EVERY_MS: i64 = 10_000;
/// How often an object forgets the leases that ended.
const LEDGER_SWEEP_EVERY_MS: i64 = 60_000;

/// The way to the limiter objects for one request: the binding, or (in
/// local development, for the tests) a broken one.
#[derive(Clone, Copy)]
pub struct Limiter<'a> {
    env: &'a Env,
    binding: &'static str,
}

/// A binding no `wrangler.toml` defines: what an unreachable limiter looks like.
const BROKEN_BINDING: &str = "RATE_LIMITER_UNREACHABLE";

impl<'a> Limiter<'a> {
    pub fn new(env: &'a Env) -> Limiter<'a> {
        Limiter { env, binding: LIMITS_BINDING }
    }

    /// A limiter whose every call fails, as when its objects cannot be
    /// reached (see `handlers::limiter_for`, which only gives it out in
    /// local development).
    pub fn unreachable(env: &'a Env) -> Limiter<'a> {
        Limiter { env, binding: BROKEN_BINDING }
    }

    /// Counts this request in `client`'s `bucket`. If the limiter cannot be
    /// reached the failure is returned (for the log line, and for the caller
    /// to decide: `ticket_core::abuse::fails_closed`).
    pub async fn take_one(
        &self,
        client: &str,
        bucket: &str,
        limit: u32,
        window_seconds: u32,
    ) -> std::result::Result<Decision, &'static str> {
        let ask = Ask { client: client.to_owned(), bucket: bucket.to_owned(), limit, window_seconds };
        let answer =
            async { post_json(self.env, self.binding, &object_of(client), LIMITER_URL, &ask).await?.json::<Decision>().await };
        answer.await.map_err(|_| "rate_limiter_unreachable")
    }

    /// Counts this request against the partner's budget for `bucket`.
    pub async fn take_for_partner(
        &self,
        client: &str,
        bucket: Bucket,
        limits: &Limits,
    ) -> std::result::Result<Decision, &'static str> {
        self.take_one(client, bucket.name(), limits.of(bucket), limits.window_seconds).await
    }

    /// Takes a lease for a hold in `ledger` (`ticket_core::abuse`).
    pub async fn reserve(
        &self,
        ledger: &str,
        lease: Lease,
        cap: u32,
        now: i64,
    ) -> std::result::Result<Reservation, &'static str> {
        let command = LedgerCommand::Reserve { ledger: ledger.to_owned(), lease, cap, now };
        let answer = async {
            post_json(self.env, self.binding, &object_of(ledger), LEDGER_URL, &command).await?.json::<Reservation>().await
        };
        answer.await.map_err(|_| "rate_limiter_unreachable")
    }

    /// Gives a hold's lease in `ledger` back; answers the lease if it was there.
    pub async fn give_back(&self, ledger: &str, hold_id: &str) -> std::result::Result<Option<Lease>, &'static str> {
        let command = LedgerCommand::Give { ledger: ledger.to_owned(), hold_id: hold_id.to_owned() };
        let answer = async {
            post_json(self.env, self.binding, &object_of(ledger), LEDGER_URL, &command).await?.json::<Option<Lease>>().await
        };
        answer.await.map_err(|_| "rate_limiter_unreachable")
    }
}

/// The object that counts `client` (or keeps `ledger`): a public key's
/// clients are spread over its shards (`pk|<key>|<client>` →
/// `pk|<key>|s<shard>`), addresses with bad keys over the `bad|` shards; a
/// secret key is one client and a show's ledger one object.
fn object_of(client: &str) -> String {
    match client.rsplit_once('|') {
        Some((key, _)) if client.starts_with("pk|") => format!("{key}|s{}", shard_of(client)),
        Some(_) if client.starts_with("bad|") => format!("bad|s{}", shard_of(client)),
        _ => client.to_owned(),
    }
}

/// The refusal for a decision that did not allow the request.
pub fn refusal(decision: &Decision) -> Option<ProxyError> {
    (!decision.allowed).then_some(ProxyError::RateLimited { retry_after_seconds: decision.reset_seconds })
}

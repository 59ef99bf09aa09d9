//! TicketsCloud refunds (`ticketscloud-distributor-api.txt` l.1600–1960,
//! l.2845–2935): giving tickets of a paid order back.
//!
//! - **Create**: `POST /v2/resources/refund_requests` with `order`,
//!   `culprit: "org"` (the partner refunds on the organiser's behalf: a
//!   cancelled or moved event, a sale the partner reverses) and the upstream
//!   ids of the tickets. The answer is the refund object: `id`, `status`
//!   (`new` | `in_progress` | `approved` | `rejected`), `tickets`.
//! - **A refund whose answer was lost** (timeout, 5xx, `409`, a body cut
//!   short), or one refused with `Some tickets already use in another refund
//!   request` (our own earlier request), is looked for in the refund list
//!   (`GET /v2/resources/refund_requests?events=…&created_at=…`) by order and
//!   tickets, and adopted. Not found, the command's journal stays and the
//!   alarm looks again, then asks again ([`resume_refund`]).
//! - **Any other refusal** (`Operation failed: event already start`, `there
//!   is discounted ticket`, `wrong order … status`, …) is `upstream_refused`
//!   and leaves the hold as it was.
//! - **Progress** is read from the same list by the hold's follow-up
//!   ([`super::tickets`]) until the refund is `approved` or `rejected`.
//!
//! One refund per hold: asking again for the same tickets answers the hold
//! as it is (idempotent); other tickets are `refund_already_requested` until
//! the refund is rejected.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ticket_contract::{HoldState, RefundState};

use super::check_http_status;
use super::holds::{TicketscloudOrderRequests, ORDER_LIST_PAGE_SIZE};
use super::wire::TicketscloudErrorBody;
use crate::errors::ProxyError;
use crate::holds::journal::{StepClass, StepId, StepIntent};
use crate::holds::record::{FollowUp, HoldRecord, RefundRecord, UpstreamHoldRefs};
use crate::holds::{no_requests, view, CommandContext, Finished, HoldOperation, StepRequest};
use crate::lenient::{Loose, LooseList, Scalar};
use crate::upstream::{HttpMethod, UpstreamRequest, UpstreamResponse};

pub const REFUND_REQUESTS_PATH: &str = "v2/resources/refund_requests";
/// Who is to blame for the refund (l.1610: `user` | `org`): the partner's
/// server refunds on the organiser's side of the deal.
pub const REFUND_CULPRIT: &str = "org";
/// Pages of the refund list read when looking for one refund.
pub const MOST_REFUND_LIST_PAGES: u32 = 5;
/// Refunds are searched among those created this long either side of the
/// request: the list's datetimes carry no offset, so any reading of them in
/// Russia's zones still falls inside.
pub const REFUND_SEARCH_SLACK_SECONDS: i64 = 15 * 3600;
/// Longest ticket reference (a barcode) accepted in a refund body.
const LONGEST_TICKET_REFERENCE: usize = 64;

/// Where a hold's refund lives upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketscloudRefundRef {
    /// The refund request's id, once an answer or the list named it.
    #[serde(default)]
    pub refund_id: Option<String>,
    pub order_id: String,
    /// Upstream ids of the tickets refunded.
    pub ticket_ids: Vec<String>,
}

impl TicketscloudOrderRequests {
    /// `POST /v2/resources/refund_requests` (l.1604–1660).
    pub(crate) fn create_refund(&self, order_id: &str, ticket_ids: &[String]) -> UpstreamRequest {
        let body = json!({"order": order_id, "culprit": REFUND_CULPRIT, "tickets": ticket_ids});
        self.send(HttpMethod::Post, REFUND_REQUESTS_PATH.to_string(), Some(body))
    }

    /// One page of this event's refunds created around `around` (unix seconds).
    pub(crate) fn refunds_around(&self, page: u32, around: i64) -> UpstreamRequest {
        let from = list_datetime(around.saturating_sub(REFUND_SEARCH_SLACK_SECONDS));
        let to = list_datetime(around.saturating_add(REFUND_SEARCH_SLACK_SECONDS));
        let query = format!("events={}&created_at={from},{to}&page={page}&page_size={ORDER_LIST_PAGE_SIZE}", self.event_id);
        self.send(HttpMethod::Get, format!("{REFUND_REQUESTS_PATH}?{query}"), None)
    }
}

/// `2019-07-01T00:00:00`: the lists' `created_at` filter form (l.2863).
pub(crate) fn list_datetime(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// The refund object (l.1618–1637), the parts we use.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RefundObject {
    id: Scalar,
    status: Scalar,
    order: Scalar,
    tickets: LooseTickets,
}

/// `tickets` as ids (`["5dd5…"]`, l.1663) or as objects with an `id`.
#[derive(Debug, Default)]
struct LooseTickets(Vec<String>);

impl<'de> Deserialize<'de> for LooseTickets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct WithId {
            id: Scalar,
        }
        let value = serde_json::Value::deserialize(deserializer)?;
        let serde_json::Value::Array(entries) = value else { return Ok(LooseTickets::default()) };
        let ids = entries
            .into_iter()
            .filter_map(|entry| match entry {
                serde_json::Value::String(id) => Some(id),
                object @ serde_json::Value::Object(_) => serde_json::from_value::<WithId>(object).ok()?.id.as_text(),
                _ => None,
            })
            .collect();
        Ok(LooseTickets(ids))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RefundDocument {
    data: Loose<RefundObject>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RefundListDocument {
    data: LooseList<RefundObject>,
    pagination: Loose<Pagination>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Pagination {
    page_size: Scalar,
    total: Scalar,
}

/// A refund request as an answer showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefundReading {
    pub id: Option<String>,
    pub order: Option<String>,
    pub state: RefundState,
    pub tickets: Vec<String>,
}

fn reading_of(object: RefundObject) -> RefundReading {
    RefundReading {
        id: object.id.as_text().filter(|id| is_safe_id(id)),
        order: object.order.as_text(),
        state: object.status.as_text().map_or(RefundState::Requested, |status| refund_state(&status)),
        tickets: object.tickets.0,
    }
}

/// The upstream's refund status in the contract's words. An unknown status
/// is taken as still being processed.
pub fn refund_state(status: &str) -> RefundState {
    match status.trim().to_ascii_lowercase().as_str() {
        "new" => RefundState::Requested,
        "approved" => RefundState::Approved,
        "rejected" => RefundState::Rejected,
        _ => RefundState::InProgress,
    }
}

/// Ids go into nothing but JSON bodies and comparisons; still, only plain ones.
fn is_safe_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

fn read_refund(body: &str) -> Option<RefundReading> {
    let document: RefundDocument = serde_json::from_str(body).ok()?;
    let reading = reading_of(document.data.0?);
    reading.id.is_some().then_some(reading)
}

/// One page of the refund list and whether another may hold more.
pub(crate) fn read_refund_list(
    response: Result<UpstreamResponse, ProxyError>,
    page: u32,
) -> Result<(Vec<RefundReading>, bool), ProxyError> {
    let response = response?;
    if !response.is_success() {
        return Err(check_http_status(&response).err().map_or(ProxyError::UpstreamUnavailable, Into::into));
    }
    let unreadable = || ProxyError::UpstreamBadResponse { what: "TicketsCloud refund list is not readable".into() };
    let document: RefundListDocument = serde_json::from_str(&response.body).map_err(|_| unreadable())?;
    if !document.data.was_a_collection {
        return Err(unreadable());
    }
    let count = document.data.items.len() as u64;
    let pagination = document.pagination.0;
    let page_size = pagination
        .as_ref()
        .and_then(|pagination| pagination.page_size.as_count())
        .filter(|&size| size > 0)
        .unwrap_or(u64::from(ORDER_LIST_PAGE_SIZE));
    let has_more = match pagination.as_ref().and_then(|pagination| pagination.total.as_count()) {
        Some(total) => u64::from(page).saturating_mul(page_size) < total,
        None => count >= page_size,
    };
    Ok((document.data.items.into_iter().map(reading_of).collect(), has_more))
}

/// What one page of the refund list says about the refund `refund_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefundProgress {
    Found(RefundState),
    NotHere { has_more: bool },
}

pub(crate) fn read_refund_progress(
    response: Result<UpstreamResponse, ProxyError>,
    page: u32,
    refund_id: &str,
) -> Result<RefundProgress, ProxyError> {
    let (refunds, has_more) = read_refund_list(response, page)?;
    Ok(match refunds.iter().find(|refund| refund.id.as_deref() == Some(refund_id)) {
        Some(refund) => RefundProgress::Found(refund.state),
        None => RefundProgress::NotHere { has_more },
    })
}

/// Reads a refund body's ticket list against the order: barcodes the hold
/// issued, each once. `None` (no list) is the whole order.
fn wanted_tickets(record: &HoldRecord, barcodes: Option<&[String]>) -> Result<(Vec<String>, Vec<String>), ProxyError> {
    let UpstreamHoldRefs::Ticketscloud { order_id, tickets, .. } = &record.upstream else {
        return Err(ProxyError::Internal);
    };
    if order_id.is_empty() || tickets.is_empty() {
        return Err(ProxyError::Internal);
    }
    let Some(barcodes) = barcodes else {
        let ids = tickets.iter().map(|ticket| ticket.ticket_id.clone()).collect();
        let issued = tickets.iter().filter_map(|ticket| ticket.barcode.clone()).collect();
        return Ok((ids, issued));
    };
    let refuse = ProxyError::InvalidBody { field: "tickets" };
    let mut seen = BTreeSet::new();
    let mut ids = Vec::with_capacity(barcodes.len());
    for barcode in barcodes {
        if !seen.insert(barcode.as_str()) {
            return Err(refuse);
        }
        let ticket = tickets.iter().find(|ticket| ticket.barcode.as_deref() == Some(barcode.as_str())).ok_or(refuse.clone())?;
        ids.push(ticket.ticket_id.clone());
    }
    if ids.is_empty() {
        return Err(refuse);
    }
    Ok((ids, barcodes.to_vec()))
}

/// Whether a refund body's ticket reference is plain enough to look at.
pub fn is_acceptable_ticket_reference(reference: &str) -> bool {
    !reference.is_empty() && reference.len() <= LONGEST_TICKET_REFERENCE && reference.bytes().all(|byte| byte.is_ascii_graphic())
}

fn same_tickets(left: &[String], right: &[String]) -> bool {
    left.iter().collect::<BTreeSet<_>>() == right.iter().collect::<BTreeSet<_>>()
}

/// Starts a refund of a confirmed hold: of the tickets with these barcodes,
/// or (`None`) of every ticket of the order.
pub(crate) fn refund(
    requests: TicketscloudOrderRequests,
    mut record: HoldRecord,
    barcodes: Option<Vec<String>>,
    context: CommandContext,
) -> Result<Box<dyn HoldOperation>, ProxyError> {
    let now = context.now;
    let (ticket_ids, barcodes) = wanted_tickets(&record, barcodes.as_deref())?;
    if let Some(existing) = record.refund.as_ref().filter(|refund| refund.state != RefundState::Rejected) {
        return if same_tickets(&existing.upstream.ticket_ids, &ticket_ids) {
            Ok(no_requests(record, now))
        } else {
            Err(ProxyError::RefundAlreadyRequested)
        };
    }
    let UpstreamHoldRefs::Ticketscloud { order_id, .. } = &record.upstream else { return Err(ProxyError::Internal) };
    let upstream = TicketscloudRefundRef { refund_id: None, order_id: order_id.clone(), ticket_ids };
    let previous = record.refund.take();
    record.refund = Some(RefundRecord { state: RefundState::Requested, tickets: barcodes, requested_at: now, upstream });
    Ok(Box::new(RefundOperation::new(requests, record, previous, context, RefundStep::Create)))
}

/// The alarm finishes a refund whose answer never came: the list, then
/// (not found) the request again.
pub(crate) fn resume_refund(
    requests: TicketscloudOrderRequests,
    mut record: HoldRecord,
    context: CommandContext,
) -> Box<dyn HoldOperation> {
    let unanswered =
        record.state == HoldState::Confirmed && record.refund.as_ref().is_some_and(|refund| refund.upstream.refund_id.is_none());
    if !unanswered {
        record.journal = None;
        return no_requests(record, context.now);
    }
    Box::new(RefundOperation::new(requests, record, None, context, RefundStep::Find { page: 1, then_create: true }))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefundStep {
    Create,
    /// Looks for our refund in the list; `then_create` when no request of
    /// this run went out yet (a resume), so not finding it means asking.
    Find {
        page: u32,
        then_create: bool,
    },
}

/// Asking for one refund upstream.
struct RefundOperation {
    requests: TicketscloudOrderRequests,
    /// The hold with the refund asked for (`refund_id` unknown yet).
    record: HoldRecord,
    /// The refund before this one (a rejected one), put back on a refusal.
    previous: Option<RefundRecord>,
    context: CommandContext,
    step: Option<RefundStep>,
    in_flight: Option<StepId>,
    next_step: StepId,
    retried: bool,
    /// The upstream may hold a request of ours whose answer we lack.
    may_exist: bool,
    found: Option<RefundReading>,
    failure: Option<ProxyError>,
    /// The upstream said no: nothing to keep.
    refused: bool,
    clock_ms: i64,
}

impl RefundOperation {
    fn new(
        requests: TicketscloudOrderRequests,
        record: HoldRecord,
        previous: Option<RefundRecord>,
        context: CommandContext,
        first: RefundStep,
    ) -> RefundOperation {
        RefundOperation {
            requests,
            may_exist: matches!(first, RefundStep::Find { .. }),
            record,
            previous,
            clock_ms: context.now.saturating_mul(1000),
            context,
            step: Some(first),
            in_flight: None,
            next_step: 1,
            retried: false,
            found: None,
            failure: None,
            refused: false,
        }
    }

    fn refund(&self) -> Option<&RefundRecord> {
        self.record.refund.as_ref()
    }

    fn set_step(&mut self, step: Option<RefundStep>) {
        self.step = step;
        self.retried = false;
    }

    fn fail(&mut self, error: ProxyError) {
        self.failure = Some(error);
        self.set_step(None);
    }

    fn on_create(&mut self, response: Result<UpstreamResponse, ProxyError>) {
        let answer = match response {
            Ok(answer) => answer,
            Err(_) => {
                // Sent, answer lost: it may exist. Never ask twice blindly.
                self.may_exist = true;
                return self.set_step(Some(RefundStep::Find { page: 1, then_create: false }));
            }
        };
        if answer.is_success() {
            match read_refund(&answer.body) {
                Some(reading) => {
                    self.found = Some(reading);
                    self.may_exist = false;
                    self.set_step(None);
                }
                None => {
                    self.may_exist = true;
                    self.set_step(Some(RefundStep::Find { page: 1, then_create: false }));
                }
            }
            return;
        }
        let messages = serde_json::from_str::<TicketscloudErrorBody>(&answer.body).map(|body| body.errors.0).unwrap_or_default();
        let ours_already = messages.iter().any(|message| message.to_lowercase().contains("already use in another refund"));
        match answer.status {
            409 | 408 | 500..=599 => {
                self.may_exist = true;
                self.set_step(Some(RefundStep::Find { page: 1, then_create: false }));
            }
            400 if ours_already => {
                self.may_exist = true;
                self.set_step(Some(RefundStep::Find { page: 1, then_create: false }));
            }
            _ => {
                self.refused = true;
                let error = check_http_status(&answer).err().map_or(ProxyError::UpstreamUnavailable, Into::into);
                self.fail(error);
            }
        }
    }

    fn on_find(&mut self, page: u32, then_create: bool, response: Result<UpstreamResponse, ProxyError>) {
        let (refunds, has_more) = match read_refund_list(response, page) {
            Ok(list) => list,
            Err(_) if !self.retried => {
                self.retried = true;
                return;
            }
            Err(error) => return self.fail(error),
        };
        let Some(wanted) = self.refund().map(|refund| refund.upstream.clone()) else {
            return self.fail(ProxyError::Internal);
        };
        let found = refunds.into_iter().rev().find(|refund| {
            refund.order.as_deref() == Some(wanted.order_id.as_str())
                && refund.state != RefundState::Rejected
                && same_tickets(&refund.tickets, &wanted.ticket_ids)
        });
        match found {
            Some(reading) => {
                self.found = Some(reading);
                self.may_exist = false;
                self.set_step(None);
            }
            None if has_more && page < MOST_REFUND_LIST_PAGES => {
                self.set_step(Some(RefundStep::Find { page: page + 1, then_create }))
            }
            None if then_create => {
                self.may_exist = false;
                self.set_step(Some(RefundStep::Create));
            }
            // Asked, not in the list yet: the alarm looks again.
            None => self.fail(ProxyError::UpstreamUnavailable),
        }
    }
}

impl HoldOperation for RefundOperation {
    fn next_requests(&mut self, now_ms: i64) -> Vec<StepRequest> {
        self.clock_ms = self.clock_ms.max(now_ms);
        if self.in_flight.is_some() {
            return Vec::new();
        }
        let Some(step) = self.step else { return Vec::new() };
        if !self.context.deadlines.allows(StepClass::Forward, now_ms) {
            self.fail(ProxyError::UpstreamTimeout);
            return Vec::new();
        }
        let Some(refund) = self.refund().map(|refund| refund.upstream.clone()) else {
            self.fail(ProxyError::Internal);
            return Vec::new();
        };
        let request = match step {
            RefundStep::Create => {
                self.may_exist = true;
                self.requests.create_refund(&refund.order_id, &refund.ticket_ids)
            }
            RefundStep::Find { page, .. } => {
                let around = self.refund().map_or(self.context.now, |refund| refund.requested_at);
                self.requests.refunds_around(page, around)
            }
        };
        let id = self.next_step;
        self.next_step += 1;
        self.in_flight = Some(id);
        vec![StepRequest { id, request }]
    }

    fn on_response(&mut self, id: StepId, response: Result<UpstreamResponse, ProxyError>) {
        if self.in_flight != Some(id) {
            return;
        }
        self.in_flight = None;
        match self.step {
            Some(RefundStep::Create) => self.on_create(response),
            Some(RefundStep::Find { page, then_create }) => self.on_find(page, then_create, response),
            None => {}
        }
    }

    fn checkpoint(&self) -> Option<HoldRecord> {
        let mut record = self.record.clone();
        let intents = match (self.step, self.in_flight) {
            (Some(step), Some(id)) => {
                let action = match step {
                    RefundStep::Create => "create refund request",
                    RefundStep::Find { .. } => "find refund request",
                };
                let reference = self.refund().map(|refund| refund.upstream.order_id.clone());
                vec![StepIntent { step: id, action: action.to_string(), reference }]
            }
            _ => Vec::new(),
        };
        record.journal = Some(self.context.journal_with(intents));
        Some(record)
    }

    fn finish(self: Box<Self>) -> Finished {
        let operation = *self;
        let now = operation.context.now.max(operation.clock_ms.div_euclid(1000));
        let mut record = operation.record;
        record.journal = None;
        if let Some(reading) = operation.found {
            if let Some(refund) = &mut record.refund {
                refund.upstream.refund_id = reading.id;
                refund.state = reading.state;
                if !refund.is_final() {
                    record.follow_up = Some(record.follow_up.unwrap_or_else(|| FollowUp::first(now)));
                }
            }
            let hold = view(&record, now);
            return Finished { record: Some(record), result: Ok(hold) };
        }
        let error = operation.failure.unwrap_or(ProxyError::Internal);
        if operation.refused || (!operation.may_exist && operation.in_flight.is_none()) {
            // Nothing was asked upstream, or it said no: the hold as it was.
            record.refund = operation.previous;
            return Finished { record: Some(record), result: Err(error) };
        }
        // A request of ours may be waiting upstream: the alarm finds it (or
        // asks again) later.
        record.journal = operation.context.unfinished(now);
        if record.journal.is_none() {
            // Given up: the refund stays as asked, its id unknown.
            record.follow_up = None;
        }
        Finished { record: Some(record), result: Err(error) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_statuses_in_the_contracts_words() {
        let cases = [
            ("new", RefundState::Requested),
            ("in_progress", RefundState::InProgress),
            ("APPROVED", RefundState::Approved),
            ("rejected", RefundState::Rejected),
            ("something_new", RefundState::InProgress),
        ];
        for (status, state) in cases {
            assert_eq!(refund_state(status), state, "{status}");
        }
    }

    #[test]
    fn the_documents_refund_answer_is_read() {
        let body = r#"{"data":{"created_at":"2019-12-18 12:46:28","culprit":"user","customer_money":"1000.00",
            "delta":"1000.00","event":"5dd5468f05fe4df8940eb602","id":"5dfa1fa437077b6b6ed0f6b3",
            "order":"5def7c43e3ed5ae2a8d6908b","org":"5b2d06ac5c3eb3000c475e36","policy":"law_ru_193",
            "refund_nominal":"1000.00","requested_at":"2019-12-15 13:01:02","status":"new",
            "tickets":["5dd5469b05fe4df8940eb613"],"vendor":"5b2d06ac5c3eb3000c475e36"},"refs":{}}"#;
        let reading = read_refund(body).unwrap();
        assert_eq!(reading.id.as_deref(), Some("5dfa1fa437077b6b6ed0f6b3"));
        assert_eq!(reading.order.as_deref(), Some("5def7c43e3ed5ae2a8d6908b"));
        assert_eq!(reading.state, RefundState::Requested);
        assert_eq!(reading.tickets, ["5dd5469b05fe4df8940eb613"]);
        assert_eq!(read_refund(r#"{"data":{"status":"new"}}"#), None, "no id, no refund");
        assert_eq!(read_refund("<html>"), None);

        let list = r#"{"data":[{"id":"a1","order":"o1","status":"approved","tickets":[{"id":"t1"},"t2"]}],
            "pagination":{"page":1,"page_size":1,"total":3},"refs":{}}"#;
        let (refunds, has_more) = read_refund_list(Ok(UpstreamResponse::json(200, list)), 1).unwrap();
        assert!(has_more);
        assert_eq!(refunds[0].tickets, ["t1", "t2"]);
        assert_eq!(refunds[0].state, RefundState::Approved);
        assert!(read_refund_list(Ok(UpstreamResponse::json(200, "{}")), 1).is_err());
        assert_eq!(
            read_refund_progress(Ok(UpstreamResponse::json(200, list)), 1, "a1").unwrap(),
            RefundProgress::Found(RefundState::Approved)
        );
        assert_eq!(
            read_refund_progress(Ok(UpstreamResponse::json(200, list)), 3, "zz").unwrap(),
            RefundProgress::NotHere { has_more: false }
        );
    }

    #[test]
    fn list_datetimes_have_no_offset() {
        assert_eq!(list_datetime(1_564_066_571), "2019-07-25T14:56:11");
    }
}

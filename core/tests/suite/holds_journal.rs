//! Hold commands that outlive slow upstreams and restarts: QTickets steps in
//! parallel (bounded), the time budget (stop, undo, answer
//! `upstream_timeout`), and the journal — a Durable Object reset after any
//! checkpoint, with or without its requests landing upstream, is finished or
//! undone by `Resume` and leaves the upstream exactly as the hold says.
//!
//! The QTickets cases run against a small stateful fake (idempotent adds by
//! `external_id`, removes, pays), so "nothing orphaned" is checked on the
//! upstream's own state, not on the requests a script foresaw.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use ticket_contract::{HoldItem, HoldState};
use ticket_core::holds::journal::{JournaledCommand, MOST_RESUME_ATTEMPTS, RESUME_MARGIN_SECONDS, RESUME_RETRY_SECONDS};
use ticket_core::holds::{self, CommandBudget, HoldCommand, HoldRecord, HoldSettings, UpstreamHoldRefs};
use ticket_core::qtickets::holds::{external_id_for, PARALLEL_TICKET_REQUESTS};
use ticket_core::{HttpMethod, ProxyError, UpstreamRequest, UpstreamResponse};

use super::holds_script::*;
use super::holds_ticketscloud::held_mixed;

const POST: HttpMethod = HttpMethod::Post;
const PATCH: HttpMethod = HttpMethod::Patch;
const GET: HttpMethod = HttpMethod::Get;

// ---- a stateful fake QTickets ----

#[derive(Debug, Clone)]
struct FakeTicket {
    id: u32,
    seat: String,
    paid: bool,
}

/// QTickets' ticket routes over one show, as the simulator documents them.
#[derive(Debug, Default)]
struct FakeQtickets {
    /// Live tickets by `external_id`.
    live: BTreeMap<String, FakeTicket>,
    next_id: u32,
    /// Numbered seats someone else bought.
    sold_to_others: BTreeSet<String>,
    requests: usize,
}

impl FakeQtickets {
    fn answer(&mut self, request: &UpstreamRequest) -> Result<UpstreamResponse, ProxyError> {
        self.requests += 1;
        let fields = form_fields(request.body.as_deref().unwrap_or(""));
        let find = |live: &BTreeMap<String, FakeTicket>| -> Option<String> {
            match (fields.get("id"), fields.get("external_id")) {
                (Some(id), _) => {
                    live.iter().find(|(_, ticket)| ticket.id.to_string() == *id).map(|(external, _)| external.clone())
                }
                (None, Some(external)) => live.contains_key(external).then(|| external.clone()),
                (None, None) => None,
            }
        };
        if request.url.ends_with(QT_ADD_URL) {
            if let Some(seat) = fields.get("seat_id") {
                let external = fields.get("external_id").cloned().unwrap_or_default();
                if let Some(ticket) = self.live.get(&external) {
                    return qt_ticket(&ticket.id.to_string(), &external, None);
                }
                let taken = self.sold_to_others.contains(seat)
                    || (seat != QT_ADMISSION && self.live.values().any(|ticket| &ticket.seat == seat));
                if taken {
                    return qt_error("SEAT_NOT_AVAILABLE");
                }
                self.next_id += 1;
                let id = 27060 + self.next_id;
                self.live.insert(external.clone(), FakeTicket { id, seat: seat.clone(), paid: false });
                return qt_ticket(&id.to_string(), &external, None);
            }
            let Some(external) = find(&self.live) else { return qt_error("TICKET_NOT_FOUND") };
            let ticket = self.live.get_mut(&external).expect("found");
            ticket.paid = true;
            let barcode = format!("2{:012}", ticket.id);
            return qt_ticket(&ticket.id.to_string(), &external, Some(&barcode));
        }
        assert!(request.url.ends_with(QT_REMOVE_URL), "unexpected request {}", request.url);
        let Some(external) = find(&self.live) else { return qt_error("TICKET_NOT_FOUND") };
        if self.live[&external].paid {
            return qt_error("VALIDATION_ERROR");
        }
        self.live.remove(&external);
        qt_removed()
    }

    fn live_external_ids(&self) -> BTreeSet<String> {
        self.live.keys().cloned().collect()
    }
}

/// External ids of the hold's tickets and leftovers.
fn refs(record: &HoldRecord) -> (BTreeSet<String>, BTreeSet<String>) {
    let UpstreamHoldRefs::Qtickets { tickets, leftovers } = &record.upstream else { panic!("not a QTickets record") };
    (
        tickets.iter().map(|ticket| ticket.external_id.clone()).collect(),
        leftovers.iter().map(|ticket| ticket.external_id.clone()).collect(),
    )
}

/// Drives `operation` against the fake until it is done (oldest answer first).
fn run_on_fake(mut operation: Box<dyn holds::HoldOperation>, fake: &mut FakeQtickets) -> holds::Finished {
    let mut outstanding = VecDeque::new();
    loop {
        outstanding.extend(operation.next_requests(0));
        let Some(step) = outstanding.pop_front() else { break };
        let answer = fake.answer(&step.request);
        operation.on_response(step.id, answer);
    }
    operation.finish()
}

/// How a run ended.
struct Story {
    record: Option<HoldRecord>,
    crashed: bool,
}

/// Runs a command against the fake and "kills" the object right after its
/// `crash_after`-th checkpoint (counting the one before each batch and the one
/// after each answer): the requests in flight then land upstream
/// (`in_flight_lands`) or not, and the alarm resumes from that checkpoint a
/// minute later. Without a crash (past the last checkpoint), the command
/// simply finishes.
fn crash_and_resume(
    record: Option<HoldRecord>,
    command: HoldCommand,
    now: i64,
    fake: &mut FakeQtickets,
    crash_after: usize,
    in_flight_lands: bool,
) -> Story {
    let mut operation = holds::begin(record, command, now, &settings()).expect("begins");
    let mut outstanding: VecDeque<holds::StepRequest> = VecDeque::new();
    let mut checkpoints = 0;
    let mut last_checkpoint;
    loop {
        let batch = operation.next_requests(0);
        let sent_batch = !batch.is_empty();
        outstanding.extend(batch);
        if sent_batch {
            last_checkpoint = operation.checkpoint();
            checkpoints += 1;
            if checkpoints == crash_after {
                break;
            }
        }
        let Some(step) = outstanding.pop_front() else {
            return Story { record: operation.finish().record, crashed: false };
        };
        let answer = fake.answer(&step.request);
        operation.on_response(step.id, answer);
        last_checkpoint = operation.checkpoint();
        checkpoints += 1;
        if checkpoints == crash_after {
            break;
        }
    }
    if in_flight_lands {
        for step in outstanding {
            let _lost_answer = fake.answer(&step.request);
        }
    }
    let checkpoint = last_checkpoint.expect("a checkpoint before anything went out");
    assert!(checkpoint.journal.is_some(), "every checkpoint carries the journal");
    assert_eq!(checkpoint.alarm_at(), checkpoint.journal.as_ref().map(|journal| journal.resume_at), "the alarm is set to resume");
    let resumed = holds::begin(Some(checkpoint), HoldCommand::Resume, now + 60, &settings()).expect("resumes");
    Story { record: run_on_fake(resumed, fake).record, crashed: true }
}

/// Every crash point, with and without the in-flight requests landing.
fn every_crash(mut story: impl FnMut(usize, bool) -> Story) -> usize {
    let mut crash_after = 1;
    loop {
        let mut finished_without_crash = false;
        for lands in [false, true] {
            let told = story(crash_after, lands);
            finished_without_crash |= !told.crashed;
        }
        if finished_without_crash {
            return crash_after;
        }
        crash_after += 1;
        assert!(crash_after < 200, "runaway");
    }
}

fn nine_places() -> Vec<HoldItem> {
    let mut items: Vec<HoldItem> =
        ["1-1;1", "1-1;2", "1-1;4", "1-1;5", "1-1;6", "1-1;7"].iter().map(|id| seat(id, 500_000)).collect();
    items.push(admission(QT_ADMISSION, 3, 200_000));
    items
}

/// A hold of `items` made on the fake.
fn held_on(fake: &mut FakeQtickets, items: Vec<HoldItem>) -> HoldRecord {
    let finished = run_on_fake(begin(None, create(QT_EVENT, QT_SHOW, items), NOW), fake);
    finished.result.expect("held");
    finished.record.expect("a record")
}

// ---- parallel steps ----

#[test]
fn a_ten_seat_hold_keeps_five_adds_in_flight_and_journals_each_before_it_goes() {
    let items: Vec<HoldItem> = (1..=10).map(|place| seat(&format!("1-1;{}", place + 30), 500_000)).collect();
    let mut operation = begin(None, create(QT_EVENT, QT_SHOW, items), NOW);
    let first = operation.next_requests(0);
    assert_eq!(first.len(), PARALLEL_TICKET_REQUESTS);
    assert!(operation.next_requests(0).is_empty(), "no more until one is answered");
    let checkpoint = operation.checkpoint().unwrap();
    let journal = checkpoint.journal.as_ref().unwrap();
    assert_eq!(journal.command, JournaledCommand::Create);
    let intents: Vec<(&str, Option<&str>)> =
        journal.in_flight.iter().map(|intent| (intent.action.as_str(), intent.reference.as_deref())).collect();
    let expected: Vec<String> = (31..=35).map(|place| external_id_for(HOLD_ID, &format!("1-1;{place}"), 0)).collect();
    assert_eq!(intents, expected.iter().map(|external| ("add", Some(external.as_str()))).collect::<Vec<_>>());
    // The intents are also what an undo would remove, and the record holds nothing yet.
    let (held, leftovers) = refs(&checkpoint);
    assert!(held.is_empty() && checkpoint.items.is_empty());
    assert_eq!(leftovers, expected.iter().cloned().collect());
    assert_eq!(checkpoint.alarm_at(), Some(CommandBudget::default().resume_at(NOW)));

    // One answer frees one slot.
    operation.on_response(first[0].id, qt_ticket("27061", "x", None));
    assert_eq!(operation.next_requests(0).len(), 1);
    let checkpoint = operation.checkpoint().unwrap();
    let UpstreamHoldRefs::Qtickets { leftovers, .. } = &checkpoint.upstream else { unreachable!() };
    assert_eq!(leftovers.iter().filter(|ticket| ticket.ticket_id.as_deref() == Some("27061")).count(), 1, "the result is kept");
}

#[test]
fn parallel_adds_with_one_refusal_roll_back_the_rest_whatever_the_answer_order() {
    for answering in [Answering::OldestFirst, Answering::NewestFirst] {
        let mut fake = FakeQtickets::default();
        fake.sold_to_others.insert("1-1;5".into());
        let operation = begin(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW);
        // Script-free: the fake answers whatever comes, in the chosen order.
        let mut operation = operation;
        let mut outstanding: VecDeque<holds::StepRequest> = VecDeque::new();
        let mut most = 0;
        loop {
            outstanding.extend(operation.next_requests(0));
            most = most.max(outstanding.len());
            let next = match answering {
                Answering::OldestFirst => outstanding.pop_front(),
                Answering::NewestFirst => outstanding.pop_back(),
            };
            let Some(step) = next else { break };
            let answer = fake.answer(&step.request);
            operation.on_response(step.id, answer);
        }
        let finished = operation.finish();
        assert_eq!(finished.result, Err(ProxyError::SeatUnavailable { ids: vec!["1-1;5".into()] }), "{answering:?}");
        assert_eq!(finished.record, None, "{answering:?}: nothing left to own");
        assert!(fake.live.is_empty(), "{answering:?}: every ticket added was removed again: {:?}", fake.live);
        assert!(most <= PARALLEL_TICKET_REQUESTS, "{answering:?}: {most} in flight");
    }
}

#[test]
fn several_refused_seats_are_all_named() {
    let mut fake = FakeQtickets::default();
    fake.sold_to_others.extend(["1-1;1".to_string(), "1-1;2".to_string()]);
    let finished = run_on_fake(begin(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW), &mut fake);
    assert_eq!(finished.result, Err(ProxyError::SeatUnavailable { ids: vec!["1-1;1".into(), "1-1;2".into()] }));
    assert!(fake.live.is_empty());
}

#[test]
fn pays_and_removes_run_in_parallel_too() {
    let mut fake = FakeQtickets::default();
    let held = held_on(&mut fake, nine_places());
    let requests_before = fake.requests;
    let mut confirm = begin(Some(held.clone()), HoldCommand::Confirm, NOW + 10);
    assert_eq!(confirm.next_requests(0).len(), PARALLEL_TICKET_REQUESTS);
    let mut release = begin(Some(held), HoldCommand::Release, NOW + 10);
    assert_eq!(release.next_requests(0).len(), PARALLEL_TICKET_REQUESTS);
    assert_eq!(fake.requests, requests_before);
}

// ---- the time budget ----

const SECOND: i64 = 1000;

#[test]
fn a_create_past_its_budget_starts_nothing_new_undoes_what_it_did_and_says_so() {
    let budget = CommandBudget::default();
    // Every add takes 21 s: when the first answers come, the 20 s forward
    // budget is spent.
    let slow = |answers: usize| NOW * SECOND + if answers == 0 { 0 } else { 21 * SECOND };
    let mut fake = FakeQtickets::default();
    let mut operation = begin(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW);
    let mut outstanding = VecDeque::new();
    let mut answers = 0;
    let mut adds = 0;
    loop {
        let batch = operation.next_requests(slow(answers));
        adds += batch.iter().filter(|step| step.request.url.ends_with(QT_ADD_URL)).count();
        outstanding.extend(batch);
        let Some(step) = outstanding.pop_front() else { break };
        let answer = fake.answer(&step.request);
        operation.on_response(step.id, answer);
        answers += 1;
    }
    assert!(slow(answers) < NOW * SECOND + budget.forward_ms + budget.undo_ms, "undone within the undo budget");
    let finished = operation.finish();
    assert_eq!(finished.result, Err(ProxyError::UpstreamTimeout));
    assert_eq!(finished.result.as_ref().unwrap_err().to_body().error.code, "upstream_timeout");
    assert_eq!(adds, PARALLEL_TICKET_REQUESTS, "no add started after the budget");
    assert_eq!(finished.record, None);
    assert!(fake.live.is_empty(), "nothing orphaned: {:?}", fake.live);
}

#[test]
fn when_even_the_undo_budget_runs_out_the_record_keeps_what_may_exist_and_the_alarm_comes_at_once() {
    let items = vec![seat("1-1;1", 1), seat("1-1;2", 1)];
    let adds_answered = NOW * SECOND + 25 * SECOND;
    let run = drive(
        begin(None, create(QT_EVENT, QT_SHOW, items), NOW),
        vec![
            exchange(POST, QT_ADD_URL, &["1-1%3B1"], qt_ticket("27061", "x", None)),
            exchange(POST, QT_ADD_URL, &["1-1%3B2"], qt_error("SEAT_NOT_AVAILABLE")),
        ],
        Answering::OldestFirst,
        // The answers came after 25 s, and by then the removal may not start.
        |answers| if answers == 0 { NOW * SECOND } else { adds_answered + 6 * SECOND },
    );
    assert_eq!(run.error(), &ProxyError::SeatUnavailable { ids: vec!["1-1;2".into()] });
    let record = run.record();
    let UpstreamHoldRefs::Qtickets { leftovers, .. } = &record.upstream else { unreachable!() };
    assert_eq!(leftovers.iter().map(|ticket| ticket.ticket_id.as_deref()).collect::<Vec<_>>(), [Some("27061")]);
    assert_eq!(record.alarm_at(), Some(NOW + 31), "due at once");
}

#[test]
fn a_confirm_past_its_budget_answers_timeout_and_leaves_the_rest_to_the_alarm() {
    let mut fake = FakeQtickets::default();
    let held = held_on(&mut fake, nine_places());
    let mut operation = begin(Some(held), HoldCommand::Confirm, NOW + 100);
    let start = (NOW + 100) * SECOND;
    let mut outstanding = VecDeque::new();
    let mut answers = 0;
    loop {
        // Each pay takes 25 s: only the first round starts.
        outstanding.extend(operation.next_requests(start + if answers == 0 { 0 } else { 25 * SECOND }));
        let Some(step) = outstanding.pop_front() else { break };
        let answer = fake.answer(&step.request);
        operation.on_response(step.id, answer);
        answers += 1;
    }
    assert_eq!(answers, 5);
    let finished = operation.finish();
    assert_eq!(finished.result, Err(ProxyError::UpstreamTimeout));
    let record = finished.record.unwrap();
    assert_eq!(record.state, HoldState::Held);
    assert_eq!(record.journal.as_ref().map(|journal| journal.command), Some(JournaledCommand::Confirm));
    assert_eq!(record.alarm_at(), Some(NOW + 125 + RESUME_MARGIN_SECONDS), "finished by the alarm shortly after");

    let resumed = run_on_fake(holds::begin(Some(record), HoldCommand::Resume, NOW + 131, &settings()).unwrap(), &mut fake);
    let hold = resumed.result.expect("completed");
    assert_eq!((hold.state, hold.tickets.len()), (HoldState::Confirmed, 9));
    assert!(fake.live.values().all(|ticket| ticket.paid));
    assert_eq!(resumed.record.unwrap().alarm_at(), None);
}

#[test]
fn a_resume_that_cannot_finish_comes_back_later_and_gives_up_in_the_end() {
    let mut record = held_qtickets();
    record.journal = Some(holds::CommandJournal::new(JournaledCommand::Confirm, NOW, &CommandBudget::default()));
    let mut attempts = 0;
    loop {
        let run = run(
            holds::begin(Some(record.clone()), HoldCommand::Resume, NOW + 100, &settings()).unwrap(),
            (0..8).map(|_| exchange(POST, QT_ADD_URL, &["paid=1"], Ok(UpstreamResponse::json(503, "{}")))).collect(),
        );
        assert_eq!(run.error(), &ProxyError::UpstreamUnavailable);
        attempts += 1;
        match &run.record().journal {
            Some(journal) => {
                assert_eq!(journal.resume_at, NOW + 100 + RESUME_RETRY_SECONDS);
                record = run.record().clone();
            }
            None => break,
        }
        assert!(attempts < 20);
    }
    assert_eq!(attempts, MOST_RESUME_ATTEMPTS);
}

// ---- a reset in the middle: every checkpoint ----

#[test]
fn an_interrupted_create_is_undone_and_nothing_stays_reserved() {
    let last = every_crash(|crash_after, lands| {
        let mut fake = FakeQtickets::default();
        let story = crash_and_resume(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW, &mut fake, crash_after, lands);
        let record = story.record.clone().expect("a record");
        let (held, leftovers) = refs(&record);
        if story.crashed {
            assert_eq!(record.state, HoldState::Released, "crash after #{crash_after}");
            assert!(record.items.is_empty() && held.is_empty() && leftovers.is_empty(), "crash after #{crash_after}");
            assert!(fake.live.is_empty(), "crash after #{crash_after} (lands: {lands}): orphans {:?}", fake.live);
            assert_eq!(record.alarm_at(), None);
        } else {
            assert_eq!(record.state, HoldState::Held);
            assert_eq!(fake.live_external_ids(), held);
        }
        story
    });
    // A batch of five, a refill after each answer, and the finish after them.
    assert_eq!(last, 1 + 9 + 4 + 1);
}

#[test]
fn an_interrupted_create_that_met_a_taken_seat_is_undone_too() {
    every_crash(|crash_after, lands| {
        let mut fake = FakeQtickets::default();
        fake.sold_to_others.insert("1-1;6".into());
        let story = crash_and_resume(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW, &mut fake, crash_after, lands);
        assert!(fake.live.is_empty(), "crash after #{crash_after} (lands: {lands}): orphans {:?}", fake.live);
        if let Some(record) = &story.record {
            assert_eq!(refs(record), (BTreeSet::new(), BTreeSet::new()));
            assert_ne!(record.state, HoldState::Held);
        }
        story
    });
}

#[test]
fn an_interrupted_change_is_undone_or_completed_and_the_upstream_matches_the_hold() {
    let old_items = vec![seat("1-1;1", 1), seat("1-1;2", 1), admission(QT_ADMISSION, 2, 1)];
    let new_items = vec![seat("1-1;2", 1), seat("1-1;9", 1), seat("1-1;10", 1), admission(QT_ADMISSION, 1, 1)];
    let mut outcomes = BTreeSet::new();
    every_crash(|crash_after, lands| {
        let mut fake = FakeQtickets::default();
        let held = held_on(&mut fake, old_items.clone());
        let change = HoldCommand::Change { items: Some(new_items.clone()), buyer: Some(buyer()) };
        let story = crash_and_resume(Some(held), change, NOW + 10, &mut fake, crash_after, lands);
        let record = story.record.clone().expect("a record");
        let (held_refs, leftovers) = refs(&record);
        assert_eq!(record.state, HoldState::Held);
        assert!(leftovers.is_empty(), "crash after #{crash_after}: {leftovers:?}");
        assert_eq!(fake.live_external_ids(), held_refs, "crash after #{crash_after} (lands: {lands})");
        let places: usize = record.items.iter().map(|item| ticket_core::holds::record::item_places(item) as usize).sum();
        assert_eq!(held_refs.len(), places, "every place has its ticket");
        if record.items == old_items {
            outcomes.insert("undone");
        } else {
            assert_eq!(record.items, new_items, "crash after #{crash_after}");
            assert_eq!(record.buyer, Some(buyer()));
            outcomes.insert(if story.crashed { "completed" } else { "finished" });
        }
        story
    });
    assert_eq!(outcomes, BTreeSet::from(["completed", "finished", "undone"]), "a crash after the commit keeps the change");
}

#[test]
fn an_interrupted_confirm_is_completed_with_every_ticket() {
    every_crash(|crash_after, lands| {
        let mut fake = FakeQtickets::default();
        let held = held_on(&mut fake, nine_places());
        let story = crash_and_resume(Some(held), HoldCommand::Confirm, NOW + 100, &mut fake, crash_after, lands);
        let record = story.record.clone().expect("a record");
        assert_eq!(record.state, HoldState::Confirmed, "crash after #{crash_after} (lands: {lands})");
        assert_eq!(record.tickets.len(), 9, "every ticket: crash after #{crash_after}");
        assert!(fake.live.values().all(|ticket| ticket.paid));
        assert_eq!(fake.live_external_ids(), refs(&record).0);
        assert_eq!(record.alarm_at(), None);
        story
    });
}

#[test]
fn an_interrupted_confirm_is_completed_even_after_the_hold_would_have_expired() {
    let mut fake = FakeQtickets::default();
    let held = held_on(&mut fake, nine_places());
    let story = crash_and_resume(Some(held), HoldCommand::Confirm, NOW + HOLD_SECONDS - 2, &mut fake, 3, false);
    assert!(story.crashed);
    assert_eq!(story.record.unwrap().state, HoldState::Confirmed);
}

#[test]
fn an_interrupted_release_or_expiry_is_done_again() {
    for (command, now, state) in
        [(HoldCommand::Release, NOW + 10, HoldState::Released), (HoldCommand::Expire, NOW + HOLD_SECONDS, HoldState::Expired)]
    {
        every_crash(|crash_after, lands| {
            let mut fake = FakeQtickets::default();
            let held = held_on(&mut fake, nine_places());
            let story = crash_and_resume(Some(held), command.clone(), now, &mut fake, crash_after, lands);
            let record = story.record.clone().expect("a record");
            assert_eq!(record.state, state, "{command:?}: crash after #{crash_after}");
            assert!(fake.live.is_empty(), "{command:?}: crash after #{crash_after}: {:?}", fake.live);
            assert_eq!(refs(&record), (BTreeSet::new(), BTreeSet::new()));
            story
        });
    }
}

#[test]
fn journals_survive_the_json_round_trip_and_records_without_one_still_load() {
    let mut operation = begin(None, create(QT_EVENT, QT_SHOW, nine_places()), NOW);
    let _ = operation.next_requests(0);
    let checkpoint = operation.checkpoint().unwrap();
    let json = serde_json::to_string(&checkpoint).unwrap();
    assert!(json.contains(r#""journal":{"command":"create""#), "{json}");
    assert!(json.contains(r#""action":"add""#), "{json}");
    assert_eq!(serde_json::from_str::<HoldRecord>(&json).unwrap(), checkpoint);
    let without = serde_json::to_string(&held_qtickets()).unwrap();
    assert!(!without.contains("journal"), "a finished command leaves no journal: {without}");
}

#[test]
fn a_resume_without_a_journal_asks_nothing() {
    let held = held_qtickets();
    let run = run(begin(Some(held.clone()), HoldCommand::Resume, NOW + 5), vec![]);
    assert_eq!(run.record(), &held);
}

// ---- TicketsCloud: a lost create is found again ----

/// `GET /v2/resources/orders` answered with these orders (as `tc_order`
/// writes them) on page 1 of `total`.
fn tc_order_list(orders: &[Result<UpstreamResponse, ProxyError>], total: usize) -> Result<UpstreamResponse, ProxyError> {
    let data: Vec<serde_json::Value> = orders
        .iter()
        .map(|order| serde_json::from_str::<serde_json::Value>(&order.as_ref().unwrap().body).unwrap()["data"].clone())
        .collect();
    let body = serde_json::json!({"data": data, "pagination": {"page": 1, "page_size": 200, "total": total}, "refs": {}});
    Ok(UpstreamResponse::json(200, body.to_string()))
}

fn someone_elses(order: Result<UpstreamResponse, ProxyError>) -> Result<UpstreamResponse, ProxyError> {
    let body =
        order.unwrap().body.replace(HOLD_ID, "h_ffffffffffffffffffffffffffffffff").replace(TC_ORDER, "6b0a0d0e000000000000aaaa");
    Ok(UpstreamResponse::json(200, body))
}

fn truncated(order: Result<UpstreamResponse, ProxyError>) -> Result<UpstreamResponse, ProxyError> {
    let body = order.unwrap().body;
    Ok(UpstreamResponse::json(200, body[..body.len() / 2].to_string()))
}

const FIND_URL: &str = "/ticketscloud/v2/resources/orders?events=5f1a0c0e2b3c4d5e6f708192&status=executed&page=1&page_size=200";

#[test]
fn a_create_whose_answer_was_lost_finds_its_order_by_the_hold_id_and_adopts_it() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[HOLD_ID], truncated(ours.clone())),
            exchange(GET, FIND_URL, &[], tc_order_list(&[someone_elses(ours.clone()), ours], 2)),
        ],
    );
    assert_eq!(run.hold().state, HoldState::Held);
    let UpstreamHoldRefs::Ticketscloud { order_id, tickets, .. } = &run.record().upstream else { unreachable!() };
    assert_eq!((order_id.as_str(), tickets.len()), (TC_ORDER, 1));
    assert_eq!(run.requests[1].body, None);
}

#[test]
fn a_lost_create_whose_order_is_not_found_fails_and_the_alarm_looks_once_more() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let run = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], Err(ProxyError::UpstreamTimeout)),
            // Our hold's order, but cancelled long ago, is no match.
            exchange(GET, FIND_URL, &[], tc_order_list(&[someone_elses(ours.clone()), tc_order("cancelled", &[])], 2)),
        ],
    );
    assert_eq!(run.error(), &ProxyError::UpstreamTimeout);
    // Not there yet, but a create we stopped waiting for may still land: the
    // alarm looks once more after the command's requests surely finished.
    let record = run.record().clone();
    assert_eq!((record.state, record.items.len()), (HoldState::Released, 0));
    assert_eq!(record.alarm_at(), Some(CommandBudget::default().resume_at(NOW)));
    let late = run_again(
        record.clone(),
        vec![
            exchange(GET, FIND_URL, &[], tc_order_list(std::slice::from_ref(&ours), 1)),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!((late.record().state, late.record().alarm_at()), (HoldState::Released, None));
    let never = run_again(record, vec![exchange(GET, FIND_URL, &[], tc_order_list(&[], 0))]);
    assert_eq!(never.record().alarm_at(), None, "looked once more, nothing there: done");
}

fn run_again(record: HoldRecord, script: Vec<Exchange>) -> Run {
    run(holds::begin(Some(record), HoldCommand::Resume, NOW + 40, &settings()).unwrap(), script)
}

#[test]
fn a_lost_create_found_after_the_budget_is_cancelled_not_adopted() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let run = drive(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], Ok(UpstreamResponse::json(504, "<html>gateway</html>"))),
            exchange(GET, FIND_URL, &[], tc_order_list(std::slice::from_ref(&ours), 1)),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[])),
        ],
        Answering::OldestFirst,
        // The create took 21 s.
        |answers| if answers == 0 { NOW * SECOND } else { NOW * SECOND + 21 * SECOND },
    );
    assert_eq!(run.error(), &ProxyError::UpstreamTimeout);
    assert_eq!(run.finished.record, None, "nothing left to own");
}

#[test]
fn a_lost_create_that_cannot_be_looked_for_leaves_a_journal_and_the_alarm_cancels_the_order() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let lost = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW),
        vec![
            exchange(POST, TC_ORDERS_URL, &[], truncated(ours.clone())),
            exchange(GET, FIND_URL, &[], Ok(UpstreamResponse::json(503, r#"{"errors":["down"]}"#))),
            exchange(GET, FIND_URL, &[], Ok(UpstreamResponse::json(200, "<html>"))),
        ],
    );
    assert_eq!(lost.error(), &ProxyError::UpstreamBadResponse { what: "TicketsCloud order is not readable".into() });
    let record = lost.record().clone();
    assert_eq!(record.state, HoldState::Released, "nothing the buyer can use");
    assert_eq!(record.alarm_at(), Some(NOW + RESUME_MARGIN_SECONDS), "the alarm looks again soon");

    let page_two = FIND_URL.replace("page=1", "page=2");
    let cleaned = run(
        holds::begin(Some(record), HoldCommand::Resume, NOW + 10, &settings()).unwrap(),
        vec![
            // Many unpaid orders of other buyers: ours is on the second page.
            exchange(GET, FIND_URL, &[], tc_order_list(&[someone_elses(ours.clone())], 201)),
            exchange(GET, &page_two, &[], tc_order_list(&[ours], 201)),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!(cleaned.record().state, HoldState::Released);
    assert_eq!(cleaned.record().alarm_at(), None);
}

#[test]
fn orders_lists_are_read_tolerantly() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let data = serde_json::from_str::<serde_json::Value>(&ours.clone().unwrap().body).unwrap()["data"].clone();
    // A bare array without pagination; odd entries and fields skipped.
    let bare = serde_json::json!([null, 3, {"id": 7}, {"vendor_data": "x"}, data]).to_string();
    for body in [bare, serde_json::json!({"data": [data], "pagination": "?"}).to_string()] {
        let run = run(
            begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000)]), NOW),
            vec![
                exchange(POST, TC_ORDERS_URL, &[], Err(ProxyError::UpstreamUnavailable)),
                exchange(GET, FIND_URL, &[], Ok(UpstreamResponse::json(200, body.clone()))),
            ],
        );
        assert_eq!(run.hold().state, HoldState::Held, "{body}");
    }
}

// ---- TicketsCloud: a reset in the middle ----

/// The checkpoint persisted before the `index`-th request went out (0-based).
fn checkpoint_before(run: &Run, index: usize) -> HoldRecord {
    let journaled: Vec<&HoldRecord> = run
        .checkpoints
        .iter()
        .filter(|checkpoint| checkpoint.journal.as_ref().is_some_and(|journal| !journal.in_flight.is_empty()))
        .collect();
    journaled[index].clone()
}

#[test]
fn an_interrupted_ticketscloud_create_is_cancelled_whether_or_not_its_id_was_read() {
    let s1 = tc_seat(1);
    let ours = tc_order("executed", &[(&s1, TC_SEATED_SET, None)]);
    let (g1, g2) = (tc_seat(0x148), tc_seat(0x149));
    let mixed = run(
        begin(None, create(&tc_event(), TC_EVENT_HEX, vec![seat(&s1, 520_000), admission(TC_ADMISSION_SET, 2, 156_000)]), NOW),
        vec![
            exchange(
                POST,
                TC_ORDERS_URL,
                &[],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None)]),
            ),
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
        ],
    );
    // Killed while the create was out: the id was never read.
    let before_answer = checkpoint_before(&mixed, 0);
    assert_eq!(before_answer.journal.as_ref().unwrap().in_flight[0].action, "create order");
    let found = run(
        holds::begin(Some(before_answer), HoldCommand::Resume, NOW + 60, &settings()).unwrap(),
        vec![
            exchange(GET, FIND_URL, &[], tc_order_list(&[ours], 1)),
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[])),
        ],
    );
    assert_eq!((found.record().state, found.record().alarm_at()), (HoldState::Released, None));
    // Killed while the seats were being added: the id is known.
    let known = checkpoint_before(&mixed, 1);
    let cancelled = run(
        holds::begin(Some(known), HoldCommand::Resume, NOW + 60, &settings()).unwrap(),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""status":"cancelled""#], tc_order("cancelled", &[]))],
    );
    assert_eq!(cancelled.record().state, HoldState::Released);
    assert!(cancelled.record().items.is_empty());
}

#[test]
fn an_interrupted_ticketscloud_change_puts_the_old_ticket_list_back() {
    let held = held_mixed();
    let s2 = tc_seat(2);
    let (g1, g2, s1) = (tc_seat(0x148), tc_seat(0x149), tc_seat(1));
    let change = run(
        begin(
            Some(held.clone()),
            HoldCommand::Change { items: Some(vec![seat(&s2, 520_000), admission(TC_ADMISSION_SET, 2, 156_000)]), buyer: None },
            NOW + 10,
        ),
        vec![exchange(
            PATCH,
            TC_ORDER_URL,
            &[&s2],
            tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s2, TC_SEATED_SET, None)]),
        )],
    );
    let interrupted = checkpoint_before(&change, 0);
    assert_eq!(interrupted.items, held.items, "not changed until it is done");
    let restored = run(
        holds::begin(Some(interrupted), HoldCommand::Resume, NOW + 70, &settings()).unwrap(),
        vec![exchange(
            PATCH,
            TC_ORDER_URL,
            &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)],
            tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
        )],
    );
    assert_eq!(restored.record().items, held.items);
    assert_eq!(restored.record().upstream, held.upstream, "the order holds what the record says");
    assert_eq!(restored.record().alarm_at(), Some(held.expires_at));
}

#[test]
fn an_interrupted_ticketscloud_confirm_is_completed() {
    let held = held_mixed();
    let (g1, g2, s1) = (tc_seat(0x148), tc_seat(0x149), tc_seat(1));
    let paid = [
        (g1.as_str(), TC_ADMISSION_SET, Some("1")),
        (g2.as_str(), TC_ADMISSION_SET, Some("2")),
        (s1.as_str(), TC_SEATED_SET, Some("3")),
    ];
    let expires_at = held.expires_at;
    let confirm = run(
        begin(Some(held), HoldCommand::Confirm, NOW + 10),
        vec![exchange(PATCH, TC_ORDER_URL, &[r#""status":"done""#], tc_order("done", &paid)), organiser_read()],
    );
    let interrupted = checkpoint_before(&confirm, 0);
    assert_eq!(interrupted.alarm_at(), Some(CommandBudget::default().resume_at(NOW + 10)));
    // The done went through before the reset: the resumed confirm learns it
    // from the orders list.
    let completed = run(
        holds::begin(Some(interrupted), HoldCommand::Resume, NOW + 50, &settings()).unwrap(),
        vec![
            exchange(PATCH, TC_ORDER_URL, &[r#""status":"done""#], tc_errors(400, &["Not allow to update order in status done"])),
            exchange(GET, &tc_read_order_url(expires_at, None), &[], tc_orders_listed(&[tc_order_object("done", &paid)])),
            organiser_read(),
        ],
    );
    assert_eq!(completed.hold().state, HoldState::Confirmed);
    assert_eq!(completed.hold().tickets.len(), 3);
}

#[test]
fn a_slow_ticketscloud_change_is_restored_after_the_budget() {
    let held = held_mixed();
    let s2 = tc_seat(2);
    let (g1, g2, s1) = (tc_seat(0x148), tc_seat(0x149), tc_seat(1));
    let run = drive(
        begin(
            Some(held.clone()),
            HoldCommand::Change { items: Some(vec![seat(&s2, 1), admission(TC_ADMISSION_SET, 3, 1)]), buyer: Some(buyer()) },
            NOW + 10,
        ),
        vec![
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[r#""random""#],
                tc_order(
                    "executed",
                    &[
                        (&g1, TC_ADMISSION_SET, None),
                        (&g2, TC_ADMISSION_SET, None),
                        (&tc_seat(0x14a), TC_ADMISSION_SET, None),
                        (&s1, TC_SEATED_SET, None),
                    ],
                ),
            ),
            // Past the budget: no tickets patch, the old list goes back.
            exchange(
                PATCH,
                TC_ORDER_URL,
                &[&format!(r#""tickets":["{g1}","{g2}","{s1}"]"#)],
                tc_order("executed", &[(&g1, TC_ADMISSION_SET, None), (&g2, TC_ADMISSION_SET, None), (&s1, TC_SEATED_SET, None)]),
            ),
        ],
        Answering::OldestFirst,
        |answers| (NOW + 10) * SECOND + answers as i64 * 21 * SECOND,
    );
    assert_eq!(run.error(), &ProxyError::UpstreamTimeout);
    assert_eq!(run.record().items, held.items);
    assert_eq!(run.record().upstream, held.upstream);
}

#[test]
fn settings_carry_the_budget() {
    let tight = HoldSettings { budget: CommandBudget { forward_ms: 0, undo_ms: 0, step_timeout_ms: 1 }, ..settings() };
    let mut operation = holds::begin(None, create(QT_EVENT, QT_SHOW, vec![seat("1-1;1", 1)]), NOW, &tight).unwrap();
    assert!(operation.next_requests(NOW * SECOND).is_empty(), "no time, no request");
    let finished = operation.finish();
    assert_eq!((finished.result, finished.record), (Err(ProxyError::UpstreamTimeout), None));
}

use super::holds_qtickets::held_qtickets;

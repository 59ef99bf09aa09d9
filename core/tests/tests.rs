//! The one integration-test binary of `ticket-core` (ripgrep's `tests/tests.rs`
//! pattern): fixtures in `fixtures/` go through the public API and come out as
//! the contract types the widget will see. Modules live in `suite/`.

mod suite {
    pub mod support;

    pub mod glue_loop;
    pub mod holds_journal;
    pub mod holds_lifecycle;
    pub mod holds_privacy;
    pub mod holds_promocodes;
    pub mod holds_qtickets;
    pub mod holds_refunds;
    pub mod holds_script;
    pub mod holds_ticketscloud;
    pub mod never_panics;
    pub mod qtickets_catalogue;
    pub mod qtickets_seating;
    pub mod requests;
    pub mod ticketscloud_catalogue;
    pub mod ticketscloud_seating;
    pub mod upstream_errors;
}

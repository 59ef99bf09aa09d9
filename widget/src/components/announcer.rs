//! The widget's one polite live region: what a screen reader hears of the
//! changes the buyer did not move focus to (a seat picked or put back and the
//! new total, the places held, the tickets ready). The words are decided in
//! `announcements.rs` and `i18n.rs`; this only writes them.

use leptos::prelude::*;

use crate::announcements::fresh_text;

/// Says a sentence through the live region (provided by `WidgetApp`).
#[derive(Clone, Copy)]
pub struct Announcer(RwSignal<String>);

impl Announcer {
    pub fn new() -> Announcer {
        Announcer(RwSignal::new(String::new()))
    }

    /// Replaces what the region says; a repeat is said again.
    pub fn say(self, text: String) {
        let _ = self.0.try_update(|shown| *shown = fresh_text(shown, &text));
    }
}

impl Default for Announcer {
    fn default() -> Announcer {
        Announcer::new()
    }
}

/// The announcer of the widget this component belongs to, if any.
pub fn use_announcer() -> Option<Announcer> {
    use_context::<Announcer>()
}

/// The region itself: always on the page (a region that appears together
/// with its text is not read), visually hidden.
#[component]
pub fn LiveAnnouncer(announcer: Announcer) -> impl IntoView {
    view! {
        <div class="tw-visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || announcer.0.get()}
        </div>
    }
}

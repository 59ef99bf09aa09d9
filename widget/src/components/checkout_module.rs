//! The checkout lives in a second wasm module, fetched when a buyer first
//! needs it: the hall (everything a buyer needs to pick seats) does not
//! carry the cart, the buyer form, the payment wait, the tickets and their
//! barcodes, or the promo code form.
//!
//! [`checkout_view`] is the one split point (`wasm_split`, the mechanism
//! behind Leptos's `#[lazy]`, used directly for its `fallible` option: a
//! chunk that fails to load is an [`ApiError::Network`] that the caller's
//! `ErrorBoundary` shows with a retry, never a trap). Whatever only the
//! checkout reaches goes into that module; `scripts/build-widget.sh` cuts it
//! out with `wasm-split-cli`. Without that step (a stable build) the call
//! is an ordinary one and the module is whole.
//!
//! [`preload_checkout`] fetches the module without showing anything: after
//! the buyer's first pick (when the page is idle) and beside the hold's
//! `POST`, so "Reserving…" stays on the button until both are there.

use leptos::prelude::*;

use super::checkout_screen::CheckoutScreen;
use crate::api_error::ApiError;

impl From<leptos::wasm_split::SplitLoaderError> for ApiError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> ApiError {
        ApiError::Network
    }
}

/// The checkout screen, from the checkout's module (loaded first if it is
/// not yet).
#[leptos::wasm_split::wasm_split(checkout, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_checkout_module))]
pub fn checkout_view() -> Result<AnyView, ApiError> {
    Ok(view! { <CheckoutScreen /> }.into_any())
}

/// Fetches and instantiates the checkout's module if it is not yet; a
/// failure is forgotten (the next call tries again).
pub async fn preload_checkout() -> Result<(), ApiError> {
    load_checkout_module().await?;
    Ok(())
}

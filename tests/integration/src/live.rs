//! A show's live feed as a browser opens it: a WebSocket to
//! `/v1/events/{event}/shows/{show}/live?partner=…`, with the page's
//! `Origin` (and, under `wrangler dev`, a `CF-Connecting-IP` to be one buyer).
//!
//! Every frame received is recorded in the response log like any reply, so
//! the secret-canary scan covers the feed too.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use ticket_contract::{Availability, LiveMessage, LIVE_PING, LIVE_PONG};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::{proxy_url, record_reply};

pub struct LiveFeed {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    label: String,
    /// Whether a `pong` came back since the last `ping`.
    pub ponged: bool,
}

/// Why a feed did not open: the HTTP status of the refusal.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub body: String,
}

impl LiveFeed {
    /// Opens the feed of `event`/`show` for partner `key` from `origin` as
    /// client `ip`.
    pub fn open(event: &str, show: &str, key: &str, origin: Option<&str>, ip: &str) -> Result<LiveFeed, Refused> {
        let url = format!("{}/v1/events/{event}/shows/{show}/live?partner={key}", proxy_url().replacen("http", "ws", 1));
        let mut request = url.as_str().into_client_request().expect("a valid feed URL");
        if let Some(origin) = origin {
            request.headers_mut().insert("Origin", HeaderValue::from_str(origin).expect("an origin"));
        }
        request.headers_mut().insert("CF-Connecting-IP", HeaderValue::from_str(ip).expect("an address"));
        let label = format!("WS {url}");
        match tungstenite::connect(request) {
            Ok((socket, response)) => {
                record_reply(&label, &format!("{:?}", response.status()), &[], "");
                Ok(LiveFeed { socket, label, ponged: false })
            }
            Err(tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                let body = response.body().as_ref().map(|bytes| String::from_utf8_lossy(bytes).into_owned()).unwrap_or_default();
                record_reply(&label, &status.to_string(), &[], &body);
                Err(Refused { status, body })
            }
            Err(error) => panic!("{label}: {error}"),
        }
    }

    pub fn ping(&mut self) {
        self.ponged = false;
        self.socket.send(Message::text(LIVE_PING)).expect("sending ping");
    }

    /// Sends a text a client should not send (the server must ignore it).
    pub fn send_text(&mut self, text: &str) {
        self.socket.send(Message::text(text)).expect("sending text");
    }

    /// The next availability the feed sends within `wait`, or `None`.
    pub fn next_availability(&mut self, wait: Duration) -> Option<Availability> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            if let MaybeTlsStream::Plain(stream) = self.socket.get_mut() {
                stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).expect("read timeout");
            }
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    record_reply(&self.label, "frame", &[], text.as_str());
                    if text.as_str() == LIVE_PONG {
                        self.ponged = true;
                        continue;
                    }
                    let LiveMessage::Availability(availability) = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|error| panic!("not a live message ({error}): {text}"));
                    return Some(availability);
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(error))
                    if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
                {
                    return None
                }
                Err(error) => panic!("{}: {error}", self.label),
            }
        }
    }

    /// Reads availabilities until one satisfies `wanted`, within `wait`.
    pub fn wait_for(&mut self, wait: Duration, wanted: impl Fn(&Availability) -> bool) -> Option<Availability> {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let availability = self.next_availability(left)?;
            if wanted(&availability) {
                return Some(availability);
            }
        }
    }

    pub fn close(mut self) {
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
    }
}

//! How much of a request body the proxy reads: at most [`MAX_BODY_BYTES`],
//! refused (`413 payload_too_large`) as soon as a declared length or the
//! bytes received so far pass it, so a large or endless (chunked) body costs
//! the proxy no more than the cap. The Worker feeds the body's chunks to a
//! [`BodyCap`] as they arrive and stops reading at the first refusal.

use crate::errors::ProxyError;

/// The largest request body the proxy reads (hold commands are a few hundred
/// bytes; the largest valid one, 50 seat ids with a buyer, is under 4 KiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Refuses a body whose `Content-Length` is over `cap` before any of it is
/// read. A missing length (a chunked body) passes: the bytes are counted as
/// they come. A malformed one is left to the runtime, which refuses it.
pub fn check_declared_length(content_length: Option<&str>, cap: usize) -> Result<(), ProxyError> {
    match content_length.and_then(|length| length.trim().parse::<u64>().ok()) {
        Some(length) if length > cap as u64 => Err(ProxyError::PayloadTooLarge { limit_bytes: cap }),
        _ => Ok(()),
    }
}

/// A body being read, chunk by chunk, under a cap.
#[derive(Debug)]
pub struct BodyCap {
    bytes: Vec<u8>,
    cap: usize,
}

impl BodyCap {
    pub fn new(cap: usize) -> BodyCap {
        BodyCap { bytes: Vec::new(), cap }
    }

    /// Adds a chunk; `Err` as soon as the body passes the cap (stop reading).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ProxyError> {
        if self.bytes.len().saturating_add(chunk.len()) > self.cap {
            return Err(ProxyError::PayloadTooLarge { limit_bytes: self.cap });
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The whole body as text (`invalid_body` if it is not UTF-8).
    pub fn finish(self) -> Result<String, ProxyError> {
        String::from_utf8(self.bytes).map_err(|_| ProxyError::InvalidBody { field: "body" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_lengths_over_the_cap_are_refused_before_reading() {
        let too_large = Err(ProxyError::PayloadTooLarge { limit_bytes: 100 });
        let cases: &[(Option<&str>, Result<(), ProxyError>)] = &[
            (None, Ok(())),
            (Some("0"), Ok(())),
            (Some("100"), Ok(())),
            (Some(" 100 "), Ok(())),
            (Some("101"), too_large.clone()),
            (Some("3145728"), too_large.clone()),
            (Some("99999999999999999999"), Ok(())),
            (Some("ten"), Ok(())),
        ];
        for (header, expected) in cases {
            assert_eq!(&check_declared_length(*header, 100), expected, "{header:?}");
        }
    }

    #[test]
    fn chunks_are_counted_as_they_come_and_the_first_byte_over_stops_the_read() {
        let mut body = BodyCap::new(10);
        assert_eq!(body.push(b"{\"a\":"), Ok(()));
        assert_eq!(body.push(b"12}"), Ok(()));
        assert_eq!(body.push(b""), Ok(()));
        assert_eq!(body.push(b"  "), Ok(()), "exactly the cap");
        assert_eq!(body.push(b" "), Err(ProxyError::PayloadTooLarge { limit_bytes: 10 }));
        let mut body = BodyCap::new(10);
        assert_eq!(body.push(&[b'x'; 11]), Err(ProxyError::PayloadTooLarge { limit_bytes: 10 }), "one large chunk");
        let mut body = BodyCap::new(10);
        body.push(b"{\"a\":1}").unwrap();
        assert_eq!(body.finish().as_deref(), Ok("{\"a\":1}"));
        let mut body = BodyCap::new(10);
        body.push(&[0xff, 0xfe]).unwrap();
        assert_eq!(body.finish(), Err(ProxyError::InvalidBody { field: "body" }));
        assert_eq!(BodyCap::new(10).finish().as_deref(), Ok(""), "no body is an empty one");
    }
}

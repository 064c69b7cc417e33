//! Raw HTTP/1.1 over a socket, for the adapters' suites: what a framework does with framing
//! (Content-Length, chunking) is only seen on the wire.
#![allow(dead_code)] // each adapter suite uses a part

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::bad_input_http::MARKER;
use crate::support::*;

/// A response read off the socket: the status, the head (lower-cased) and the body.
pub async fn read_response(stream: &mut TcpStream) -> (u16, String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.expect("the server answers");
        assert!(n > 0, "the connection closed before a response: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
    (status, head, body)
}

/// Writes `head` then `body`, tolerating a server that stops reading, and reads the answer.
pub async fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer and stop reading before the body is all sent.
    let _ = stream.write_all(body).await;
    let (status, _, body) =
        tokio::time::timeout(Duration::from_secs(20), read_response(&mut stream))
            .await
            .expect("an answer without waiting for the declared body");
    (status, body)
}

/// A `GET path` with `token` as the bearer token, if any: status, head (lower-cased), body.
pub async fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> (u16, String, String) {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(20), read_response(&mut stream))
        .await
        .expect("an answer")
}

/// A client-credentials access token of the service client with `scope`, over the wire.
pub async fn wire_token(addr: SocketAddr, scope: &str) -> String {
    let body = format!("grant_type=client_credentials&scope={scope}");
    let (status, reply) = exchange(
        addr,
        &head(&format!("Content-Length: {}\r\n", body.len())),
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let json: serde_json::Value = serde_json::from_str(&reply).unwrap();
    json["access_token"].as_str().unwrap().to_owned()
}

/// What every adapter's protected routes answer: `/me` any valid token (the body is the
/// client id), `/admin` `admin` checked in the handler, `/writers` `write` checked by a layer
/// or the handler. The tokens come from the same adapter's token endpoint.
pub async fn protects_its_routes(addr: SocketAddr) {
    // RFC 6750 §3.1: no credentials, the bare challenge.
    let (status, head, _) = get(addr, "/me", None).await;
    assert_eq!(status, 401, "{head}");
    assert!(
        head.contains("www-authenticate: bearer realm=\"oauth2\"\r\n"),
        "{head}"
    );
    let (status, head, _) = get(addr, "/me", Some("no-such-token")).await;
    assert_eq!(status, 401);
    assert!(head.contains("error=\"invalid_token\""), "{head}");

    let read = wire_token(addr, "read").await;
    let (status, _, body) = get(addr, "/me", Some(&read)).await;
    assert_eq!((status, body.as_str()), (200, SERVICE));
    let (status, head, _) = get(addr, "/admin", Some(&read)).await;
    assert_eq!(status, 403, "{head}");
    assert!(
        head.contains("error=\"insufficient_scope\"") && head.contains("scope=\"admin\""),
        "{head}"
    );
    let (status, head, _) = get(addr, "/writers", Some(&read)).await;
    assert_eq!(status, 403, "{head}");
    assert!(head.contains("scope=\"write\""), "{head}");

    let write = wire_token(addr, "write%20admin").await;
    let (status, _, body) = get(addr, "/writers", Some(&write)).await;
    assert_eq!((status, body.as_str()), (200, SERVICE));
    let (status, _, body) = get(addr, "/admin", Some(&write)).await;
    assert_eq!((status, body.as_str()), (200, "admin"));
}

pub fn head(extra: &str) -> String {
    let basic = basic(SERVICE, SERVICE_SECRET);
    format!(
        "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: {}\r\n{extra}\r\n",
        basic.to_str().unwrap()
    )
}

pub fn chunked(body: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in body.chunks(chunk) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

pub fn assert_json_error(status: u16, body: &str, expected_status: u16, error: &str) {
    assert_eq!(status, expected_status, "{body}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["error"], error, "{body}");
    assert!(json.get("access_token").is_none());
    let description = json["error_description"].as_str().unwrap();
    assert_description_is_clean(description, &[SERVICE_SECRET, MARKER]);
    assert_no_internals(description);
}

/// The adapter serving `server` at `addr` reads at most `max_body_bytes`, however the body is
/// framed and whatever Content-Length says, and serves an honestly framed request.
pub async fn bounds_the_body(addr: SocketAddr, server: &TestServer) {
    let limit = oauth2_provider::Config::default().max_body_bytes;
    let valid = b"grant_type=client_credentials";
    let mut big = valid.to_vec();
    big.extend_from_slice(b"&pad=");
    big.resize(limit + 1, b'x');

    // An honest Content-Length over the limit.
    let (status, body) = exchange(
        addr,
        &head(&format!("Content-Length: {}\r\n", big.len())),
        &big,
    )
    .await;
    assert_json_error(status, &body, 413, "invalid_request");

    // Chunked, no Content-Length, over the limit.
    let (status, body) = exchange(
        addr,
        &head("Transfer-Encoding: chunked\r\n"),
        &chunked(&big, 4096),
    )
    .await;
    assert_json_error(status, &body, 413, "invalid_request");

    // A Content-Length of 10 GB, and a little more than the limit actually sent with the
    // connection left open: the answer comes without the server waiting for, or buffering,
    // what was announced.
    let (status, body) = exchange(addr, &head("Content-Length: 10000000000\r\n"), &big).await;
    assert_json_error(status, &body, 413, "invalid_request");

    // A chunk that announces a terabyte: refused once the limit is passed, not awaited.
    let mut announced = format!("{:x}\r\n{MARKER}", 1u64 << 40).into_bytes();
    announced.extend_from_slice(&big);
    let (status, body) = exchange(addr, &head("Transfer-Encoding: chunked\r\n"), &announced).await;
    assert_json_error(status, &body, 413, "invalid_request");

    // A Content-Length shorter than the body: only that many bytes are the body
    // (`grant_type` without a value), the rest is not a request of its own.
    let (status, body) = exchange(addr, &head("Content-Length: 10\r\n"), valid).await;
    assert_json_error(status, &body, 400, "invalid_request");

    // No Content-Length and no chunking: the body is empty (RFC 9112 §6.3).
    let (status, body) = exchange(addr, &head(""), valid).await;
    assert_json_error(status, &body, 400, "invalid_request");

    assert_eq!(counts(server), EMPTY);

    // The positive control: the same request, honestly framed, chunked or not, is served.
    let (status, _) = exchange(
        addr,
        &head(&format!("Content-Length: {}\r\n", valid.len())),
        valid,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = exchange(
        addr,
        &head("Transfer-Encoding: chunked\r\n"),
        &chunked(valid, 7),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(counts(server).access, 2);
}

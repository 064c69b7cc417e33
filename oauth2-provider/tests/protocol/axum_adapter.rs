//! The axum adapter, over a real socket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::bad_input_http::MARKER;
use crate::support::*;

// ---------------------------------------------------------------------------------------------
// The axum adapter, over a real socket: what Content-Length says does not matter.

async fn serve(server: Arc<TestServer>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = oauth2_provider::axum::router(server);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A response read off the socket: the status and the body.
async fn read_response(stream: &mut TcpStream) -> (u16, String) {
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
    (
        status,
        String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned(),
    )
}

/// Writes `head` then `body`, tolerating a server that stops reading, and reads the answer.
async fn exchange(addr: SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer and stop reading before the body is all sent.
    let _ = stream.write_all(body).await;
    tokio::time::timeout(Duration::from_secs(20), read_response(&mut stream))
        .await
        .expect("an answer without waiting for the declared body")
}

fn head(extra: &str) -> String {
    let basic = basic(SERVICE, SERVICE_SECRET);
    format!(
        "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: {}\r\n{extra}\r\n",
        basic.to_str().unwrap()
    )
}

fn chunked(body: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in body.chunks(chunk) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn assert_json_error(status: u16, body: &str, expected_status: u16, error: &str) {
    assert_eq!(status, expected_status, "{body}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["error"], error, "{body}");
    assert!(json.get("access_token").is_none());
    let description = json["error_description"].as_str().unwrap();
    assert_description_is_clean(description, &[SERVICE_SECRET, MARKER]);
    assert_no_internals(description);
}

#[tokio::test]
async fn the_axum_adapter_bounds_the_body_whatever_content_length_says() {
    let server = shared(server());
    let addr = serve(Arc::clone(&server)).await;
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

    assert_eq!(counts(&server), EMPTY);

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
    assert_eq!(counts(&server).access, 2);
}

//! Slow and greedy clients against the example server (issue 13): a half-sent request header is
//! closed after `--header-timeout`, a body that never finishes gets 408 after
//! `--request-timeout`, connections over `--max-connections` are closed at once, and through it
//! all the metadata is served at once to a client that behaves.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::example;

const METADATA: &str = "/.well-known/oauth-authorization-server";

/// Reads until the server closes the connection, what it sent (nothing when it reset it), or
/// `None` when it still held the connection after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut answer)).await {
        Ok(Ok(_)) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Ok(Err(_reset)) => Some(String::new()),
        Err(_elapsed) => None,
    }
}

async fn metadata_answers_quickly(base: &str) {
    let started = Instant::now();
    let response = example::http()
        .get(format!("{base}{METADATA}"))
        .send()
        .await
        .expect("GET metadata");
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the metadata took {:?} while slow clients held connections",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_half_sent_header_is_closed_after_the_header_timeout() {
    let server = example::start(&["--header-timeout", "1", "--request-timeout", "30"]).await;
    let base = format!("http://{}", server.addr);
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        stream
            .write_all(b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("half a header");
        slow.push(stream);
    }
    metadata_answers_quickly(&base).await;

    let started = Instant::now();
    for mut stream in slow {
        let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(
            answer.is_some(),
            "a half-sent header still held its connection after 5 s"
        );
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(500),
        "closed after {waited:?}: before the header timeout"
    );
    server.stop().await.expect("the server stops");
}

#[tokio::test]
async fn a_body_that_never_finishes_gets_408_after_the_request_timeout() {
    let server = example::start(&["--header-timeout", "5", "--request-timeout", "1"]).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(
            b"POST /token HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\ngrant_type=",
        )
        .await
        .expect("a header and a tenth of the body");
    let started = Instant::now();
    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer within 5 s")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "not a 408 but {answer:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(500));
    server.stop().await.expect("the server stops");
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_and_the_rest_served() {
    let server = example::start(&["--header-timeout", "30", "--max-connections", "4"]).await;
    let base = format!("http://{}", server.addr);
    // Four idle connections take every slot.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(server.addr).await.expect("connect"));
    }
    // A fifth is closed without an answer (the accept loop may need a moment to see the four).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = TcpStream::connect(server.addr).await.expect("connect");
    let _ = fifth
        .write_all(b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let answer = read_until_closed(&mut fifth, Duration::from_secs(2)).await;
    assert_eq!(
        answer.as_deref(),
        Some(""),
        "a connection over the cap was served or held"
    );
    // Once the idle ones go, the server serves again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    metadata_answers_quickly(&base).await;
    server.stop().await.expect("the server stops");
}

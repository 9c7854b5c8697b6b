//! `palermo serve` under load and abuse, on loopback. The main test (about 15 s, most of
//! it the server's 10 s header and request timeouts): good clients run and read the page's
//! endpoints while hostile requests (path traversal, huge numbers, deep JSON, bodies that are
//! not UTF-8 or too big, wrong content types, other sites' origins, long URLs and headers, a
//! world too big for memory) and slow clients (half a head, half a body, then silence) come
//! in among them. Every good request is answered, with the bytes of an undisturbed run; every
//! hostile one gets its 4xx and a JSON message; every slow one is cut off on time; and
//! afterwards the server still serves, with its resident memory back near where it started.
//! Two more hold the server's bounds at their limit: the open connections (256), and runs
//! whose pages stop reading (each stops after 60 s; about 65 s, mostly waiting).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::fixture;
use super::serve::{Server, body_of, resident_kb};

/// The server's header and request timeouts (`src/serve/listen.rs`, `src/serve/guard.rs`).
const SERVER_TIMEOUT: Duration = Duration::from_secs(10);

/// An answer read off the wire: no status when the server closed without one.
#[derive(Debug)]
struct Answer {
    status: Option<u16>,
    head: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `bytes` on a new connection and reads the answer until the server closes the
/// connection (every request says `Connection: close`; a slow client's is never finished,
/// and the server must close it). The connection stays open for writing: to hyper, a client
/// that shuts its side has gone.
fn send(host: &str, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(SERVER_TIMEOUT * 3)).unwrap();
    // A server may refuse and close before reading everything: a failed write is an answer.
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return Answer {
            status: None,
            head: text,
            body: String::new(),
        };
    };
    Answer {
        status: head.split(' ').nth(1).and_then(|s| s.parse().ok()),
        head: head.to_string(),
        body: body_of(head, rest),
    }
}

/// A POST of a body, JSON unless `extra` header lines say otherwise.
fn post(path: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let kind = if extra.contains("Content-Type") {
        ""
    } else {
        "Content-Type: application/json\r\n"
    };
    let mut bytes = format!(
        "POST {path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n{kind}{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn get(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n{extra}\r\n").into_bytes()
}

/// The hostile requests: what is sent, the status expected, and a word of its message.
fn hostile() -> Vec<(&'static str, Vec<u8>, u16, &'static str)> {
    let run = |json: &str| post("/api/run", json.as_bytes(), "");
    let deep = format!(
        r#"{{"scenario":"tiny","a":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    vec![
        ("dot-dot path", get("/../../etc/passwd", ""), 404, "no such"),
        ("encoded dot-dot", get("/%2e%2e/%2e%2e/etc/passwd", ""), 404, "no such"),
        ("dot-dot name", get("/api/scenario?name=../../Cargo", ""), 404, "unknown"),
        ("bad escape", get("/api/scenario?name=%ff%fe%00", ""), 404, "unknown"),
        ("absolute scenario", run(r#"{"scenario":"/etc/passwd"}"#), 404, "unknown scenario"),
        ("dot-dot scenario", run(r#"{"scenario":"../../../etc/passwd"}"#), 404, "unknown"),
        ("seed 2^64", run(r#"{"scenario":"tiny","seed":18446744073709551616}"#), 400, "seed"),
        ("weeks 1e12", run(r#"{"scenario":"tiny","weeks":1e12}"#), 400, "weeks"),
        ("replicates -1", run(r#"{"scenario":"tiny","replicates":-1}"#), 400, "replicates"),
        ("deep JSON", run(&deep), 400, "bad request body"),
        ("not UTF-8", post("/api/run", b"{\"scenario\":\"\xff\xfe\"}", ""), 400, "UTF-8"),
        (
            "a form",
            post("/api/run", b"scenario=tiny", "Content-Type: application/x-www-form-urlencoded\r\n"),
            415,
            "JSON",
        ),
        (
            "another site",
            post("/api/run", br#"{"scenario":"tiny"}"#, "Origin: http://evil.example\r\n"),
            403,
            "evil.example",
        ),
        ("long URL", get(&format!("/api/scenario?name={}", "a".repeat(9000)), ""), 414, "URL"),
        ("long header", get("/api/scenarios", &format!("X-Long: {}\r\n", "a".repeat(20_000))), 431, "headers"),
        ("big body", run(&format!(r#"{{"scenario":"{}"}}"#, "a".repeat(100_000))), 413, "body"),
        (
            "10 GB announced",
            b"POST /api/run HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 10000000000\r\n\r\n{".to_vec(),
            413,
            "10000000000",
        ),
        ("wrong method", get("/api/run", ""), 405, "GET /api/run"),
        (
            "too big for memory",
            run(r#"{"scenario":"baseline","weeks":1,"a":["all.at_risk=100000000","run.burn_in=0"],"b":["run.burn_in=0"]}"#),
            400,
            "memory",
        ),
    ]
}

#[test]
fn good_hostile_and_slow_clients_at_once() {
    let tiny = fixture("tiny.toml");
    let server = Server::start(&[tiny.to_str().unwrap()]);
    let host = server.host.clone();
    let good = br#"{"scenario":"tiny","replicates":2,"weeks":30,"b":["all.corruption=0.6"]}"#;
    // The reference run, undisturbed; it also warms the pool and the allocator.
    let reference = send(&host, &post("/api/run", good, ""));
    assert_eq!(reference.status, Some(200), "{reference:?}");
    assert_eq!(reference.body.matches("event: week").count(), 30);
    let before = resident_kb(server.child.id());
    let started = Instant::now();

    std::thread::scope(|scope| {
        // Slow clients first, so that they hold their connections while the rest is served.
        let half_heads: Vec<_> = (0..30)
            .map(|_| {
                let host = &host;
                scope.spawn(move || {
                    let t = Instant::now();
                    let answer = send(host, b"POST /api/run HTTP/1.1\r\nHost: h\r\nContent-");
                    (t.elapsed(), answer)
                })
            })
            .collect();
        let half_bodies: Vec<_> = (0..3)
            .map(|_| {
                let host = &host;
                scope.spawn(move || {
                    let head = "POST /api/run HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"scen";
                    let t = Instant::now();
                    let answer = send(host, head.as_bytes());
                    (t.elapsed(), answer)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        let bad: Vec<_> = hostile()
            .into_iter()
            .map(|(what, bytes, status, says)| {
                let host = &host;
                scope.spawn(move || (what, send(host, &bytes), status, says))
            })
            .collect();
        let runs: Vec<_> = (0..16)
            .map(|_| {
                let host = &host;
                scope.spawn(move || {
                    let listed = send(host, &get("/api/scenarios", ""));
                    let t = Instant::now();
                    let ran = send(host, &post("/api/run", good, ""));
                    (listed, ran, t.elapsed())
                })
            })
            .collect();

        for handle in bad {
            let (what, answer, status, says) = handle.join().unwrap();
            assert_eq!(answer.status, Some(status), "{what}: {answer:?}");
            let message = answer.json()["error"].as_str().unwrap_or("").to_string();
            assert!(message.contains(says), "{what}: {message:?} in {answer:?}");
        }
        let mut ran = 0;
        for handle in runs {
            let (listed, answer, took) = handle.join().unwrap();
            assert_eq!(listed.status, Some(200), "{listed:?}");
            match answer.status {
                Some(200) => {
                    // The bytes of the undisturbed run: nothing else leaked into it.
                    assert_eq!(answer.body, reference.body);
                    ran += 1;
                }
                Some(429) => {
                    assert!(answer.body.contains("try again in"), "{answer:?}");
                    assert!(answer.head.to_ascii_lowercase().contains("retry-after: 5"));
                }
                _ => panic!("a good run: {answer:?}"),
            }
            // Served while the slow clients still held their connections.
            assert!(took < SERVER_TIMEOUT, "a good run waited {took:?}");
        }
        assert!(ran >= 4, "only {ran} of 16 good runs went through");
        for handle in half_heads {
            let (took, answer) = handle.join().unwrap();
            assert!(
                answer.status.is_none() || answer.status == Some(408),
                "{answer:?}"
            );
            assert!(
                took >= SERVER_TIMEOUT - Duration::from_secs(1) && took < SERVER_TIMEOUT * 2,
                "a half head was cut off after {took:?}"
            );
        }
        for handle in half_bodies {
            let (took, answer) = handle.join().unwrap();
            assert_eq!(answer.status, Some(408), "{answer:?}");
            assert!(
                answer.json()["error"]
                    .as_str()
                    .unwrap()
                    .contains("too slowly")
            );
            assert!(
                took < SERVER_TIMEOUT * 2,
                "a half body was cut off after {took:?}"
            );
        }
    });
    assert!(started.elapsed() < Duration::from_secs(30));

    // Still serving, the same bytes, and the worlds of the runs are gone.
    let again = send(&host, &post("/api/run", good, ""));
    assert_eq!(again.status, Some(200));
    assert_eq!(again.body, reference.body);
    if let (Some(before), Some(after)) = (before, resident_kb(server.child.id())) {
        assert!(
            after < before + 64 * 1024,
            "resident memory {before} kB before, {after} kB after"
        );
    }
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

/// Past the bound of open connections (`MAX_CONNECTIONS`, 256, `src/serve/listen.rs`), a new
/// client is not served (it waits in the kernel's queue, costing the server nothing) until an
/// open connection closes; then it is. Runs within the 10 s the idle connections may live.
#[test]
fn a_connection_past_the_bound_waits_until_one_closes() {
    const MAX_CONNECTIONS: usize = 256;
    let tiny = fixture("tiny.toml");
    let server = Server::start(&[tiny.to_str().unwrap()]);
    let host = server.host.clone();
    let opened = Instant::now();
    // Connections that send nothing: each holds a slot until it closes or times out.
    let mut held: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(&host).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    let mut late = TcpStream::connect(&host).expect("the kernel queues the connection");
    late.write_all(&get("/api/scenarios", "")).unwrap();
    late.set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut first = [0u8; 1];
    let early = late.read(&mut first);
    assert!(early.is_err(), "answered past the bound: {early:?}");

    drop(held.pop());
    late.set_read_timeout(Some(SERVER_TIMEOUT)).unwrap();
    let mut raw = Vec::new();
    let _ = late.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        opened.elapsed() < SERVER_TIMEOUT,
        "the idle connections may have timed out: {:?}",
        opened.elapsed()
    );
    drop(held);
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

/// A page that stops reading its stream holds its run only for the stall limit
/// (`STALLED_CLIENT`, 60 s, `src/serve/listen.rs`): the run then stops and gives its permit
/// back, so stalled tabs cannot keep the class from running. Four streams that are never read
/// take every permit (each run far longer than any socket buffer: 100,000 weeks, about 100 MB
/// of events); a new run is refused (429) until they stop, then served. Their connections are
/// closed too, as is that of a client that sends requests and reads none of the answers:
/// otherwise each would hold one of the 256 slots for good. About 65 s, mostly waiting.
#[test]
fn runs_whose_page_stops_reading_stop_after_a_minute() {
    const RUNS_AT_ONCE: usize = 4;
    const STALLED_PAGE: Duration = Duration::from_secs(60);
    let tiny = fixture("tiny.toml");
    let server = Server::start(&[tiny.to_str().unwrap()]);
    let host = server.host.clone();
    let sockets_idle = open_sockets(server.child.id());
    let endless = br#"{"scenario":"tiny","replicates":1,"weeks":100000}"#;
    let mut stalled: Vec<TcpStream> = (0..RUNS_AT_ONCE)
        .map(|_| {
            let mut stream = TcpStream::connect(&host).unwrap();
            stream.write_all(&post("/api/run", endless, "")).unwrap();
            stream
        })
        .collect();
    // Kept-alive requests for the charting library, 20 MB of answers, none of them read.
    let mut unread = TcpStream::connect(&host).unwrap();
    let library = "GET /vendor/uplot/uPlot.iife.min.js HTTP/1.1\r\nHost: h\r\n\r\n";
    unread.write_all(library.repeat(400).as_bytes()).unwrap();
    stalled.push(unread);
    // Time for the endless runs to be checked and take their permits.
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    let small = br#"{"scenario":"tiny","replicates":1,"weeks":10}"#;
    let (first_served, answer) = loop {
        let answer = send(&host, &post("/api/run", small, ""));
        match answer.status {
            Some(429) => {}
            Some(200) => break (started.elapsed(), answer),
            _ => panic!("{answer:?}"),
        }
        // Well before twice the limit: a run that has stopped sends nothing more (no closing
        // event that would wait out the limit again).
        assert!(
            started.elapsed() < STALLED_PAGE + STALLED_PAGE / 2,
            "the stalled runs still hold the permits after {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_secs(2));
    };
    assert_eq!(answer.body.matches("event: week").count(), 10);
    // Not before the stall limit: the endless runs could not have finished by themselves.
    assert!(
        first_served >= STALLED_PAGE - Duration::from_secs(5),
        "served after {first_served:?}"
    );
    // The server has closed the stalled connections (the clients still hold theirs open).
    if let Some(idle) = sockets_idle {
        let mut open = open_sockets(server.child.id());
        while open > Some(idle) && started.elapsed() < STALLED_PAGE + STALLED_PAGE / 2 {
            std::thread::sleep(Duration::from_millis(500));
            open = open_sockets(server.child.id());
        }
        assert_eq!(
            open,
            Some(idle),
            "the server still holds stalled connections after {:?}",
            started.elapsed()
        );
    }
    drop(stalled);
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

/// The sockets a process (Linux) has open: its listener and its connections.
fn open_sockets(pid: u32) -> Option<usize> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(
        fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .count(),
    )
}

/// While every run permit is taken, a request that could never run is still refused for what
/// it is (400, at once), not told to try again; and an export's rerun waits for a permit and
/// is refused as a run is (429 with `Retry-After: 5`), while a scenario file, which runs
/// nothing, is still handed out. Once the pages of the runs go away, exports run again.
#[test]
fn a_busy_server_refuses_bad_requests_as_bad_and_exports_as_runs() {
    const RUNS_AT_ONCE: usize = 4;
    let tiny = fixture("tiny.toml");
    let server = Server::start(&[tiny.to_str().unwrap()]);
    let host = server.host.clone();
    let endless = br#"{"scenario":"tiny","replicates":1,"weeks":100000}"#;
    let running: Vec<TcpStream> = (0..RUNS_AT_ONCE)
        .map(|_| {
            let mut stream = TcpStream::connect(&host).unwrap();
            stream.write_all(&post("/api/run", endless, "")).unwrap();
            stream
        })
        .collect();
    // Time for the endless runs to be checked and take their permits.
    std::thread::sleep(Duration::from_secs(1));
    let small = br#"{"scenario":"tiny","replicates":1,"weeks":10}"#;
    let full = send(&host, &post("/api/run", small, ""));
    assert_eq!(full.status, Some(429), "{full:?}");

    for body in [
        &br#"{"scenario":"tiny""#[..],
        br#"{"scenario":"tiny","replicates":0}"#,
    ] {
        let t = Instant::now();
        let answer = send(&host, &post("/api/run", body, ""));
        assert_eq!(answer.status, Some(400), "{answer:?}");
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    }
    let export = |file: &str| {
        send(
            &host,
            &post(&format!("/api/export?side=b&file={file}"), small, ""),
        )
    };
    let busy = export("timeseries.csv");
    assert_eq!(busy.status, Some(429), "{busy:?}");
    assert!(busy.body.contains("try again in"), "{busy:?}");
    assert!(
        busy.head.to_ascii_lowercase().contains("retry-after: 5"),
        "{busy:?}"
    );
    assert_eq!(export("scenario.toml").status, Some(200));

    drop(running);
    let gone = Instant::now();
    loop {
        let answer = export("timeseries.csv");
        if answer.status == Some(200) {
            break;
        }
        assert_eq!(answer.status, Some(429), "{answer:?}");
        assert!(
            gone.elapsed() < SERVER_TIMEOUT,
            "the runs of closed pages still hold the permits"
        );
    }
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

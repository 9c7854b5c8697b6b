//! `palermo serve`, driven as the page drives it: the real binary started with `--port 0`,
//! its address read from its first line, every endpoint spoken to over plain HTTP/1.1 (a
//! small client on `TcpStream` below). Bad requests get 4xx JSON with the message `palermo
//! check` gives; the streamed weeks of side A are `palermo run`'s; with no override differing
//! A and B are the same (common random numbers); the server keeps serving after every
//! refusal and logs one line per request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{fixture, palermo, read_csv};

/// A running server, killed when dropped.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) host: String,
}

impl Server {
    /// Starts `palermo serve ARGS --port 0` in the repository root and reads its address.
    pub(super) fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palermo"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("palermo serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let host = line
            .trim()
            .strip_prefix("http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("first line is not the address: {line:?}"))
            .to_string();
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        Server { child, host }
    }

    /// One request; returns the status and the body.
    pub(super) fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = text.split_once("\r\n\r\n").expect("a response head");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body_of(head, rest))
    }

    pub(super) fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.request("GET", path, "");
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// `POST /api/run`: the status, and the events (kind, data) or the error body.
    pub(super) fn run(&self, body: &str) -> (u16, Vec<(String, Value)>) {
        let (status, text) = self.request("POST", "/api/run", body);
        if status != 200 {
            return (
                status,
                vec![("error".into(), serde_json::from_str(&text).unwrap())],
            );
        }
        let events = text
            .split("\n\n")
            .filter_map(|block| {
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(str::to_string))
                };
                Some((
                    field("event: ")?,
                    serde_json::from_str(&field("data: ")?).unwrap(),
                ))
            })
            .collect();
        (status, events)
    }

    /// Kills the server and returns what it wrote on stderr.
    pub(super) fn stop(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a response after its `head`, unchunked if it was sent in chunks.
pub(super) fn body_of(head: &str, rest: &str) -> String {
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(rest)
    } else {
        rest.to_string()
    }
}

/// The body of a chunked response.
fn unchunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

pub(super) fn weeks(events: &[(String, Value)]) -> Vec<&Value> {
    events
        .iter()
        .filter(|(k, _)| k == "week")
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn the_page_and_the_listing_endpoints() {
    let server = Server::start(&[]);
    let (status, page) = server.request("GET", "/", "");
    assert_eq!(status, 200);
    assert!(page.contains("app.js") && page.contains("uPlot"), "{page}");
    for asset in [
        "/app.js",
        "/draw.js",
        "/style.css",
        "/vendor/uplot/uPlot.iife.min.js",
    ] {
        assert_eq!(server.request("GET", asset, "").0, 200, "{asset}");
    }

    let (status, list) = server.get_json("/api/scenarios");
    assert_eq!(status, 200);
    assert_eq!(list["default"], "baseline");
    let names: Vec<&str> = list["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"teaching/crackdown"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("lessons")), "{names:?}");

    let (status, s) = server.get_json("/api/scenario?name=baseline");
    assert_eq!(status, 200);
    assert_eq!(s["countries"].as_array().unwrap().len(), 9);
    let controls = s["controls"].as_array().unwrap();
    let control = |path: &str| controls.iter().find(|c| c["path"] == path).cloned();
    let caldera = control("country.Caldera.corruption").expect("a per-country control");
    assert_eq!(
        (caldera["min"].as_f64(), caldera["max"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    assert!(control("cooperation.default").is_some());
    assert!(control("all.law.offences").is_some());

    let (status, lessons) = server.get_json("/api/lessons");
    assert_eq!(status, 200);
    let lessons = lessons["lessons"].as_array().unwrap();
    assert!(lessons.len() >= 5, "{lessons:?}");
    for lesson in lessons {
        assert!(
            names.contains(&lesson["scenario"].as_str().unwrap()),
            "{lesson}"
        );
    }
}

#[test]
fn unknown_paths_and_names_are_404_and_no_file_outside_is_read() {
    let server = Server::start(&[]);
    for path in [
        "/nope",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/vendor/../../Cargo.toml",
        "/api/scenario?name=../Cargo",
        "/api/scenario?name=..%2F..%2Fetc%2Fpasswd",
        "/api/scenario?name=sweeps/harmonization",
        "/api/scenario",
    ] {
        let (status, body) = server.request("GET", path, "");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(body.contains("\"error\""), "{path}: {body}");
    }
    for name in ["../Cargo", "/etc/passwd", "scenarios/baseline.toml", ""] {
        let body = format!(r#"{{"scenario":"{name}"}}"#);
        let (status, events) = server.run(&body);
        assert_eq!(status, 404, "{name}: {events:?}");
    }
}

#[test]
fn bad_run_requests_get_4xx_with_the_message_check_gives() {
    let server = Server::start(&[]);
    let check = palermo([
        "check",
        "scenarios/baseline.toml",
        "--set",
        "all.corruption=2",
    ])
    .bad_input();
    let expected = check
        .stderr
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    let (status, events) = server.run(r#"{"scenario":"baseline","b":["all.corruption=2"]}"#);
    assert_eq!(status, 400);
    let message = events[0].1["error"].as_str().unwrap().to_string();
    assert_eq!(message, format!("side B: {expected}"));

    let cases = [
        (
            r#"{"scenario":"baseline","a":["all.nonsense=1"]}"#,
            "nonsense",
        ),
        (
            r#"{"scenario":"baseline","a":["no equals sign"]}"#,
            "PATH=VALUE",
        ),
        (r#"{"scenario":"baseline","replicates":21}"#, "1 to 20"),
        (r#"{"scenario":"baseline","replicates":0}"#, "1 to 20"),
        (
            r#"{"scenario":"baseline","a":["all.at_risk=100000000"]}"#,
            "too big",
        ),
        (
            r#"{"scenario":"baseline","look_at":["nonsense"]}"#,
            "timeseries.csv",
        ),
        (r#"{"scenario":"baseline""#, "bad request body"),
        (
            r#"{"scenario":"baseline","replicates":"many"}"#,
            "bad request body",
        ),
        (r#"{"scenario":"baseline","surprise":1}"#, "unknown field"),
        ("", "bad request body"),
    ];
    for (body, says) in cases {
        let (status, events) = server.run(body);
        assert_eq!(status, 400, "{body}: {events:?}");
        let message = events[0].1["error"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
        assert!(!message.contains("panicked"), "{message}");
    }
    let (status, checked) = server.request(
        "POST",
        "/api/check",
        r#"{"scenario":"baseline","b":["all.corruption=0.1"]}"#,
    );
    assert_eq!(status, 200, "{checked}");
    assert!(checked.contains("--set all.corruption=0.1"), "{checked}");

    // Still serving, and one log line per request.
    assert_eq!(server.get_json("/api/scenarios").0, 200);
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
    assert!(log.contains("POST /api/run 400"), "{log}");
    assert!(log.contains("GET /api/scenarios 200"), "{log}");
    assert_eq!(
        log.lines().filter(|l| l.starts_with("POST /api/")).count(),
        cases.len() + 2
    );
}

#[test]
fn the_stream_of_a_is_palermo_run_and_a_equals_b_without_a_difference() {
    let tiny = fixture("tiny.toml");
    let tiny = tiny.to_str().unwrap();
    let server = Server::start(&[tiny]);
    let (status, events) =
        server.run(r#"{"scenario":"tiny","replicates":3,"weeks":40,"a":["all.awareness=0.5"],"b":["all.awareness=0.5"]}"#);
    assert_eq!(status, 200, "{events:?}");
    assert_eq!(events[0].0, "start");
    let start = &events[0].1;
    assert_eq!(start["replicates"], 3);
    let streamed = weeks(&events);
    assert_eq!(streamed.len(), 40);
    for (k, w) in streamed.iter().enumerate() {
        assert_eq!(w["week"], k);
        assert_eq!(
            w["a"], w["b"],
            "week {k}: same overrides, same seeds, same worlds"
        );
    }
    let (kind, done) = events.last().unwrap();
    assert_eq!(kind, "done");
    assert_eq!(done["seeds"].as_array().unwrap().len(), 3);
    for d in done["differences"].as_array().unwrap() {
        if d["n"].as_u64() > Some(0) {
            assert_eq!(d["diff"], 0.0, "{d}");
        }
    }

    // Side A, replicate by replicate, is `palermo run` of the same scenario and seed.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("run");
    let dir_text = dir.to_str().unwrap();
    palermo([
        "run",
        tiny,
        "--set",
        "all.awareness=0.5",
        "--weeks",
        "40",
        "--replicates",
        "1",
        "--out",
        dir_text,
        "--quiet",
    ])
    .ok();
    let (header, rows) = read_csv(&dir.join("timeseries.csv"));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (_, events) =
        server.run(r#"{"scenario":"tiny","replicates":1,"weeks":40,"a":["all.awareness=0.5"],"b":["all.corruption=0.9"]}"#);
    let streamed = weeks(&events);
    let charted: Vec<String> = serde_json::from_value(events[0].1["charted"].clone()).unwrap();
    let countries: Vec<String> = serde_json::from_value(events[0].1["countries"].clone()).unwrap();
    let mut compared = 0;
    let mut differs = false;
    for row in &rows {
        let week: usize = row[column("week")].parse().unwrap();
        let country = &row[column("country")];
        let w = streamed[week];
        if country == "ALL" {
            for (m, name) in charted.iter().enumerate() {
                let expected: f64 = row[column(name)].parse().unwrap();
                assert_eq!(
                    w["a"]["charted"][m]["mean"].as_f64(),
                    Some(expected),
                    "{name} week {week}"
                );
                compared += 1;
            }
            differs |= w["a"] != w["b"];
        } else {
            let c = countries.iter().position(|n| n == country).unwrap();
            let expected: f64 = row[column("transit_flow")].parse().unwrap();
            assert_eq!(w["a"]["countries"][0][c].as_f64(), Some(expected));
        }
    }
    assert_eq!(compared, 40 * charted.len());
    // With one replicate, the running B − A is the difference of the totals so far.
    let last = streamed[39];
    let total = |side: &str, m: usize| -> f64 {
        streamed
            .iter()
            .map(|w| w[side]["charted"][m]["mean"].as_f64().unwrap())
            .sum()
    };
    for m in 0..charted.len() {
        let running = last["running"][m]["mean"].as_f64().unwrap();
        assert!(
            (running - (total("b", m) - total("a", m))).abs() < 1e-6,
            "{}",
            charted[m]
        );
    }
    assert!(differs, "corruption 0.9 on side B changes the world");
}

/// The resident memory of a process in kB (Linux), if it can be read.
pub(super) fn resident_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn fifty_clients_at_once_are_all_answered_and_memory_comes_back() {
    let tiny = fixture("tiny.toml");
    let server = Server::start(&[tiny.to_str().unwrap()]);
    let body = r#"{"scenario":"tiny","replicates":2,"weeks":30,"b":["all.corruption=0.6"]}"#;
    // One run first, so that the pool and the allocator are warm when memory is measured.
    assert_eq!(server.run(body).0, 200);
    let before = resident_kb(server.child.id());
    let outcomes: Vec<(u16, Vec<(String, Value)>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50).map(|_| scope.spawn(|| server.run(body))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ran = 0;
    for (status, events) in &outcomes {
        match status {
            200 => {
                ran += 1;
                assert_eq!(weeks(events).len(), 30);
                assert_eq!(events.last().unwrap().0, "done");
            }
            429 => assert!(events[0].1["error"].as_str().unwrap().contains("busy")),
            other => panic!("status {other}: {events:?}"),
        }
    }
    assert!(ran >= 1, "no run of fifty went through");
    // Still serving, and the runs' worlds are gone.
    assert_eq!(server.get_json("/api/scenarios").0, 200);
    if let (Some(before), Some(after)) = (before, resident_kb(server.child.id())) {
        assert!(
            after < before + 64 * 1024,
            "resident memory {before} kB before, {after} kB after"
        );
    }
}

//! Talking to a running `iop serve` as a client does: plain HTTP/1.1 on loopback.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One HTTP/1.1 request on a new connection: (status, body).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    // A response cut off by the kill is not a response received.
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })?
        .parse()
        .ok()?;
    (body.len() == length).then(|| (status, body.to_string()))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn json_strings(body: &str, key: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).expect("json body");
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match x.as_str() {
                        Some(s) if k == key => out.push(s.to_string()),
                        _ => walk(x, key, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            _ => {}
        }
    }
    walk(&v, key, &mut out);
    out
}

/// `iop serve --demo` on the test's database and a free port, its stderr in `log`, with
/// `env` set; returns once `/healthz` answers 200.
pub fn serve_demo(
    iop: &super::Iop,
    env: &[(&str, &str)],
    log: &std::path::Path,
) -> (std::process::Child, u16) {
    let port = free_port();
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_iop"))
        .current_dir(&iop.db.dir)
        .envs(env.iter().copied())
        .args(iop.db_args_in(&iop.db.dir))
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("spawn serve");
    let started = std::time::Instant::now();
    while http(port, "GET", "/healthz", &[], "").is_none_or(|(s, _)| s != 200) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "serve did not start"
        );
        assert!(serve.try_wait().expect("poll").is_none(), "serve stopped");
        std::thread::sleep(Duration::from_millis(100));
    }
    (serve, port)
}

/// Clients reading patients' measures over and over, each request with its own id
/// (`{prefix}-{reader}-{n}`), until `stop` is set or the server stops answering.
pub struct Readers {
    pub stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The id of every request answered 200, with when its answer arrived.
    pub answered: std::sync::Arc<std::sync::Mutex<Vec<(String, std::time::Instant)>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Readers {
    pub fn start(port: u16, token: &str, patients: &[String], prefix: &str, n: usize) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..n)
            .map(|r| {
                let (stop, answered) = (stop.clone(), answered.clone());
                let (token, prefix) = (token.to_string(), prefix.to_string());
                let path = format!("/api/v1/patients/{}/measures", patients[r % patients.len()]);
                std::thread::spawn(move || {
                    for i in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let id = format!("{prefix}-{r}-{i}");
                        let headers = [
                            ("Authorization", token.as_str()),
                            ("x-request-id", id.as_str()),
                        ];
                        match http(port, "GET", &path, &headers, "") {
                            Some((200, _)) => answered
                                .lock()
                                .expect("lock")
                                .push((id, std::time::Instant::now())),
                            Some((status, body)) => panic!("{status}: {body}"),
                            None => break,
                        }
                    }
                })
            })
            .collect();
        Readers {
            stop,
            answered,
            threads,
        }
    }

    /// Stops the readers and returns what was answered.
    pub fn finish(self) -> Vec<(String, std::time::Instant)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for t in self.threads {
            t.join().expect("reader");
        }
        let answered = self.answered.lock().expect("lock").clone();
        answered
    }
}

/// The demo director's bearer token ("Bearer …") and the census's patient ids.
pub fn director_and_patients(port: u16) -> (String, Vec<String>) {
    let creds = r#"{"email":"director@demo.test","password":"demo-password"}"#;
    let json = [("Content-Type", "application/json")];
    let (status, body) = http(port, "POST", "/api/v1/auth/token", &json, creds).expect("token");
    assert_eq!(status, 201, "{body}");
    let token = format!("Bearer {}", json_strings(&body, "token")[0]);
    let auth = [("Authorization", token.as_str())];
    let (_, census) = http(port, "GET", "/api/v1/census", &auth, "").expect("census");
    let patients = json_strings(&census, "patient_id");
    assert!(patients.len() >= 4, "{census}");
    (token, patients)
}

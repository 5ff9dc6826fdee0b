//! The end-to-end harness: a private X server (Xvfb), the real `turnfix` binary in it, and
//! xdotool to type and press keys as a user would. Every wait has a deadline; Drop kills the
//! app and the X server, so a failing test never leaves them running.
//!
//! Keys go through XTEST to the focused window (xdotool without `--window`), which is what a
//! keyboard does: winit ignores synthetic `XSendEvent` input.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The screen every test runs on.
pub const SCREEN: &str = "1600x1000x24";

/// How long the app may take to show its window (a debug build, software GL, a busy CI box).
pub const LAUNCH_TIMEOUT: Duration = Duration::from_secs(40);

/// How long any other wait may take.
pub const WAIT: Duration = Duration::from_secs(15);

/// Why a test cannot run here, or None when Xvfb and xdotool are both installed.
pub fn missing_tools() -> Option<String> {
    let missing: Vec<&str> = ["Xvfb", "xdotool"].into_iter().filter(|t| !on_path(t)).collect();
    (!missing.is_empty()).then(|| {
        format!("skipped: {} not installed (`.ci/deps --test` installs xvfb, xauth and xdotool)", missing.join(" and "))
    })
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// Run `cmd`, killing it at `timeout`. Err names the command and what went wrong.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().map_err(|e| format!("{what}: {e}")),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}: still running after {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{what}: {e}")),
        }
    }
}

/// Poll `f` until it gives Some, or fail at `timeout` with `what`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Ok(v);
        }
        if Instant::now() >= deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

static NEXT_DISPLAY: AtomicU32 = AtomicU32::new(0);

/// A private X server, and at most one app running in it.
pub struct Session {
    xvfb: Child,
    app: Option<Child>,
    display: String,
    /// The app's HOME and XDG directories, and the files a test works on.
    pub dir: tempfile::TempDir,
    window: Option<String>,
    name: String,
}

impl Session {
    /// Start Xvfb on a free display. `name` names the test (for screenshots).
    pub fn start(name: &str) -> Result<Session, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        // Displays from 140 on, spread by process id so that test binaries running at the same
        // time (and tests in one binary) do not pick the same one; a taken one is skipped.
        let base = 140 + (std::process::id() % 400) * 8;
        for _ in 0..40 {
            let n = base + NEXT_DISPLAY.fetch_add(1, Ordering::SeqCst);
            if Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                continue;
            }
            let display = format!(":{n}");
            let mut xvfb = Command::new("Xvfb")
                .args([&display, "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start Xvfb: {e}"))?;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let up = wait_for("Xvfb's socket", WAIT, || {
                if socket.exists() {
                    return Some(true);
                }
                // Exited: the display was taken after all; try the next one.
                matches!(xvfb.try_wait(), Ok(Some(_))).then_some(false)
            });
            match up {
                Ok(true) => {
                    return Ok(Session { xvfb, app: None, display, dir, window: None, name: name.to_string() });
                }
                Ok(false) => continue,
                Err(e) => {
                    let _ = xvfb.kill();
                    let _ = xvfb.wait();
                    return Err(e);
                }
            }
        }
        Err("no free X display found".into())
    }

    fn xdotool(&self, args: &[&str]) -> Result<String, String> {
        let out = run_with_timeout(Command::new("xdotool").args(args).env("DISPLAY", &self.display), WAIT)?;
        if !out.status.success() {
            return Err(format!("xdotool {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Launch `turnfix FILE` and wait until its window shows `title_part` and has the focus.
    pub fn launch(&mut self, file: &Path, title_part: &str) -> Result<(), String> {
        self.launch_with(file, title_part, |_| {})
    }

    /// The app's HOME (its XDG folders are under it).
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A command run with the app's HOME and XDG folders (e.g. `turnfix recover`).
    pub fn command_like_the_app(&self) -> Command {
        let home = self.home();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_turnfix"));
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env_remove("TURNFIX_DATA_DIR");
        cmd
    }

    /// [`Session::launch`], with `adjust` changing the app's environment first.
    pub fn launch_with(
        &mut self,
        file: &Path,
        title_part: &str,
        adjust: impl FnOnce(&mut Command),
    ) -> Result<(), String> {
        let home = self.home();
        std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
        let log = std::fs::File::create(self.dir.path().join("app.log")).map_err(|e| e.to_string())?;
        let mut cmd = self.command_like_the_app();
        cmd.arg(file).env("DISPLAY", &self.display).env_remove("WAYLAND_DISPLAY");
        adjust(&mut cmd);
        let app = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start turnfix: {e}"))?;
        self.app = Some(app);
        let window = wait_for(&format!("a window titled “…{title_part}…”"), LAUNCH_TIMEOUT, || {
            if let Some(Ok(Some(status))) = self.app.as_mut().map(Child::try_wait) {
                return Some(Err(format!("turnfix exited with {status}: {}", self.app_log())));
            }
            let out = run_with_timeout(
                Command::new("xdotool")
                    .args(["search", "--onlyvisible", "--name", &regex_escape(title_part)])
                    .env("DISPLAY", &self.display),
                WAIT,
            )
            .ok()?;
            let id = String::from_utf8_lossy(&out.stdout).lines().next()?.trim().to_string();
            (!id.is_empty()).then_some(Ok(id))
        })
        .map_err(|e| format!("{e}; the app said: {}", self.app_log()))??;
        self.xdotool(&["windowfocus", "--sync", &window])?;
        self.window = Some(window);
        // The first frames lay the list out; keys sent before that may land nowhere.
        self.settle();
        Ok(())
    }

    /// The app's window's size in pixels.
    pub fn window_size(&self) -> Result<(u32, u32), String> {
        let win = self.window.clone().ok_or("no window")?;
        let out = self.xdotool(&["getwindowgeometry", "--shell", &win])?;
        let get = |k: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(k))
                .and_then(|v| v.trim().parse().ok())
                .ok_or(format!("no {k} in {out}"))
        };
        Ok((get("WIDTH=")?, get("HEIGHT=")?))
    }

    /// Resize the app's window (as a window manager would for the user).
    pub fn resize(&self, w: u32, h: u32) -> Result<(), String> {
        let win = self.window.clone().ok_or("no window")?;
        self.xdotool(&["windowsize", "--sync", &win, &w.to_string(), &h.to_string()])?;
        self.settle();
        Ok(())
    }

    /// What the app wrote to stdout and stderr so far.
    pub fn app_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("app.log")).unwrap_or_default()
    }

    /// Give the app a few frames to act on what it was sent.
    pub fn settle(&self) {
        std::thread::sleep(Duration::from_millis(400));
    }

    /// Press keys, xdotool style: `ctrl+s`, `alt+Down`, `Return`.
    pub fn key(&self, keys: &str) -> Result<(), String> {
        self.xdotool(&["key", "--clearmodifiers", "--delay", "60", keys])?;
        self.settle();
        Ok(())
    }

    /// Press `key` `n` times.
    pub fn key_repeat(&self, key: &str, n: usize) -> Result<(), String> {
        self.xdotool(&["key", "--delay", "30", "--repeat", &n.to_string(), key])?;
        self.settle();
        Ok(())
    }

    /// Type text as key presses.
    pub fn type_text(&self, text: &str) -> Result<(), String> {
        self.xdotool(&["type", "--delay", "40", text])?;
        self.settle();
        Ok(())
    }

    /// The window's title now.
    pub fn title(&self) -> Result<String, String> {
        let w = self.window.as_deref().ok_or("no window")?;
        self.xdotool(&["getwindowname", w])
    }

    /// Wait until the title satisfies `f`; the title then.
    pub fn wait_title(&self, what: &str, f: impl Fn(&str) -> bool) -> Result<String, String> {
        wait_for(what, WAIT, || self.title().ok().filter(|t| f(t)))
            .map_err(|e| format!("{e} (title: {:?})", self.title().unwrap_or_default()))
    }

    /// Save a screenshot of the screen to target/e2e-shots/NAME-WHAT.png (needs ImageMagick's
    /// `import`; silently nothing without it). Returns the path written.
    pub fn screenshot(&self, what: &str) -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-shots");
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{}-{what}.png", self.name));
        let out = run_with_timeout(
            Command::new("import").args(["-window", "root"]).arg(&path).env("DISPLAY", &self.display),
            WAIT,
        )
        .ok()?;
        out.status.success().then_some(path)
    }

    /// End the app as a crash would: SIGKILL, no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut app) = self.app.take() {
            let _ = app.kill();
            let _ = app.wait();
        }
        self.window = None;
    }

    /// Close the app: Ctrl+Q, then a kill if it is still running after a while.
    pub fn quit(&mut self) -> Result<(), String> {
        let Some(mut app) = self.app.take() else { return Ok(()) };
        let _ = self.xdotool(&["key", "--clearmodifiers", "ctrl+q"]);
        let gone = wait_for("turnfix to exit after Ctrl+Q", WAIT, || app.try_wait().ok().flatten());
        if gone.is_err() {
            let _ = app.kill();
            let _ = app.wait();
        }
        self.window = None;
        gone.map(|_| ())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if let Some(p) = self.screenshot("failed") {
                eprintln!("screenshot of the failure: {}", p.display());
            }
            eprintln!("--- the app's output ---\n{}", self.app_log());
        }
        if let Some(mut app) = self.app.take() {
            let _ = app.kill();
            let _ = app.wait();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// `s` as a POSIX extended regex matching itself (xdotool search takes a regex).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

//! Can a native file dialog open here? Decided up front, not from rfd's answer: rfd returns
//! `None` both when the user cancels and when no dialog could be shown at all.
//!
//! rfd 0.17 is built with its default `xdg-portal` backend (Cargo.toml asks for nothing else).
//! On Linux and the BSDs it first calls `org.freedesktop.portal.FileChooser` on the D-Bus
//! session bus (through libdbus), and when that call fails it runs `zenity` from `PATH`; when
//! both fail it logs and returns `None`. So a dialog can open when the portal's FileChooser
//! answers on the session bus, or when `zenity` is on `PATH`. On macOS and Windows rfd uses
//! the system's own dialogs, which are always there.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Whether native file dialogs can be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogService {
    /// They can; which service rfd will use.
    Available(&'static str),
    /// They cannot; why, in words for the user.
    Missing(String),
}

/// What the detection reads from the environment (injected in tests).
pub struct DialogEnv {
    /// `DBUS_SESSION_BUS_ADDRESS`.
    pub bus_address: Option<String>,
    /// `XDG_RUNTIME_DIR` (where the session bus's socket usually is when the address is unset).
    pub runtime_dir: Option<PathBuf>,
    /// `PATH`.
    pub path: Option<OsString>,
}

impl DialogEnv {
    /// This process's environment.
    pub fn from_process() -> DialogEnv {
        DialogEnv {
            bus_address: std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|a| !a.trim().is_empty()),
            runtime_dir: std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from),
            path: std::env::var_os("PATH"),
        }
    }

    /// The session bus's address: the variable, else `$XDG_RUNTIME_DIR/bus` when that socket
    /// exists (what libdbus and zbus fall back to).
    fn session_bus(&self) -> Option<String> {
        if let Some(a) = &self.bus_address {
            return Some(a.clone());
        }
        let sock = self.runtime_dir.as_ref()?.join("bus");
        sock.exists().then(|| format!("unix:path={}", sock.display()))
    }

    /// The first executable called `name` on `PATH`.
    pub fn find_program(&self, name: &str) -> Option<PathBuf> {
        std::env::split_paths(self.path.as_ref()?).map(|d| d.join(name)).find(|p| is_executable(p))
    }
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// How long the portal may take to answer (it may be started on demand by the bus).
const PORTAL_TIMEOUT: Duration = Duration::from_secs(5);

/// Native dialogs are always there on macOS and Windows.
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn detect(_env: &DialogEnv) -> DialogService {
    DialogService::Available("the system's file dialog")
}

/// Detect whether rfd can show a dialog (blocks for at most [`PORTAL_TIMEOUT`]: run it on a
/// task).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn detect(env: &DialogEnv) -> DialogService {
    let portal = match env.session_bus() {
        None => Err("there is no D-Bus session bus".to_string()),
        Some(address) => probe_portal(&address),
    };
    match portal {
        Ok(()) => DialogService::Available("xdg-desktop-portal"),
        Err(_) if env.find_program("zenity").is_some() => DialogService::Available("zenity"),
        Err(why) => DialogService::Missing(format!("{why}, and zenity is not installed")),
    }
}

/// Ask the portal on the bus at `address` for its FileChooser's version: the interface rfd
/// calls. Err says why it cannot be used.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn probe_portal(address: &str) -> Result<(), String> {
    zbus::block_on(async {
        let conn = zbus::connection::Builder::address(address)
            .map_err(|e| format!("the D-Bus session bus address is not usable ({e})"))?
            .method_timeout(PORTAL_TIMEOUT)
            .build()
            .await
            .map_err(|e| format!("the D-Bus session bus cannot be reached ({e})"))?;
        conn.call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.portal.FileChooser", "version"),
        )
        .await
        .map(|_| ())
        .map_err(|e| format!("no xdg-desktop-portal file chooser answers on D-Bus ({})", short(&e)))
    })
}

#[cfg(all(unix, not(target_os = "macos")))]
fn short(e: &zbus::Error) -> String {
    match e {
        zbus::Error::MethodError(name, msg, _) => match msg {
            Some(m) => format!("{}: {m}", name.as_str()),
            None => name.as_str().to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};

    fn env(bus: Option<String>, path: &Path) -> DialogEnv {
        DialogEnv { bus_address: bus, runtime_dir: None, path: Some(path.as_os_str().to_owned()) }
    }

    /// A private session bus with nothing on it (None when dbus-daemon is not installed).
    struct Bus(Child, String);

    impl Bus {
        fn start() -> Option<Bus> {
            let mut child = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let mut line = String::new();
            BufReader::new(child.stdout.take()?).read_line(&mut line).ok()?;
            Some(Bus(child, line.trim().to_string()))
        }
    }

    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn no_bus_and_no_zenity_is_missing_and_says_why() {
        let empty = tempfile::tempdir().unwrap();
        let DialogService::Missing(why) = detect(&env(None, empty.path())) else { panic!("should be missing") };
        assert!(why.contains("no D-Bus session bus") && why.contains("zenity"), "{why}");
        // A bus address that leads nowhere is no service either.
        let gone = format!("unix:path={}", empty.path().join("no-such-socket").display());
        let DialogService::Missing(why) = detect(&env(Some(gone), empty.path())) else { panic!("missing") };
        assert!(why.contains("cannot be reached"), "{why}");
    }

    #[test]
    fn zenity_on_path_is_a_service_but_a_plain_file_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("zenity");
        std::fs::write(&z, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&z, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(detect(&env(None, dir.path())), DialogService::Missing(_)), "not executable");
        std::fs::set_permissions(&z, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(detect(&env(None, dir.path())), DialogService::Available("zenity"));
    }

    #[test]
    fn a_bus_without_a_portal_is_missing_and_one_with_it_is_available() {
        let Some(bus) = Bus::start() else {
            eprintln!("skipped: dbus-daemon is not installed");
            return;
        };
        let empty = tempfile::tempdir().unwrap();
        let DialogService::Missing(why) = detect(&env(Some(bus.1.clone()), empty.path())) else { panic!() };
        assert!(why.contains("no xdg-desktop-portal file chooser"), "{why}");
        // Someone serving the FileChooser's version property under the portal's name.
        struct Chooser;
        #[zbus::interface(name = "org.freedesktop.portal.FileChooser")]
        impl Chooser {
            #[zbus(property, name = "version")]
            fn version(&self) -> u32 {
                4
            }
        }
        let _server = zbus::block_on(async {
            zbus::connection::Builder::address(bus.1.as_str())
                .unwrap()
                .name("org.freedesktop.portal.Desktop")
                .unwrap()
                .serve_at("/org/freedesktop/portal/desktop", Chooser)
                .unwrap()
                .build()
                .await
                .unwrap()
        });
        assert_eq!(detect(&env(Some(bus.1.clone()), empty.path())), DialogService::Available("xdg-desktop-portal"));
    }
}

//! How much memory this process may use: the smallest of what the kernel says is available
//! (`MemAvailable` in `/proc/meminfo`), what the control group's limit leaves (cgroup v2
//! `memory.max` less `memory.current`, for this process's group and every group above it, as a
//! container or a batch scheduler sets them), and `PALERMO_MEMORY_LIMIT` when the user sets it
//! (for a node shared with other jobs, or to try the check). Where none can be read (not
//! Linux), nothing is known and nothing is refused.

use std::fs;
use std::path::{Path, PathBuf};

/// The environment variable that caps the memory palermo plans for.
pub const LIMIT_VAR: &str = "PALERMO_MEMORY_LIMIT";

/// Memory this process may use, and where the figure comes from (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Available {
    pub bytes: u64,
    pub source: String,
}

/// The memory available now; `Ok(None)` where the system says nothing. An error only for an
/// unreadable [`LIMIT_VAR`].
pub fn available() -> Result<Option<Available>, String> {
    let mut found: Vec<Available> = Vec::new();
    if let Some(bytes) = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| meminfo_available(&t))
    {
        found.push(Available {
            bytes,
            source: "the available memory (MemAvailable in /proc/meminfo)".into(),
        });
    }
    if let Some(limit) = cgroup_room() {
        found.push(limit);
    }
    if let Some(value) = std::env::var_os(LIMIT_VAR) {
        let text = value.to_string_lossy();
        let bytes = parse_bytes(&text).ok_or_else(|| {
            format!(
                "{LIMIT_VAR}={text}: not a size; give bytes, or a number with K, M, G or T (powers of 1,024), e.g. 8G"
            )
        })?;
        found.push(Available {
            bytes,
            source: format!("the limit {LIMIT_VAR}={text}"),
        });
    }
    Ok(found.into_iter().min_by_key(|a| a.bytes))
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn meminfo_available(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut words = line.split_whitespace().skip(1);
    let kib: u64 = words.next()?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// The least room any limited control group above this process leaves: its `memory.max`
/// less its `memory.current`.
fn cgroup_room() -> Option<Available> {
    let root = Path::new("/sys/fs/cgroup");
    let own = fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|t| cgroup_v2_path(&t))
        .map(|p| root.join(p.trim_start_matches('/')))
        .filter(|p| p.is_dir())
        // Inside a cgroup namespace the recorded path may not exist: the root is the group.
        .unwrap_or_else(|| root.to_path_buf());
    own.ancestors()
        .take_while(|p| p.starts_with(root))
        .filter_map(group_room)
        .min_by_key(|a| a.bytes)
}

fn group_room(dir: &Path) -> Option<Available> {
    let max = fs::read_to_string(dir.join("memory.max")).ok()?;
    let current = fs::read_to_string(dir.join("memory.current")).ok();
    let stat = fs::read_to_string(dir.join("memory.stat")).unwrap_or_default();
    let bytes = room(&max, current.as_deref(), &stat)?;
    let file: PathBuf = dir.join("memory.max");
    Some(Available {
        bytes,
        source: format!(
            "the room under the control group's limit ({} = {}, less what the group uses)",
            file.display(),
            max.trim()
        ),
    })
}

/// Room left under a `memory.max` (`max`: no limit) with `memory.current` in use, of which
/// the inactive file cache of `memory.stat` is given back on demand (as `docker stats` and
/// the kernel's own reclaim count it).
fn room(max: &str, current: Option<&str>, stat: &str) -> Option<u64> {
    let max: u64 = max.trim().parse().ok()?;
    let used: u64 = current.and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    let reclaimable: u64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("inactive_file "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Some(max.saturating_sub(used.saturating_sub(reclaimable)))
}

/// The group of a cgroup v2 line `0::/path` of `/proc/self/cgroup`.
fn cgroup_v2_path(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(str::to_string)
}

/// `123`, `64K`, `512M`, `8G`, `1T` (powers of 1,024; a trailing `B` or `iB` allowed).
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.char_indices().last()? {
        (i, 'K' | 'k') => (&t[..i], 10),
        (i, 'M' | 'm') => (&t[..i], 20),
        (i, 'G' | 'g') => (&t[..i], 30),
        (i, 'T' | 't') => (&t[..i], 40),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_meminfo_and_cgroup_files() {
        let meminfo = "MemTotal:       24000000 kB\nMemFree: 100 kB\nMemAvailable:   16000000 kB\n";
        assert_eq!(meminfo_available(meminfo), Some(16_000_000 * 1024));
        assert_eq!(meminfo_available("MemTotal: 1 kB\n"), None);
        assert_eq!(room("max\n", Some("100\n"), ""), None);
        assert_eq!(room("1000\n", Some("300\n"), ""), Some(700));
        assert_eq!(room("1000\n", None, ""), Some(1000));
        assert_eq!(room("100\n", Some("300\n"), ""), Some(0));
        let stat = "anon 100\nfile 200\nactive_file 80\ninactive_file 120\n";
        assert_eq!(room("1000\n", Some("300\n"), stat), Some(820));
        assert_eq!(
            cgroup_v2_path("12:cpu:/x\n0::/user.slice/job.scope\n").as_deref(),
            Some("/user.slice/job.scope")
        );
        assert_eq!(cgroup_v2_path("4:memory:/x\n"), None);
    }

    #[test]
    fn sizes_in_bytes_or_with_a_unit() {
        assert_eq!(parse_bytes("123"), Some(123));
        assert_eq!(parse_bytes("64K"), Some(64 << 10));
        assert_eq!(parse_bytes("512MiB"), Some(512 << 20));
        assert_eq!(parse_bytes(" 8G "), Some(8 << 30));
        assert_eq!(parse_bytes("2TB"), Some(2 << 40));
        for bad in ["", "G", "-1", "1.5G", "8X", "99999999999T"] {
            assert_eq!(parse_bytes(bad), None, "{bad}");
        }
    }
}

//! The model catalogue, as the seed document lists it: every model name of every deployment
//! scope, the series that accept "and later snapshots", and what each model can do (thinking,
//! `n` > 1).
//!
//! Without a region the server accepts the union of all scopes. Each entry keeps its scopes so
//! that a region can later narrow the list.

/// The deployment scopes the seed lists models for, as bits of a mask.
pub(crate) mod scope {
    /// Global.
    pub(crate) const GLOBAL: u8 = 1;
    /// International (Singapore).
    pub(crate) const INTL: u8 = 2;
    /// US (Virginia).
    pub(crate) const US: u8 = 4;
    /// Chinese Mainland (Beijing).
    pub(crate) const CN: u8 = 8;
    /// Every scope.
    pub(crate) const ALL: u8 = GLOBAL | INTL | US | CN;
}

use scope::{CN, GLOBAL, INTL, US};

/// A model name listed as such.
struct Named {
    id: &'static str,
    scopes: u8,
}

/// A series that accepts dated snapshots `{base}-YYYY-MM-DD{suffix}` from `since` on.
struct Snapshots {
    base: &'static str,
    suffix: &'static str,
    since: &'static str,
    scopes: u8,
}

const fn named(id: &'static str, scopes: u8) -> Named {
    Named { id, scopes }
}

const fn since(base: &'static str, since: &'static str, scopes: u8) -> Snapshots {
    Snapshots {
        base,
        suffix: "",
        since,
        scopes,
    }
}

const GIC: u8 = GLOBAL | INTL | CN;
const IC: u8 = INTL | CN;

/// Every model name the seed lists, with the scopes that list it.
static NAMED: &[Named] = &[
    // Commercial.
    named("qwen3-max", GIC),
    named("qwen3-max-preview", GIC),
    named("qwen3-max-2025-09-23", GIC),
    named("qwen-max", IC),
    named("qwen-max-latest", IC),
    named("qwen-max-2025-01-25", INTL),
    named("qwen-max-2024-09-19", CN),
    named("qwen3.5-plus", IC),
    named("qwen3.5-plus-2026-02-15", IC),
    named("qwen-plus", GIC),
    named("qwen-plus-latest", GIC),
    named("qwen-plus-2025-01-25", GLOBAL | INTL),
    named("qwen-plus-2024-12-20", CN),
    named("qwen-plus-us", US),
    named("qwen-plus-2025-12-01-us", US),
    named("qwen-flash", GIC),
    named("qwen-flash-2025-07-28", GIC),
    named("qwen-flash-us", US),
    named("qwen-flash-2025-07-28-us", US),
    named("qwen-turbo", IC),
    named("qwen-turbo-latest", IC),
    named("qwen-turbo-2024-11-01", INTL),
    named("qwen-turbo-2025-04-28", CN),
    named("qwen3-coder-plus", IC),
    named("qwen3-coder-plus-2025-07-22", IC),
    named("qwen3-coder-flash", IC),
    named("qwen3-coder-flash-2025-07-28", IC),
    named("qwen-coder-plus", CN),
    named("qwen-coder-plus-latest", CN),
    named("qwen-coder-plus-2024-11-06", CN),
    named("qwen-coder-turbo", CN),
    named("qwen-coder-turbo-latest", CN),
    named("qwen-coder-turbo-2024-09-19", CN),
    named("qwq-plus", IC),
    named("qwq-plus-latest", CN),
    named("qwq-plus-2025-03-05", CN),
    named("qwen-math-plus", CN),
    named("qwen-math-plus-latest", CN),
    named("qwen-math-plus-2024-08-16", CN),
    named("qwen-math-turbo", CN),
    named("qwen-math-turbo-latest", CN),
    named("qwen-math-turbo-2024-09-19", CN),
    // Open-source.
    named("qwen3.5-397b-a17b", IC),
    named("qwen3-next-80b-a3b-thinking", GIC),
    named("qwen3-next-80b-a3b-instruct", GIC),
    named("qwen3-235b-a22b-thinking-2507", GIC),
    named("qwen3-235b-a22b-instruct-2507", GIC),
    named("qwen3-30b-a3b-thinking-2507", GIC),
    named("qwen3-30b-a3b-instruct-2507", GIC),
    named("qwen3-235b-a22b", GIC),
    named("qwen3-32b", GIC),
    named("qwen3-30b-a3b", GIC),
    named("qwen3-14b", GIC),
    named("qwen3-8b", GIC),
    named("qwen3-4b", IC),
    named("qwen3-1.7b", IC),
    named("qwen3-0.6b", IC),
    named("qwen2.5-14b-instruct-1m", IC),
    named("qwen2.5-7b-instruct-1m", IC),
    named("qwen2.5-72b-instruct", IC),
    named("qwen2.5-32b-instruct", IC),
    named("qwen2.5-14b-instruct", IC),
    named("qwen2.5-7b-instruct", IC),
    named("qwen2.5-3b-instruct", CN),
    named("qwen2.5-1.5b-instruct", CN),
    named("qwen2.5-0.5b-instruct", CN),
];

/// The series the seed says accept "and later snapshots", with the first date per scope.
static SNAPSHOTS: &[Snapshots] = &[
    since("qwen3-max", "2025-09-23", GIC),
    since("qwen-max", "2025-01-25", INTL),
    since("qwen-max", "2024-09-19", CN),
    since("qwen3.5-plus", "2026-02-15", IC),
    since("qwen-plus", "2025-01-25", GLOBAL | INTL),
    since("qwen-plus", "2024-12-20", CN),
    Snapshots {
        base: "qwen-plus",
        suffix: "-us",
        since: "2025-12-01",
        scopes: US,
    },
    since("qwen-flash", "2025-07-28", GIC),
    since("qwen-turbo", "2024-11-01", INTL),
    since("qwen-turbo", "2025-04-28", CN),
    since("qwen3-coder-plus", "2025-07-22", IC),
    since("qwen3-coder-flash", "2025-07-28", IC),
    since("qwen-math-plus", "2024-08-16", CN),
];

/// Whether and how a model thinks before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Thinking {
    /// Never: `enable_thinking` is ignored.
    Never,
    /// When `enable_thinking` says so, with this default when it is absent.
    Optional { default: bool },
    /// Always (`*-thinking*` models, QwQ).
    Always,
}

/// What the server knows about one accepted model name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModelInfo {
    /// The scopes (see [`scope`]) that list the name or its series.
    pub(crate) scopes: u8,
    /// Whether the model thinks.
    pub(crate) thinking: Thinking,
}

impl ModelInfo {
    /// Stands in for a model that is not named at all (the request then fails validation).
    pub(crate) fn unknown() -> Self {
        ModelInfo {
            scopes: 0,
            thinking: Thinking::Never,
        }
    }
}

/// Looks `name` up among the listed names and the snapshot series of the scopes in `scopes`.
pub(crate) fn lookup(name: &str, scopes: u8) -> Option<ModelInfo> {
    let listed = NAMED
        .iter()
        .filter(|m| m.id == name && m.scopes & scopes != 0)
        .fold(0, |acc, m| acc | m.scopes);
    let snap = SNAPSHOTS
        .iter()
        .filter(|s| s.scopes & scopes != 0 && is_snapshot_of(name, s))
        .fold(0, |acc, s| acc | s.scopes);
    let found = (listed | snap) & scopes;
    (found != 0).then(|| ModelInfo {
        scopes: found,
        thinking: thinking_of(name),
    })
}

/// Every listed model name of the scopes in `scopes`, in catalogue order.
pub(crate) fn listed(scopes: u8) -> impl Iterator<Item = &'static str> {
    NAMED
        .iter()
        .filter(move |m| m.scopes & scopes != 0)
        .map(|m| m.id)
}

/// Whether `name` is `{base}-YYYY-MM-DD{suffix}` with a date on or after `s.since`.
fn is_snapshot_of(name: &str, s: &Snapshots) -> bool {
    let Some(rest) = name
        .strip_prefix(s.base)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_suffix(s.suffix))
    else {
        return false;
    };
    is_iso_date(rest) && rest >= s.since
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month = &text[5..7];
    let day = &text[8..10];
    ("01"..="12").contains(&month) && ("01"..="31").contains(&day)
}

/// The thinking behaviour of a model, from its name.
fn thinking_of(name: &str) -> Thinking {
    if name.contains("thinking") || name.starts_with("qwq") {
        return Thinking::Always;
    }
    if name.contains("instruct") {
        return Thinking::Never;
    }
    // The open-source Qwen3 hybrid models think unless told not to.
    const OPEN_HYBRID: &[&str] = &[
        "qwen3-235b-a22b",
        "qwen3-32b",
        "qwen3-30b-a3b",
        "qwen3-14b",
        "qwen3-8b",
        "qwen3-4b",
        "qwen3-1.7b",
        "qwen3-0.6b",
        "qwen3.5-397b-a17b",
    ];
    if OPEN_HYBRID.contains(&name) {
        return Thinking::Optional { default: true };
    }
    const HYBRID_SERIES: &[&str] = &[
        "qwen-plus",
        "qwen-flash",
        "qwen-turbo",
        "qwen3-max",
        "qwen3.5-plus",
    ];
    if HYBRID_SERIES.iter().any(|series| in_series(name, series)) {
        return Thinking::Optional { default: false };
    }
    Thinking::Never
}

/// Whether `name` is `series` itself or one of its aliases, snapshots or regional names.
pub(crate) fn in_series(name: &str, series: &str) -> bool {
    name == series
        || name
            .strip_prefix(series)
            .is_some_and(|rest| rest.starts_with('-') && !rest.starts_with("-coder"))
}

/// Whether the seed allows `n` > 1 for `name`: only the qwen-plus model.
pub(crate) fn allows_many_choices(name: &str) -> bool {
    in_series(name, "qwen-plus")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_is_accepted() {
        for name in listed(scope::ALL) {
            assert!(lookup(name, scope::ALL).is_some(), "{name}");
        }
        assert!(listed(scope::ALL).count() > 60);
    }

    #[test]
    fn snapshots_from_their_date_on() {
        assert!(lookup("qwen-plus-2025-04-28", scope::ALL).is_some());
        assert!(lookup("qwen-plus-2030-12-31", scope::ALL).is_some());
        assert!(lookup("qwen-plus-2024-12-19", scope::ALL).is_none());
        assert!(lookup("qwen-plus-2025-13-01", scope::ALL).is_none());
        assert!(lookup("qwen-plus-2026-01-05-us", scope::ALL).is_some());
        assert!(lookup("qwen-plus-2025-11-30-us", scope::ALL).is_none());
        assert!(lookup("qwen-max-2024-09-19", scope::INTL).is_none());
        assert!(lookup("qwen-max-2024-09-19", scope::CN).is_some());
        assert!(lookup("gpt-4o", scope::ALL).is_none());
        assert!(lookup("qwen-plus-", scope::ALL).is_none());
    }

    #[test]
    fn thinking_by_name() {
        assert_eq!(
            thinking_of("qwen3-235b-a22b-thinking-2507"),
            Thinking::Always
        );
        assert_eq!(thinking_of("qwq-plus"), Thinking::Always);
        assert_eq!(thinking_of("qwen3-30b-a3b-instruct-2507"), Thinking::Never);
        assert_eq!(
            thinking_of("qwen3-32b"),
            Thinking::Optional { default: true }
        );
        assert_eq!(
            thinking_of("qwen-plus-latest"),
            Thinking::Optional { default: false }
        );
        assert_eq!(thinking_of("qwen-max"), Thinking::Never);
        assert_eq!(thinking_of("qwen2.5-72b-instruct"), Thinking::Never);
    }

    #[test]
    fn many_choices_only_on_qwen_plus() {
        assert!(allows_many_choices("qwen-plus"));
        assert!(allows_many_choices("qwen-plus-2025-04-28"));
        assert!(!allows_many_choices("qwen-max"));
        assert!(!allows_many_choices("qwen3.5-plus"));
    }
}

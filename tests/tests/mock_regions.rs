//! Regions and their model catalogs, checked against this file's own transcription of the
//! seed's "Supported models" lists (not against the catalogue under test): in every region,
//! every model of its deployment scopes is listed by `/v1/models` and accepted, dated
//! snapshots are accepted from the listed date on, and every name just outside is a 404
//! `model_not_found`.

mod common;

use std::collections::BTreeSet;

use chatwire_mock::{MockServer, Region};
use common::{chat, send};

/// One entry of a seed list: a name, and whether the seed adds "and later snapshots".
type Entry = (&'static str, bool);

const GLOBAL: &[Entry] = &[
    ("qwen3-max", false),
    ("qwen3-max-preview", false),
    ("qwen3-max-2025-09-23", true),
    ("qwen-plus", false),
    ("qwen-plus-latest", false),
    ("qwen-plus-2025-01-25", true),
    ("qwen-flash", false),
    ("qwen-flash-2025-07-28", true),
    ("qwen3-next-80b-a3b-thinking", false),
    ("qwen3-next-80b-a3b-instruct", false),
    ("qwen3-235b-a22b-thinking-2507", false),
    ("qwen3-235b-a22b-instruct-2507", false),
    ("qwen3-30b-a3b-thinking-2507", false),
    ("qwen3-30b-a3b-instruct-2507", false),
    ("qwen3-235b-a22b", false),
    ("qwen3-32b", false),
    ("qwen3-30b-a3b", false),
    ("qwen3-14b", false),
    ("qwen3-8b", false),
];

const INTERNATIONAL: &[Entry] = &[
    ("qwen3-max", false),
    ("qwen3-max-preview", false),
    ("qwen3-max-2025-09-23", true),
    ("qwen-max", false),
    ("qwen-max-latest", false),
    ("qwen-max-2025-01-25", true),
    ("qwen3.5-plus", false),
    ("qwen3.5-plus-2026-02-15", true),
    ("qwen-plus", false),
    ("qwen-plus-latest", false),
    ("qwen-plus-2025-01-25", true),
    ("qwen-flash", false),
    ("qwen-flash-2025-07-28", true),
    ("qwen-turbo", false),
    ("qwen-turbo-latest", false),
    ("qwen-turbo-2024-11-01", true),
    ("qwen3-coder-plus", false),
    ("qwen3-coder-plus-2025-07-22", true),
    ("qwen3-coder-flash", false),
    ("qwen3-coder-flash-2025-07-28", true),
    ("qwq-plus", false),
    ("qwen3.5-397b-a17b", false),
    ("qwen3-next-80b-a3b-thinking", false),
    ("qwen3-next-80b-a3b-instruct", false),
    ("qwen3-235b-a22b-thinking-2507", false),
    ("qwen3-235b-a22b-instruct-2507", false),
    ("qwen3-30b-a3b-thinking-2507", false),
    ("qwen3-30b-a3b-instruct-2507", false),
    ("qwen3-235b-a22b", false),
    ("qwen3-32b", false),
    ("qwen3-30b-a3b", false),
    ("qwen3-14b", false),
    ("qwen3-8b", false),
    ("qwen3-4b", false),
    ("qwen3-1.7b", false),
    ("qwen3-0.6b", false),
    ("qwen2.5-14b-instruct-1m", false),
    ("qwen2.5-7b-instruct-1m", false),
    ("qwen2.5-72b-instruct", false),
    ("qwen2.5-32b-instruct", false),
    ("qwen2.5-14b-instruct", false),
    ("qwen2.5-7b-instruct", false),
];

const US: &[Entry] = &[
    ("qwen-plus-us", false),
    ("qwen-plus-2025-12-01-us", true),
    ("qwen-flash-us", false),
    ("qwen-flash-2025-07-28-us", false),
];

const CHINESE_MAINLAND: &[Entry] = &[
    ("qwen3-max", false),
    ("qwen3-max-preview", false),
    ("qwen3-max-2025-09-23", true),
    ("qwen-max", false),
    ("qwen-max-latest", false),
    ("qwen-max-2024-09-19", true),
    ("qwen3.5-plus", false),
    ("qwen3.5-plus-2026-02-15", true),
    ("qwen-plus", false),
    ("qwen-plus-latest", false),
    ("qwen-plus-2024-12-20", true),
    ("qwen-flash", false),
    ("qwen-flash-2025-07-28", true),
    ("qwen-turbo", false),
    ("qwen-turbo-latest", false),
    ("qwen-turbo-2025-04-28", true),
    ("qwen3-coder-plus", false),
    ("qwen3-coder-plus-2025-07-22", true),
    ("qwen3-coder-flash", false),
    ("qwen3-coder-flash-2025-07-28", true),
    ("qwen-coder-plus", false),
    ("qwen-coder-plus-latest", false),
    ("qwen-coder-plus-2024-11-06", false),
    ("qwen-coder-turbo", false),
    ("qwen-coder-turbo-latest", false),
    ("qwen-coder-turbo-2024-09-19", false),
    ("qwq-plus", false),
    ("qwq-plus-latest", false),
    ("qwq-plus-2025-03-05", false),
    ("qwen-math-plus", false),
    ("qwen-math-plus-latest", false),
    ("qwen-math-plus-2024-08-16", true),
    ("qwen-math-turbo", false),
    ("qwen-math-turbo-latest", false),
    ("qwen-math-turbo-2024-09-19", false),
    ("qwen3.5-397b-a17b", false),
    ("qwen3-next-80b-a3b-thinking", false),
    ("qwen3-next-80b-a3b-instruct", false),
    ("qwen3-235b-a22b-thinking-2507", false),
    ("qwen3-235b-a22b-instruct-2507", false),
    ("qwen3-30b-a3b-thinking-2507", false),
    ("qwen3-30b-a3b-instruct-2507", false),
    ("qwen3-235b-a22b", false),
    ("qwen3-32b", false),
    ("qwen3-30b-a3b", false),
    ("qwen3-14b", false),
    ("qwen3-8b", false),
    ("qwen3-4b", false),
    ("qwen3-1.7b", false),
    ("qwen3-0.6b", false),
    ("qwen2.5-14b-instruct-1m", false),
    ("qwen2.5-7b-instruct-1m", false),
    ("qwen2.5-72b-instruct", false),
    ("qwen2.5-32b-instruct", false),
    ("qwen2.5-14b-instruct", false),
    ("qwen2.5-7b-instruct", false),
    ("qwen2.5-3b-instruct", false),
    ("qwen2.5-1.5b-instruct", false),
    ("qwen2.5-0.5b-instruct", false),
];

/// The seed lists a region serves: Singapore the International scope, Virginia the Global
/// and US scopes, Beijing the Chinese Mainland scope.
fn lists(region: Region) -> Vec<&'static [Entry]> {
    match region {
        Region::Singapore => vec![INTERNATIONAL],
        Region::Virginia => vec![GLOBAL, US],
        Region::Beijing => vec![CHINESE_MAINLAND],
        _ => unreachable!("a region this test does not know"),
    }
}

fn entries(region: Region) -> Vec<Entry> {
    lists(region).into_iter().flatten().copied().collect()
}

fn every_region() -> [Region; 3] {
    [Region::Singapore, Region::Virginia, Region::Beijing]
}

/// Splits `name` into the series, the date and the suffix of a dated snapshot.
fn dated(name: &str) -> (&str, &str, &str) {
    let suffix = if name.ends_with("-us") { "-us" } else { "" };
    let stem = &name[..name.len() - suffix.len()];
    let (series, date) = stem.split_at(stem.len() - 10);
    (&series[..series.len() - 1], date, suffix)
}

/// Names a region must accept: the listed names and, for each "and later snapshots" entry,
/// later dates (next day, next month, a leap day, a later year).
fn accepted(region: Region) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (name, later) in entries(region) {
        names.insert(name.to_owned());
        if later {
            let (series, date, suffix) = dated(name);
            for later_date in [
                next_day(date),
                bump_month(date),
                "2028-02-29".to_owned(),
                "2031-01-01".to_owned(),
            ] {
                names.insert(format!("{series}-{later_date}{suffix}"));
            }
        }
    }
    names
}

/// Names just outside a region: each listed name with a letter appended, the day before
/// each "and later" date, impossible dates, a later date for names without "and later",
/// `-latest` of series that do not list it, and every other region's names it does not list.
fn rejected(region: Region) -> BTreeSet<String> {
    let inside = accepted(region);
    assert!(inside.iter().all(|n| in_scope(region, n)), "{region}");
    let mut names = BTreeSet::new();
    for (name, later) in entries(region) {
        names.insert(format!("{name}x"));
        names.insert(format!("x{name}"));
        let stem = name.strip_suffix("-us").unwrap_or(name);
        if stem.len() > 11 && real_date(&stem[stem.len() - 10..]) {
            let (series, date, suffix) = dated(name);
            if later {
                names.insert(format!("{series}-{}{suffix}", day_before(date)));
                names.insert(format!("{series}-2029-02-29{suffix}"));
                names.insert(format!("{series}-2030-04-31{suffix}"));
                names.insert(format!("{series}-2030-13-01{suffix}"));
            } else {
                names.insert(format!("{series}-{}{suffix}", next_day(date)));
            }
        }
    }
    for series in [
        "qwen3-max",
        "qwen-flash",
        "qwen3.5-plus",
        "qwen3-coder-plus",
        "qwen3-coder-flash",
    ] {
        names.insert(format!("{series}-latest"));
    }
    for other in every_region() {
        for (name, _) in entries(other) {
            names.insert(name.to_owned());
        }
    }
    names.retain(|n| !inside.contains(n) && !in_scope(region, n));
    names
}

/// The seed's rule, independently: a listed name, or a real calendar date on or after an
/// "and later snapshots" entry's date, with the same series and suffix.
fn in_scope(region: Region, name: &str) -> bool {
    entries(region).iter().any(|&(entry, later)| {
        if entry == name {
            return true;
        }
        if !later || name.len() != entry.len() {
            return false;
        }
        let (series, date, suffix) = dated(entry);
        let (their_series, their_date, their_suffix) = dated(name);
        series == their_series
            && suffix == their_suffix
            && real_date(their_date)
            && their_date >= date
    })
}

fn real_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let (y, m, d) = parse_date(date);
    (1..=12).contains(&m) && (1..=days_in(y, m)).contains(&d)
}

fn parse_date(date: &str) -> (u32, u32, u32) {
    let part = |r: std::ops::Range<usize>| date[r].parse::<u32>().unwrap();
    (part(0..4), part(5..7), part(8..10))
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn next_day(date: &str) -> String {
    let (mut y, mut m, mut d) = parse_date(date);
    d += 1;
    if d > days_in(y, m) {
        d = 1;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    format!("{y:04}-{m:02}-{d:02}")
}

fn day_before(date: &str) -> String {
    let (mut y, mut m, mut d) = parse_date(date);
    if d == 1 {
        if m == 1 {
            m = 12;
            y -= 1;
        } else {
            m -= 1;
        }
        d = days_in(y, m);
    } else {
        d -= 1;
    }
    format!("{y:04}-{m:02}-{d:02}")
}

fn bump_month(date: &str) -> String {
    let (y, m, d) = parse_date(date);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    format!("{y:04}-{m:02}-{:02}", d.min(days_in(y, m)))
}

async fn start(region: Region) -> MockServer {
    MockServer::builder().region(region).start().await.unwrap()
}

/// A streamed request, so that thinking-only models answer too.
fn request(model: &str) -> String {
    format!(r#"{{"model":"{model}","stream":true,"messages":[{{"role":"user","content":"Hi"}}]}}"#)
}

#[tokio::test]
async fn the_model_list_is_the_region_s_scopes() {
    for region in every_region() {
        let server = start(region).await;
        let answer = send(
            "GET",
            &format!("{}/models", server.openai_base_url()),
            &[("authorization", "Bearer sk-test")],
            "",
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        let listed: BTreeSet<String> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        let expected: BTreeSet<String> = entries(region)
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .collect();
        assert_eq!(listed, expected, "{region}");
    }
}

#[tokio::test]
async fn every_listed_model_and_later_snapshot_is_accepted() {
    for region in every_region() {
        let server = start(region).await;
        let names = accepted(region);
        assert!(names.len() > entries(region).len(), "{region}");
        for name in &names {
            let answer = chat(&server.base_url(), &request(name)).await;
            assert_eq!(answer.status, 200, "{region} {name}: {}", answer.text());
            let one = send(
                "GET",
                &format!("{}/models/{name}", server.base_url()),
                &[("authorization", "Bearer sk-test")],
                "",
            )
            .await;
            assert_eq!(one.status, 200, "{region} {name}");
        }
    }
}

#[tokio::test]
async fn every_name_just_outside_is_model_not_found() {
    for region in every_region() {
        let server = start(region).await;
        let names = rejected(region);
        assert!(names.len() > 2 * entries(region).len(), "{region}");
        for name in &names {
            let answer = chat(&server.base_url(), &request(name)).await;
            let body = answer.assert_error(404, "model_not_found");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(&format!("`{name}`")), "{message}");
        }
    }
}

#[tokio::test]
async fn the_issue_s_examples() {
    let singapore = start(Region::Singapore).await;
    let beijing = start(Region::Beijing).await;
    let virginia = start(Region::Virginia).await;
    let status = |server: &MockServer, model: &str| {
        let base = server.base_url();
        let body = request(model);
        async move { chat(&base, &body).await.status }
    };
    assert_eq!(status(&singapore, "qwen-plus-2025-01-25").await, 200);
    assert_eq!(status(&singapore, "qwen-plus-2026-07-01").await, 200);
    assert_eq!(status(&singapore, "qwen-plus-2025-01-24").await, 404);
    assert_eq!(status(&singapore, "qwen-max-2024-09-19").await, 404);
    assert_eq!(status(&beijing, "qwen-max-2024-09-19").await, 200);
    assert_eq!(status(&beijing, "qwen-max-2024-10-01").await, 200);
    assert_eq!(status(&beijing, "qwen-max-2024-09-18").await, 404);
    assert_eq!(status(&virginia, "qwen-plus-us").await, 200);
    assert_eq!(status(&virginia, "qwen-plus-2026-01-05-us").await, 200);
    assert_eq!(status(&virginia, "qwen-plus-2025-11-30-us").await, 404);
    assert_eq!(status(&virginia, "qwen-flash-2025-07-29-us").await, 404);
    assert_eq!(status(&singapore, "qwen-plus-us").await, 404);
    assert_eq!(status(&virginia, "qwen-max").await, 404);
}

#[test]
fn base_urls_are_the_seed_s() {
    assert_eq!(
        Region::Singapore.base_url(),
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    );
    assert_eq!(
        Region::Virginia.base_url(),
        "https://dashscope-us.aliyuncs.com/compatible-mode/v1"
    );
    assert_eq!(
        Region::Beijing.base_url(),
        "https://dashscope.aliyuncs.com/compatible-mode/v1"
    );
}

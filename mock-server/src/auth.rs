//! Bearer-token authentication: `Authorization: Bearer <key>`.

use hyper::header::{HeaderMap, AUTHORIZATION};

/// Whether `headers` carry an acceptable API key.
///
/// With no configured `keys`, any non-empty Bearer token is accepted; otherwise the token must
/// be one of `keys`. A missing header, another scheme, an empty token or bytes that are not
/// visible ASCII are rejected.
pub(crate) fn authorized(headers: &HeaderMap, keys: &[String]) -> bool {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
    else {
        return false;
    };
    keys.is_empty() || keys.iter().any(|k| k == token)
}

/// The token of a `Bearer <token>` value (scheme case-insensitive), if non-empty.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn any_token_without_keys() {
        assert!(authorized(&headers("Bearer sk-anything"), &[]));
        assert!(authorized(&headers("bearer  sk-x "), &[]));
        assert!(!authorized(&headers("Bearer "), &[]));
        assert!(!authorized(&headers("Basic abc"), &[]));
        assert!(!authorized(&headers("sk-abc"), &[]));
        assert!(!authorized(&HeaderMap::new(), &[]));
    }

    #[test]
    fn only_configured_keys() {
        let keys = vec!["sk-a".to_owned(), "sk-b".to_owned()];
        assert!(authorized(&headers("Bearer sk-b"), &keys));
        assert!(!authorized(&headers("Bearer sk-c"), &keys));
    }
}

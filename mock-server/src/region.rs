//! [`Region`]: the seed's three regions, their documented base URLs, and the deployment scopes
//! whose models each one serves.
//!
//! The seed lists models per deployment scope (Global, International, US, Chinese Mainland)
//! and base URLs per region (Singapore, Virginia, Beijing) without joining the two. Model
//! Studio's "regions and deployment modes" page does: Singapore serves the International
//! scope; US (Virginia) serves the Global and the US scopes; Beijing serves the Chinese
//! Mainland scope.

use std::fmt;
use std::str::FromStr;

use crate::models::scope;
use crate::profile::{ParseSettingError, SettingKind};

/// A region of the seed's base-URL table.
///
/// # Example
///
/// ```
/// use chatwire_mock::Region;
///
/// let region: Region = "virginia".parse().unwrap();
/// assert_eq!(region.base_url(), "https://dashscope-us.aliyuncs.com/compatible-mode/v1");
/// assert_eq!(region.scopes(), ["Global", "US"]);
/// assert!("frankfurt".parse::<Region>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Singapore: the International scope.
    Singapore,
    /// Virginia: the Global and US scopes.
    Virginia,
    /// Beijing: the Chinese Mainland scope.
    Beijing,
}

impl Region {
    /// Every region, in the seed's order.
    pub const ALL: [Region; 3] = [Region::Singapore, Region::Virginia, Region::Beijing];

    /// The name used on the command line: `singapore`, `virginia` or `beijing`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Singapore => "singapore",
            Region::Virginia => "virginia",
            Region::Beijing => "beijing",
        }
    }

    /// The region's documented SDK `base_url`.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Singapore => "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            Region::Virginia => "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
            Region::Beijing => "https://dashscope.aliyuncs.com/compatible-mode/v1",
        }
    }

    /// The names of the seed's deployment scopes this region serves.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Region::Singapore => &["International"],
            Region::Virginia => &["Global", "US"],
            Region::Beijing => &["Chinese Mainland"],
        }
    }

    /// The scopes as the catalogue's mask.
    pub(crate) fn scope_mask(self) -> u8 {
        match self {
            Region::Singapore => scope::INTL,
            Region::Virginia => scope::GLOBAL | scope::US,
            Region::Beijing => scope::CN,
        }
    }
}

/// The catalogue mask of `region`, or every scope without one.
pub(crate) fn scope_mask(region: Option<Region>) -> u8 {
    region.map_or(scope::ALL, Region::scope_mask)
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = ParseSettingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Region::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| ParseSettingError::new(SettingKind::Region, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_masks() {
        for region in Region::ALL {
            assert_eq!(region.name().parse::<Region>(), Ok(region));
            assert!(region.base_url().starts_with("https://dashscope"));
        }
        assert_eq!(scope_mask(None), scope::ALL);
        assert_eq!(scope_mask(Some(Region::Beijing)), scope::CN);
        assert_eq!(
            "mars".parse::<Region>().unwrap_err().kind(),
            SettingKind::Region
        );
    }
}

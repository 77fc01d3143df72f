//! [`Interval`] and [`IntRange`]: the ranges request parameters must fall in.

use std::fmt;

/// A range of real numbers, each end open or closed.
///
/// # Example
///
/// ```
/// use chatwire::validate::Interval;
///
/// let top_p = Interval::open_closed(0.0, 1.0);
/// assert!(top_p.contains(1.0) && !top_p.contains(0.0));
/// assert_eq!(top_p.to_string(), "(0.0, 1.0]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The lower end.
    pub min: f64,
    /// Whether `min` itself is in the range.
    pub min_inclusive: bool,
    /// The upper end.
    pub max: f64,
    /// Whether `max` itself is in the range.
    pub max_inclusive: bool,
}

impl Interval {
    /// `[min, max]`.
    pub const fn closed(min: f64, max: f64) -> Self {
        Interval {
            min,
            min_inclusive: true,
            max,
            max_inclusive: true,
        }
    }

    /// `[min, max)`.
    pub const fn closed_open(min: f64, max: f64) -> Self {
        Interval {
            max_inclusive: false,
            ..Self::closed(min, max)
        }
    }

    /// `(min, max]`.
    pub const fn open_closed(min: f64, max: f64) -> Self {
        Interval {
            min_inclusive: false,
            ..Self::closed(min, max)
        }
    }

    /// `(min, max)`.
    pub const fn open(min: f64, max: f64) -> Self {
        Interval {
            min_inclusive: false,
            max_inclusive: false,
            ..Self::closed(min, max)
        }
    }

    /// `true` when `value` is in the range (never for NaN).
    pub fn contains(&self, value: f64) -> bool {
        let above = if self.min_inclusive {
            value >= self.min
        } else {
            value > self.min
        };
        let below = if self.max_inclusive {
            value <= self.max
        } else {
            value < self.max
        };
        above && below
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:?}, {:?}{}",
            if self.min_inclusive { '[' } else { '(' },
            self.min,
            self.max,
            if self.max_inclusive { ']' } else { ')' },
        )
    }
}

/// A range of integers, `[min, max]`, or `[min, +inf)` without a maximum.
///
/// # Example
///
/// ```
/// use chatwire::validate::IntRange;
///
/// assert!(IntRange::new(1, Some(4)).contains(4));
/// assert_eq!(IntRange::new(1, None).to_string(), "[1, +inf)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRange {
    /// The smallest allowed value.
    pub min: i64,
    /// The largest allowed value, if any.
    pub max: Option<i64>,
}

impl IntRange {
    /// `[min, max]`, or `[min, +inf)` when `max` is `None`.
    pub const fn new(min: i64, max: Option<i64>) -> Self {
        IntRange { min, max }
    }

    /// `true` when `value` is in the range.
    pub fn contains(&self, value: i64) -> bool {
        value >= self.min && self.max.is_none_or(|max| value <= max)
    }
}

impl fmt::Display for IntRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "[{}, {max}]", self.min),
            None => write!(f, "[{}, +inf)", self.min),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_ends() {
        let cases = [
            (Interval::closed(0.0, 2.0), "[0.0, 2.0]", [true, true]),
            (Interval::closed_open(0.0, 2.0), "[0.0, 2.0)", [true, false]),
            (Interval::open_closed(0.0, 2.0), "(0.0, 2.0]", [false, true]),
            (Interval::open(0.0, 2.0), "(0.0, 2.0)", [false, false]),
        ];
        for (interval, text, [low, high]) in cases {
            assert_eq!(interval.to_string(), text);
            assert_eq!(interval.contains(0.0), low, "{text}");
            assert_eq!(interval.contains(2.0), high, "{text}");
            assert!(interval.contains(1.0));
            assert!(!interval.contains(-0.1) && !interval.contains(2.1));
            assert!(!interval.contains(f64::NAN));
        }
        assert_eq!(Interval::closed(-2.0, 2.0).to_string(), "[-2.0, 2.0]");
    }

    #[test]
    fn int_range_ends() {
        let r = IntRange::new(1, Some(4));
        assert!(!r.contains(0) && r.contains(1) && r.contains(4) && !r.contains(5));
        assert_eq!(r.to_string(), "[1, 4]");
        assert!(IntRange::new(1, None).contains(i64::MAX));
    }
}

//! [`List`]: a sequence that holds its first element inline.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::ops::{Deref, DerefMut};

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A growable sequence that stores up to one element without allocating.
///
/// Chat completion chunks almost always carry exactly one choice, and tool-call deltas one
/// call: parsing them into a `List` makes no heap allocation, where a `Vec` would make one
/// per chunk. It dereferences to a slice, so it reads like a `Vec`.
///
/// # Example
///
/// ```
/// use chatwire::types::List;
///
/// let mut list: List<u32> = serde_json::from_str("[7]").unwrap();
/// assert_eq!(&list[..], &[7]);
/// list.push(8);
/// assert_eq!(list.len(), 2);
/// assert_eq!(serde_json::to_string(&list).unwrap(), "[7,8]");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct List<T>(Inner<T>);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Inner<T> {
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> List<T> {
    /// An empty list. Does not allocate.
    pub const fn new() -> Self {
        List(Inner::Empty)
    }

    /// Removes every element (and frees the heap storage of more than one).
    pub fn clear(&mut self) {
        self.0 = Inner::Empty;
    }

    /// Appends an element; the first is stored inline.
    pub fn push(&mut self, value: T) {
        self.0 = match core::mem::replace(&mut self.0, Inner::Empty) {
            Inner::Empty => Inner::One(value),
            Inner::One(first) => Inner::Many(vec![first, value]),
            Inner::Many(mut all) => {
                all.push(value);
                Inner::Many(all)
            }
        };
    }

    /// A list of one element (inline).
    pub(crate) const fn one(value: T) -> Self {
        List(Inner::One(value))
    }

    /// Appends `T::default()` and returns it to be filled in place, so that a large element
    /// is not moved (the chunk fast path). Always `Some`.
    pub(crate) fn push_default(&mut self) -> Option<&mut T>
    where
        T: Default,
    {
        match &mut self.0 {
            Inner::Empty => self.0 = Inner::One(T::default()),
            Inner::One(_) => {
                if let Inner::One(first) = core::mem::replace(&mut self.0, Inner::Empty) {
                    self.0 = Inner::Many(vec![first, T::default()]);
                }
            }
            Inner::Many(all) => all.push(T::default()),
        }
        self.as_mut_slice().last_mut()
    }

    /// The elements as a slice.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Inner::Empty => &[],
            Inner::One(value) => core::slice::from_ref(value),
            Inner::Many(all) => all,
        }
    }

    /// The elements as a mutable slice.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.0 {
            Inner::Empty => &mut [],
            Inner::One(value) => core::slice::from_mut(value),
            Inner::Many(all) => all,
        }
    }

    /// Removes and returns the element at `index`, shifting the later ones down; `None` when
    /// `index` is out of bounds.
    pub fn remove(&mut self, index: usize) -> Option<T> {
        if index >= self.len() {
            return None;
        }
        match core::mem::replace(&mut self.0, Inner::Empty) {
            Inner::Empty => None,
            Inner::One(value) => Some(value),
            Inner::Many(mut all) => {
                let removed = all.remove(index);
                *self = List::from(all);
                Some(removed)
            }
        }
    }

    /// Keeps only the elements for which `keep` returns `true`, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match core::mem::replace(&mut self.0, Inner::Empty) {
            Inner::Empty => {}
            Inner::One(value) => {
                if keep(&value) {
                    self.0 = Inner::One(value);
                }
            }
            Inner::Many(mut all) => {
                all.retain(keep);
                *self = List::from(all);
            }
        }
    }

    /// Converts each element with `f`, keeping the inline storage.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> List<U> {
        List(match self.0 {
            Inner::Empty => Inner::Empty,
            Inner::One(value) => Inner::One(f(value)),
            Inner::Many(all) => Inner::Many(all.into_iter().map(f).collect()),
        })
    }

    /// Converts into a `Vec`.
    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            Inner::Empty => Vec::new(),
            Inner::One(value) => vec![value],
            Inner::Many(all) => all,
        }
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Deref for List<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(mut all: Vec<T>) -> Self {
        match all.len() {
            0 => List::new(),
            1 => List(Inner::One(all.remove(0))),
            _ => List(Inner::Many(all)),
        }
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = List::new();
        for value in iter {
            list.push(value);
        }
        list
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = alloc::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'l, T> IntoIterator for &'l List<T> {
    type Item = &'l T;
    type IntoIter = core::slice::Iter<'l, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(core::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for Visitor<T> {
            type Value = List<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = List::new();
                while let Some(value) = seq.next_element()? {
                    list.push(value);
                }
                Ok(list)
            }
        }

        deserializer.deserialize_seq(Visitor(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_from_inline_to_heap_in_order() {
        let mut list = List::new();
        for i in 0..5 {
            list.push(i);
            assert_eq!(list.as_slice(), (0..=i).collect::<Vec<_>>().as_slice());
        }
        assert_eq!(list.clone().into_vec(), vec![0, 1, 2, 3, 4]);
        assert_eq!(list.map(|i| i * 2).into_iter().sum::<i32>(), 20);
    }

    #[test]
    fn deserializes_and_serializes_every_length() {
        for text in ["[]", "[1]", "[1,2]", "[1,2,3]"] {
            let list: List<u8> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&list).unwrap(), text);
            assert_eq!(List::from(list.clone().into_vec()), list);
        }
        assert!(serde_json::from_str::<List<u8>>("{}").is_err());
    }

    #[test]
    fn remove_and_retain_keep_order() {
        let mut list: List<u8> = (0..5).collect();
        assert_eq!(list.remove(1), Some(1));
        assert_eq!(list.remove(9), None);
        list.retain(|v| v % 2 == 0);
        assert_eq!(&list[..], &[0, 2, 4]);
        list.retain(|v| *v == 4);
        assert_eq!(&list[..], &[4]);
        assert_eq!(list.remove(0), Some(4));
        assert!(list.is_empty());
        assert_eq!(list.remove(0), None);
    }

    #[test]
    fn mutable_access_changes_elements() {
        let mut list: List<u8> = [1, 2].into_iter().collect();
        list[1] = 9;
        list.as_mut_slice()[0] = 8;
        assert_eq!(&list[..], &[8, 9]);
    }
}

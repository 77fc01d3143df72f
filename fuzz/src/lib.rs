//! Shared by the fuzz targets: how an input is laid out (a fixed-size header read with
//! `arbitrary`, then the bytes under test), where it is split, and the driver that runs the SSE
//! decoder over split input while checking its invariants after every call.
//!
//! The layout keeps the bytes under test verbatim at the end of the input, so a seed file is a
//! header followed by a real stream, and the fuzzer's mutations of the stream stay readable.

pub mod json;
pub mod sse;

/// The protocol crate's own test support: the naive reference SSE decoder and the `Outcome`
/// type it produces. The fuzz targets compare the real decoder against it.
#[path = "../../protocol/tests/support/mod.rs"]
pub mod support;

use arbitrary::{Arbitrary, Unstructured};

/// Splits `data` into a header of type `H` (read from the first `H::size_hint` bytes, which
/// must be a fixed size) and the bytes under test. `None` when `data` is shorter than the
/// header.
pub fn header<'a, H: Arbitrary<'a>>(data: &'a [u8]) -> Option<(H, &'a [u8])> {
    let (_, upper) = H::size_hint(0);
    // Every header is a struct of fixed-size fields, so its size hint is exact.
    let size = upper?;
    if data.len() < size {
        return None;
    }
    let (head, rest) = data.split_at(size);
    let header = H::arbitrary(&mut Unstructured::new(head)).ok()?;
    Some((header, rest))
}

/// Where to cut an input of `len` bytes: `count` cut points (sorted, duplicates allowed, each in
/// `0..=len`) drawn from `seed` with a small deterministic generator, or every byte when
/// `count` is `u8::MAX` and the input is short.
pub fn cuts(len: usize, seed: u64, count: u8) -> Vec<usize> {
    if count == u8::MAX && len <= 4096 {
        return (1..len).collect();
    }
    let mut state = seed;
    let mut cuts: Vec<usize> = (0..count % 32)
        .map(|_| {
            state = splitmix(state);
            // The remainder is at most `len`, so it fits in a usize.
            (state % (len as u64 + 1)) as usize
        })
        .collect();
    cuts.sort_unstable();
    cuts
}

/// The pieces of `input` between `cuts` (as [`cuts`] makes them), in order; empty pieces
/// included.
pub fn pieces<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.clamp(start, input.len());
        out.push(&input[start..cut]);
        start = cut;
    }
    out.push(&input[start..]);
    out
}

/// One step of the SplitMix64 generator.
fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_input_in_order() {
        let input = b"data: x\n\n";
        for seed in 0..64 {
            for count in [0, 1, 5, 31, u8::MAX] {
                let cuts = cuts(input.len(), seed, count);
                assert!(cuts.iter().all(|&cut| cut <= input.len()));
                assert_eq!(pieces(input, &cuts).concat(), input);
            }
        }
        assert_eq!(
            pieces(input, &cuts(input.len(), 0, u8::MAX)).len(),
            input.len()
        );
    }
}

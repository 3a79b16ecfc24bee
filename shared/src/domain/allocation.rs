//! Splitting an amount over an order's lines in proportion to their totals, in integer minor
//! units, so the parts add up to the amount exactly (a discount spread over lines, so a refund
//! of one line gives back what the customer paid for it).

/// `amount` split over `weights` (the lines' totals) by the largest-remainder method: each line
/// gets the whole part of its share, and the units left over go one each to the lines with the
/// largest remainders (the earlier line on a tie). The parts add up to `amount`. No weight, or
/// weights that add up to zero, gives nothing to anyone but the first line.
pub fn largest_remainder(amount: u64, weights: &[u64]) -> Vec<u64> {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if total == 0 {
        let mut parts = vec![0; weights.len()];
        parts[0] = amount;
        return parts;
    }
    let amount128 = u128::from(amount);
    let mut parts: Vec<u64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = amount128 * u128::from(*w);
        // The whole part fits in u64: it is at most `amount`.
        parts.push((exact / total) as u64);
        remainders.push((exact % total, i));
    }
    let given: u64 = parts.iter().sum();
    let left = amount - given;
    // Largest remainder first; on a tie, the earlier line.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_real_over_three_lines_of_three_thirty_three_is_34_33_33() {
        // Given three lines of R$3.33 and a discount of R$1.00
        // When it is allocated
        let parts = largest_remainder(100, &[333, 333, 333]);
        // Then the first line takes the odd centavo and the sum is exact
        assert_eq!(parts, [34, 33, 33]);
        assert_eq!(parts.iter().sum::<u64>(), 100);
    }

    #[test]
    fn shares_follow_the_lines_totals_and_always_add_up() {
        assert_eq!(largest_remainder(1000, &[5000, 3000, 2000]), [500, 300, 200]);
        assert_eq!(largest_remainder(1, &[1, 1, 1]), [1, 0, 0]);
        assert_eq!(largest_remainder(7, &[0, 10]), [0, 7]);
        assert_eq!(largest_remainder(5, &[0, 0]), [5, 0]);
        assert!(largest_remainder(5, &[]).is_empty());
        // Any amount over any weights: the parts add up, none exceeds its exact share by a unit
        let mut seed = 7u64;
        for _ in 0..500 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = (seed % 6 + 1) as usize;
            let weights: Vec<u64> = (0..n).map(|i| (seed >> (i * 7)) % 100_000).collect();
            let amount = seed % 1_000_000;
            let parts = largest_remainder(amount, &weights);
            assert_eq!(parts.iter().sum::<u64>(), amount, "{amount} over {weights:?}");
            let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
            if total > 0 {
                for (p, w) in parts.iter().zip(&weights) {
                    let exact = u128::from(amount) * u128::from(*w);
                    assert!(u128::from(*p) * total <= exact + total, "{p} of {amount} for {w}/{total}");
                    assert!(u128::from(*p) * total + total > exact, "{p} of {amount} for {w}/{total}");
                }
            }
        }
    }
}

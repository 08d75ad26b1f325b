//! Small statistics over measured samples.

use std::time::Duration;

/// The median of `samples` (the mean of the two middle values for an even count), or zero
/// when there are none.
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => Duration::ZERO,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// `numerator / denominator`, or `f64::NAN` when the denominator is zero.
pub fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        f64::NAN
    } else {
        numerator / denominator
    }
}

/// The ratio of two durations.
pub fn duration_ratio(numerator: Duration, denominator: Duration) -> f64 {
    ratio(numerator.as_secs_f64(), denominator.as_secs_f64())
}

/// `n` rounded, with thousands separated: `12,345`.
pub fn thousands(n: f64) -> String {
    let rounded = n.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut grouped = String::from(if rounded < 0 { "-" } else { "" });
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

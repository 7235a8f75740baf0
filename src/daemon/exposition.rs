//! A small writer for the Prometheus text exposition format (version 0.0.4).
//!
//! Hand-written because gleaner exports a fixed, modest set of metrics from snapshots it
//! already holds; a metrics registry crate would add global state and a second copy of
//! every counter. The writer enforces the format's rules that are easy to get wrong:
//! one `# HELP`/`# TYPE` per family, escaped label values, cumulative histogram buckets
//! ending in `+Inf` with matching `_count`.

use std::fmt::Write;

/// Content type of the text format, for the HTTP response.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// Accumulates metric families into exposition text.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    pub fn new() -> Self {
        Exposition::default()
    }

    /// Starts a family: `# HELP` and `# TYPE` lines. Samples of the family follow.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) -> &mut Self {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {}", kind.as_str());
        self
    }

    /// One sample line: `name{labels} value`.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(name);
        write_labels(&mut self.out, labels);
        self.out.push(' ');
        write_value(&mut self.out, value);
        self.out.push('\n');
        self
    }

    /// A whole single-sample family.
    pub fn single(&mut self, name: &str, kind: Kind, help: &str, value: f64) -> &mut Self {
        self.family(name, kind, help).sample(name, &[], value)
    }

    /// Histogram samples for one label set. `buckets` are `(upper bound, observations ≤
    /// bound)` in increasing bound order (cumulative, as Prometheus wants them); the
    /// observations above the last bound reach `+Inf` through `count`.
    pub fn histogram(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        buckets: &[(f64, u64)],
        count: u64,
        sum: f64,
    ) -> &mut Self {
        let bucket_name = format!("{name}_bucket");
        let mut cumulative = 0u64;
        for (bound, n) in buckets {
            // Never let a racy snapshot make the series decrease.
            cumulative = cumulative.max(*n);
            let le = format_value(*bound);
            let mut with_le: Vec<(&str, &str)> = labels.to_vec();
            with_le.push(("le", &le));
            self.sample(&bucket_name, &with_le, cumulative as f64);
        }
        let mut with_inf: Vec<(&str, &str)> = labels.to_vec();
        with_inf.push(("le", "+Inf"));
        self.sample(&bucket_name, &with_inf, count.max(cumulative) as f64);
        self.sample(&format!("{name}_sum"), labels, sum);
        self.sample(
            &format!("{name}_count"),
            labels,
            count.max(cumulative) as f64,
        );
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

fn write_labels(out: &mut String, labels: &[(&str, &str)]) {
    if labels.is_empty() {
        return;
    }
    out.push('{');
    for (i, (key, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(key);
        out.push_str("=\"");
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('}');
}

fn write_value(out: &mut String, value: f64) {
    out.push_str(&format_value(value));
}

fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value == f64::INFINITY {
        "+Inf".to_string()
    } else if value == f64::NEG_INFINITY {
        "-Inf".to_string()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_family_with_escaped_labels() {
        let mut e = Exposition::new();
        e.family("gleaner_errors_total", Kind::Counter, "Errors by kind.")
            .sample("gleaner_errors_total", &[("kind", "a\"b\\c\nd")], 3.0);
        assert_eq!(
            e.finish(),
            "# HELP gleaner_errors_total Errors by kind.\n\
             # TYPE gleaner_errors_total counter\n\
             gleaner_errors_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
        );
    }

    #[test]
    fn histogram_ends_with_inf_sum_and_count() {
        let mut e = Exposition::new();
        e.family("h_seconds", Kind::Histogram, "h");
        e.histogram("h_seconds", &[], &[(0.1, 2), (0.5, 5), (1.0, 5)], 7, 4.25);
        let text = e.finish();
        assert!(text.contains("h_seconds_bucket{le=\"0.1\"} 2\n"), "{text}");
        assert!(text.contains("h_seconds_bucket{le=\"0.5\"} 5\n"), "{text}");
        assert!(text.contains("h_seconds_bucket{le=\"1\"} 5\n"), "{text}");
        assert!(text.contains("h_seconds_bucket{le=\"+Inf\"} 7\n"), "{text}");
        assert!(text.contains("h_seconds_sum 4.25\n"), "{text}");
        assert!(text.contains("h_seconds_count 7\n"), "{text}");
    }

    #[test]
    fn values_are_formatted_as_prometheus_reads_them() {
        assert_eq!(format_value(3.0), "3");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(1_700_000_000.0), "1700000000");
    }
}

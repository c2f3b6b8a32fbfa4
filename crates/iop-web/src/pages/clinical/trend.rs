//! The measures trend chart, drawn on the server as SVG with plotters.

use plotters::prelude::*;

/// (instrument label, maximum score, points of (day index, score))
pub struct Series {
    pub label: &'static str,
    pub max: i32,
    pub points: Vec<(i32, i32)>,
}

const COLOURS: [RGBColor; 3] = [
    RGBColor(11, 83, 148),
    RGBColor(163, 0, 0),
    RGBColor(30, 107, 30),
];

/// Spans longer than this many days are drawn as monthly means, not every score: a
/// years-long alumnus's weekly check-ins would otherwise be hundreds of points.
const DAILY_UP_TO: i32 = 180;
const BUCKET_DAYS: i32 = 30;

/// The points to draw: as they are over a short span, else the mean of each 30 days,
/// placed mid-period.
pub fn aggregate(points: Vec<(i32, i32)>, span_days: i32) -> Vec<(i32, i32)> {
    if span_days <= DAILY_UP_TO {
        return points;
    }
    let mut buckets: std::collections::BTreeMap<i32, (i64, i64)> = Default::default();
    for (d, v) in points {
        let b = buckets.entry(d.div_euclid(BUCKET_DAYS)).or_default();
        b.0 += i64::from(v);
        b.1 += 1;
    }
    buckets
        .into_iter()
        .map(|(b, (sum, n))| {
            let mean = i32::try_from(sum / n.max(1)).unwrap_or(i32::MAX);
            (b * BUCKET_DAYS + BUCKET_DAYS / 2, mean)
        })
        .collect()
}

/// Scores as a share of each instrument's maximum (0–100 %) over days since the first
/// measure, one line per instrument. Returns the SVG text.
pub fn svg(series: &[Series], days: i32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (640, 280)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(0..days.max(1), 0..100)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("days since the first measure")
            .y_desc("% of the maximum score")
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, s) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let pts: Vec<(i32, i32)> = s
                .points
                .iter()
                .map(|(d, v)| (*d, v * 100 / s.max.max(1)))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(s.label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled())))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_span_keeps_every_score_and_a_long_one_draws_monthly_means() {
        let short = vec![(0, 10), (14, 8), (28, 6)];
        assert_eq!(aggregate(short.clone(), 28), short);
        let weekly: Vec<(i32, i32)> = (0..260)
            .map(|w| (w * 7, if w < 130 { 12 } else { 4 }))
            .collect();
        let drawn = aggregate(weekly, 259 * 7);
        assert!(drawn.len() <= 61, "{} points", drawn.len());
        assert_eq!(drawn.first(), Some(&(15, 12)));
        assert_eq!(drawn.last().map(|p| p.1), Some(4));
    }

    #[test]
    fn the_trend_chart_is_an_svg_with_one_line_per_instrument() {
        let s = svg(
            &[
                Series {
                    label: "PHQ-9",
                    max: 27,
                    points: vec![(0, 18), (14, 12), (28, 7)],
                },
                Series {
                    label: "GAD-7",
                    max: 21,
                    points: vec![(0, 12), (28, 6)],
                },
            ],
            28,
        )
        .unwrap_or_default();
        assert!(s.starts_with("<svg"), "{s}");
        assert!(s.contains("PHQ-9") && s.contains("GAD-7"));
        // One line (and legend mark) in each instrument's colour, a dot per measure.
        for colour in ["#0B5394", "#A30000"] {
            assert!(
                s.contains(&format!(
                    "<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\""
                )),
                "{colour}"
            );
        }
        assert_eq!(s.matches("<circle").count(), 5);
    }
}

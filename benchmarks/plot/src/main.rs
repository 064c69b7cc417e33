//! Draws the plots of BENCHMARKS.md as SVG:
//!
//! - `throughput_<endpoint>.svg`: requests/s against connections, ours vs bare vs oxide-auth,
//!   from the CSV `benchmarks/http.sh` writes;
//! - `stores.svg`: requests/s per store, issuance and validation, from the same CSV;
//! - `validation_live_tokens.svg`: `Server::bearer` time with 10^3 and 10^6 live tokens, from
//!   criterion's `bearer/*/<live>/new/estimates.json`.
//!
//! ```text
//! bench-plot --http benchmarks/results/http.csv --criterion /work/target-benchmarks/criterion --out benchmarks/plots
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Error = Box<dyn std::error::Error>;

/// One row of `http.csv`: one wrk run.
#[derive(Clone)]
struct Row {
    /// Which repetition (`ROUNDS` in benchmarks/http.sh); 1 in a CSV without the column.
    round: u32,
    server: String,
    endpoint: String,
    store: String,
    connections: u32,
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    non_2xx: u64,
}

fn read_http(path: &Path) -> Result<Vec<Row>, Error> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("no column {name}"))
    };
    let (server, endpoint, store, conns, rps) = (
        col("server")?,
        col("endpoint")?,
        col("store")?,
        col("connections")?,
        col("rps")?,
    );
    let (p50, p99, non_2xx) = (col("p50_us")?, col("p99_us")?, col("non_2xx")?);
    let round = col("round").ok();
    let mut rows = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        // The databases' own rates (pgbench, redis-benchmark) have no latencies: BENCHMARKS.md
        // reads them from the CSV; they are not plotted.
        if f[p50].is_empty() {
            continue;
        }
        rows.push(Row {
            round: round.map_or(Ok(1), |i| f[i].parse())?,
            server: f[server].to_owned(),
            endpoint: f[endpoint].to_owned(),
            store: f[store].to_owned(),
            connections: f[conns].parse()?,
            rps: f[rps].parse()?,
            p50_us: f[p50].parse()?,
            p99_us: f[p99].parse()?,
            non_2xx: f[non_2xx].parse()?,
        });
    }
    Ok(rows)
}

/// The median round of each server, endpoint, store and concurrency: the run whose requests/s
/// is the middle one (the lower middle of an even count), with that run's latencies.
fn medians(rows: &[Row]) -> Vec<Row> {
    let mut groups: BTreeMap<(&str, &str, &str, u32), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((&r.server, &r.endpoint, &r.store, r.connections))
            .or_default()
            .push(r);
    }
    groups
        .into_values()
        .map(|mut runs| {
            runs.sort_by(|a, b| a.rps.total_cmp(&b.rps));
            runs[(runs.len() - 1) / 2].clone()
        })
        .collect()
}

/// `a`'s requests/s over `b`'s, round by round (each round ran them back to back): the median
/// ratio, the lowest and the highest.
fn ratios(rows: &[Row], a: &str, b: &str, endpoint: &str, conns: u32) -> Option<(f64, f64, f64)> {
    let run = |server: &str, round: u32| {
        rows.iter().find(|r| {
            r.server == server
                && r.endpoint == endpoint
                && r.store == "memory"
                && r.connections == conns
                && r.round == round
        })
    };
    let mut values: Vec<f64> = rows
        .iter()
        .filter(|r| r.server == a && r.endpoint == endpoint && r.store == "memory")
        .filter(|r| r.connections == conns)
        .filter_map(|ra| Some(ra.rps / run(b, ra.round)?.rps))
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some((
        values[(values.len() - 1) / 2],
        values[0],
        values[values.len() - 1],
    ))
}

const SERIES: [(&str, &str, RGBColor); 3] = [
    (
        "ours",
        "oauth2-provider (example server)",
        RGBColor(0x1f, 0x77, 0xb4),
    ),
    (
        "bare",
        "bare axum handler (ceiling)",
        RGBColor(0x7f, 0x7f, 0x7f),
    ),
    (
        "oxide",
        "oxide-auth 0.6 + oxide-auth-axum",
        RGBColor(0xd6, 0x27, 0x28),
    ),
];

fn endpoint_title(endpoint: &str) -> &str {
    match endpoint {
        "token" => "POST /token (client_credentials)",
        "resource" => "GET /api/notes (bearer, scope read)",
        "introspect" => "POST /introspect",
        other => other,
    }
}

/// Requests/s against connections (log2 axis), one line per server.
fn throughput(rows: &[Row], endpoint: &str, out: &Path) -> Result<(), Error> {
    let mine: Vec<&Row> = rows
        .iter()
        .filter(|r| r.endpoint == endpoint && r.store == "memory")
        .collect();
    if mine.is_empty() {
        return Ok(());
    }
    let mut conns: Vec<u32> = mine.iter().map(|r| r.connections).collect();
    conns.sort_unstable();
    conns.dedup();
    let max_rps = mine.iter().map(|r| r.rps).fold(0.0, f64::max) * 1.15;
    let root = SVGBackend::new(out, (720, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    // One evenly spaced slot per concurrency measured (1, 16, 64, 256 is close to log-spaced).
    let n = conns.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{}: requests/s (memory store)", endpoint_title(endpoint)),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.3f64..n - 0.7, 0f64..max_rps)?;
    let labels = conns.clone();
    chart
        .configure_mesh()
        .x_desc("connections (wrk, loopback)")
        .y_desc("requests/s")
        .disable_x_mesh()
        .x_labels(conns.len() * 4)
        .x_label_formatter(&move |x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].to_string()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{:.0}k", y / 1000.0))
        .draw()?;
    for (server, label, color) in SERIES {
        let mut points: Vec<(f64, f64)> = mine
            .iter()
            .filter(|r| r.server == server)
            .filter_map(|r| {
                let slot = conns.iter().position(|c| *c == r.connections)?;
                Some((slot as f64, r.rps))
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, color.filled())),
        )?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}

/// Requests/s per store at the highest measured concurrency: issuance and validation bars.
fn stores(rows: &[Row], out: &Path) -> Result<(), Error> {
    // store -> (token, resource) at the highest concurrency measured for that store.
    let mut best: BTreeMap<&str, (u32, f64, f64)> = BTreeMap::new();
    let order = ["memory", "sqlite", "postgres", "redis"];
    for r in rows.iter().filter(|r| r.server == "ours") {
        let entry = best.entry(r.store.as_str()).or_insert((0, 0.0, 0.0));
        if r.connections > entry.0 {
            *entry = (r.connections, 0.0, 0.0);
        }
        if r.connections == entry.0 {
            match r.endpoint.as_str() {
                "token" => entry.1 = r.rps,
                "resource" => entry.2 = r.rps,
                _ => {}
            }
        }
    }
    let stores: Vec<&str> = order.into_iter().filter(|s| best.contains_key(s)).collect();
    if stores.is_empty() {
        return Ok(());
    }
    let max_rps = best.values().map(|v| v.1.max(v.2)).fold(0.0, f64::max) * 1.15;
    let root = SVGBackend::new(out, (720, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = stores.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption("Example server per store: requests/s", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n, 0f64..max_rps)?;
    let names = stores.clone();
    let conns: Vec<u32> = stores.iter().map(|s| best[s].0).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(stores.len() * 2 + 1)
        .x_label_formatter(&move |x| {
            let i = (*x - 0.5).round();
            if (x - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                format!("{} ({} conns)", names[i as usize], conns[i as usize])
            } else {
                String::new()
            }
        })
        .y_desc("requests/s")
        .y_label_formatter(&|y| format!("{:.0}k", y / 1000.0))
        .draw()?;
    let issue = RGBColor(0x1f, 0x77, 0xb4);
    let validate = RGBColor(0x2c, 0xa0, 0x2c);
    for (i, store) in stores.iter().enumerate() {
        let (_, token, resource) = best[store];
        let x = i as f64;
        chart.draw_series([Rectangle::new(
            [(x + 0.1, 0.0), (x + 0.48, token)],
            issue.filled(),
        )])?;
        chart.draw_series([Rectangle::new(
            [(x + 0.52, 0.0), (x + 0.9, resource)],
            validate.filled(),
        )])?;
    }
    bar_legend(
        &mut chart,
        "issuance: POST /token client_credentials",
        issue,
    )?;
    bar_legend(
        &mut chart,
        "validation: GET /api/notes with a bearer token",
        validate,
    )?;
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    root.present()?;
    Ok(())
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A legend entry for bars: a filled square of `color`.
fn bar_legend(chart: &mut Chart<'_, '_>, label: &str, color: RGBColor) -> Result<(), Error> {
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    Ok(())
}

/// The legend box, at `position`.
fn draw_legend<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    position: SeriesLabelPosition,
) -> Result<(), Error> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// criterion's mean estimate, in nanoseconds, for `group/function/parameter`.
fn criterion_mean(dir: &Path, id: &str) -> Option<f64> {
    let path = dir.join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

/// `Server::bearer` with 10^3 vs 10^6 live tokens, valid and unknown token.
fn validation(dir: &Path, out: &Path) -> Result<(), Error> {
    let cases = ["valid", "unknown"];
    let lives = [1_000u32, 1_000_000];
    let mut values = Vec::new();
    for case in cases {
        for live in lives {
            if let Some(ns) = criterion_mean(dir, &format!("bearer/{case}/{live}")) {
                values.push((case, live, ns));
            }
        }
    }
    if values.is_empty() {
        eprintln!("no criterion results for bearer/* under {}", dir.display());
        return Ok(());
    }
    let max_ns = values.iter().map(|v| v.2).fold(0.0, f64::max) * 1.25;
    let root = SVGBackend::new(out, (720, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Server::bearer on the memory store: time per validation",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..2.0, 0f64..max_ns)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(5)
        .x_label_formatter(&|x| match (*x * 100.0).round() as i64 {
            50 => "10^3 live tokens".to_owned(),
            150 => "10^6 live tokens".to_owned(),
            _ => String::new(),
        })
        .y_desc("ns per call (criterion mean)")
        .draw()?;
    let colors = [RGBColor(0x1f, 0x77, 0xb4), RGBColor(0xff, 0x7f, 0x0e)];
    for (c, case) in cases.iter().enumerate() {
        let color = colors[c];
        for (l, live) in lives.iter().enumerate() {
            if let Some(&(_, _, ns)) = values.iter().find(|v| v.0 == *case && v.1 == *live) {
                let x = l as f64 + 0.1 + c as f64 * 0.4;
                chart.draw_series([Rectangle::new([(x, 0.0), (x + 0.38, ns)], color.filled())])?;
                chart.draw_series([Text::new(
                    format!("{ns:.0} ns"),
                    (x + 0.08, ns + max_ns * 0.02),
                    ("sans-serif", 13),
                )])?;
            }
        }
        let label = match *case {
            "valid" => "valid token (each call a different one)",
            _ => "unknown token",
        };
        bar_legend(&mut chart, label, color)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}

/// The tables of BENCHMARKS.md, in Markdown: per endpoint and concurrency, each server's
/// median requests/s with that run's p50 and p99, and ours as a share of bare and a multiple of
/// oxide-auth (median of the per-round ratios, lowest to highest in brackets); then the stores.
fn tables(rows: &[Row], runs: &[Row]) -> String {
    let find = |server: &str, endpoint: &str, store: &str, conns: u32| {
        rows.iter().find(|r| {
            r.server == server
                && r.endpoint == endpoint
                && r.store == store
                && r.connections == conns
        })
    };
    let ms = |us: f64| format!("{:.2}", us / 1000.0);
    // Requests/s, p50 and p99 of one run, as three table cells.
    let cell = |r: Option<&Row>| match r {
        Some(r) => format!("{:.0} | {} | {}", r.rps, ms(r.p50_us), ms(r.p99_us)),
        None => "n/a | | ".to_owned(),
    };
    let mut out = String::new();
    for endpoint in ["token", "resource", "introspect"] {
        let mut conns: Vec<u32> = rows
            .iter()
            .filter(|r| r.endpoint == endpoint && r.store == "memory")
            .map(|r| r.connections)
            .collect();
        conns.sort_unstable();
        conns.dedup();
        if conns.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {}\n\n", endpoint_title(endpoint)));
        out.push_str("| conns | ours req/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms | oxide req/s | p50 ms | p99 ms | ours / bare | ours / oxide |\n");
        out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for c in conns {
            let (ours, bare, oxide) = (
                find("ours", endpoint, "memory", c),
                find("bare", endpoint, "memory", c),
                find("oxide", endpoint, "memory", c),
            );
            let ratio = |other: &str, pct: bool| match ratios(runs, "ours", other, endpoint, c) {
                // One round: no spread to show.
                Some((mid, low, high)) if low == high && pct => format!("{:.0}%", 100.0 * mid),
                Some((mid, low, high)) if low == high => format!("{mid:.2}x"),
                Some((mid, low, high)) if pct => format!(
                    "{:.0}% ({:.0}-{:.0}%)",
                    100.0 * mid,
                    100.0 * low,
                    100.0 * high
                ),
                Some((mid, low, high)) => format!("{mid:.2}x ({low:.2}-{high:.2}x)"),
                None => "n/a".to_owned(),
            };
            out.push_str(&format!(
                "| {c} | {} | {} | {} | {} | {} |\n",
                cell(ours),
                cell(bare),
                cell(oxide),
                ratio("bare", true),
                ratio("oxide", false)
            ));
        }
    }
    let stores: Vec<&Row> = rows.iter().filter(|r| r.store != "memory").collect();
    if !stores.is_empty() {
        out.push_str("\n#### Stores (example server)\n\n");
        out.push_str("| store | conns | issuance req/s | p50 ms | p99 ms | validation req/s | p50 ms | p99 ms |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        let mut keys: Vec<(&str, u32)> = stores
            .iter()
            .map(|r| (r.store.as_str(), r.connections))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for (store, c) in keys {
            out.push_str(&format!(
                "| {store} | {c} | {} | {} |\n",
                cell(find("ours", "token", store, c)),
                cell(find("ours", "resource", store, c))
            ));
        }
    }
    let failed: u64 = runs.iter().map(|r| r.non_2xx).sum();
    out.push_str(&format!("\nnon-2xx responses over all runs: {failed}\n"));
    out
}

fn main() -> Result<(), Error> {
    let mut http = None;
    let mut criterion = None;
    let mut out = PathBuf::from("benchmarks/plots");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--http" => http = Some(PathBuf::from(value)),
            "--criterion" => criterion = Some(PathBuf::from(value)),
            "--out" => out = PathBuf::from(value),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    std::fs::create_dir_all(&out)?;
    if let Some(path) = http {
        let runs = read_http(&path)?;
        let rows = medians(&runs);
        for endpoint in ["token", "resource", "introspect"] {
            throughput(
                &rows,
                endpoint,
                &out.join(format!("throughput_{endpoint}.svg")),
            )?;
        }
        stores(&rows, &out.join("stores.svg"))?;
        let markdown = path.with_file_name("tables.md");
        std::fs::write(&markdown, tables(&rows, &runs))?;
    }
    if let Some(dir) = criterion {
        validation(&dir, &out.join("validation_live_tokens.svg"))?;
    }
    Ok(())
}

//! A link's behaviour in the page's units (percentages rather than parts per million), for the
//! link menu and the network panel.

use serde::Serialize;

use crate::sim::LinkConfig;

/// `NetworkOptions` with every field set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkSettings {
    /// Smallest one-way latency.
    pub latency_ms_min: u64,
    /// Largest one-way latency.
    pub latency_ms_max: u64,
    /// Loss, 0..=100 %.
    pub loss_percent: f64,
    /// Duplication, 0..=100 %.
    pub duplicate_percent: f64,
    /// Extra-delay (reordering) probability, 0..=100 %.
    pub reorder_percent: f64,
    /// Largest extra delay.
    pub reorder_delay_ms_max: u64,
}

/// The settings of `link` in page units.
pub fn link_settings(link: &LinkConfig) -> LinkSettings {
    let pct = |ppm: u32| f64::from(ppm) / 10_000.0;
    LinkSettings {
        latency_ms_min: link.latency_ms_min,
        latency_ms_max: link.latency_ms_max,
        loss_percent: pct(link.loss_ppm),
        duplicate_percent: pct(link.duplicate_ppm),
        reorder_percent: pct(link.reorder_ppm),
        reorder_delay_ms_max: link.reorder_delay_ms_max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm::options::{link_config, NetworkOptions};

    #[test]
    fn settings_round_trip_through_network_options() {
        let base = LinkConfig::default();
        let n = NetworkOptions {
            loss_percent: Some(12.5),
            latency_ms_max: Some(40),
            ..NetworkOptions::default()
        };
        let l = link_config(base, &n).unwrap();
        let s = link_settings(&l);
        assert_eq!(s.loss_percent, 12.5);
        assert_eq!(s.latency_ms_max, 40);
        assert_eq!(s.latency_ms_min, base.latency_ms_min);
    }
}

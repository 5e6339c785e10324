//! libFuzzer target: the `scenario` check of [`gapmap_fuzz`] on each input (`fuzz/run scenario`).
#![no_main]
#![allow(unsafe_code)] // the entry point `fuzz_target!` generates

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(finding) = gapmap_fuzz::check(gapmap_fuzz::Target::Scenario, data) {
        panic!("{finding}");
    }
});

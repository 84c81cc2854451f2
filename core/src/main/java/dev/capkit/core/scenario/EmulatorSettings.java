package dev.capkit.core.scenario;

/**
 * What the embedded emulator emulates when a run has no real target.
 *
 * @param tier    instance type id from {@code scenarios/catalog}, e.g. {@code gn7e-c16g1.4xlarge}
 * @param dtype   weight precision: {@code bf16}, {@code fp8} or {@code int4}
 * @param profile {@code physics} (roofline timing) or {@code instant} (no simulated GPU time)
 */
public record EmulatorSettings(String tier, String dtype, String profile) {}
